using Fhir.Trials.Endpoints;
using Fhir.Trials.Model;
using static Fhir.Trials.Tests.Endpoints.TrialBuilder;

namespace Fhir.Trials.Tests.Endpoints;

public sealed class ExposureTests
{
    private static TrialSubject Enrolled(int day, params DoseRecord[] doses) => Subject("1", firstDose: day) with { Doses = doses };

    [Fact]
    public void The_first_dose_is_the_earliest_completed_or_in_progress_dose_on_or_after_enrolment()
    {
        var subject = Enrolled(10,
            Dose(3, 5),                                   // before enrolment: another course, not this participation's
            Dose(12, null, DoseStatus.EnteredInError),    // never happened
            Dose(13, 13, DoseStatus.Other),               // not done, on hold, stopped...
            Dose(20, null, DoseStatus.InProgress),
            Dose(40, 56));
        var exposure = Exposure.Of(subject, cutoff: null);
        Assert.Equal(Day(20), exposure.FirstDose);
        Assert.True(exposure.Treated);
    }

    [Fact]
    public void Without_a_given_dose_the_participant_is_not_treated()
    {
        var exposure = Exposure.Of(Enrolled(10, Dose(12, 12, DoseStatus.EnteredInError)), cutoff: null);
        Assert.Null(exposure.FirstDose);
        Assert.False(exposure.Treated);
    }

    [Fact]
    public void The_last_dose_is_the_latest_end_of_a_completed_dose_and_treatment_has_stopped()
    {
        var exposure = Exposure.Of(Enrolled(0, Dose(0, 16), Dose(28, 44), Dose(56, 72)) with { OffStudy = Day(90) }, cutoff: null);
        Assert.Equal(Day(72), exposure.LastDose);
        Assert.False(exposure.Ongoing);
    }

    [Fact]
    public void A_dose_in_progress_after_the_latest_completed_one_keeps_treatment_ongoing()
    {
        var exposure = Exposure.Of(Enrolled(0, Dose(0, 16), Dose(28, null, DoseStatus.InProgress)), cutoff: null);
        Assert.Equal(Day(16), exposure.LastDose);
        Assert.True(exposure.Ongoing);
    }

    [Fact]
    public void At_a_cut_off_later_doses_do_not_count_and_one_ending_after_it_was_still_being_given()
    {
        var subject = Enrolled(0, Dose(0, 16), Dose(28, 44), Dose(56, 72));
        var exposure = Exposure.Of(subject, cutoff: Day(30));
        Assert.Equal(Day(0), exposure.FirstDose);
        Assert.Equal(Day(16), exposure.LastDose);
        Assert.True(exposure.Ongoing);
    }

    [Fact]
    public void Without_a_completed_dose_the_end_of_participation_is_the_last_dose_and_without_either_treatment_is_ongoing()
    {
        Assert.Equal(new Exposure(Day(0), Day(20), Ongoing: false), Exposure.Of(Enrolled(0, Dose(0, null, DoseStatus.InProgress)) with { OffStudy = Day(20) }, null) with { Ongoing = false });
        Assert.Equal(new Exposure(Day(0), null, Ongoing: true), Exposure.Of(Enrolled(0, Dose(0, null, DoseStatus.InProgress)), null));
        // The end of participation after the cut-off is not known at the cut-off.
        Assert.Equal(new Exposure(Day(0), null, Ongoing: true), Exposure.Of(Enrolled(0, Dose(0, null, DoseStatus.InProgress)) with { OffStudy = Day(20) }, Day(10)));
    }

    [Fact]
    public void Responses_are_timed_from_the_first_dose_not_from_enrolment()
    {
        var subject = Subject("1", assessments: ["70:PD"]) with { Doses = [Dose(14, 30)] };
        Assert.Equal(56, Evaluate(subject).Pfs.Time);
    }
}
