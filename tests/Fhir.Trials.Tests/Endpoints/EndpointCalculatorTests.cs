using Fhir.Trials.Endpoints;
using Fhir.Trials.Model;
using Fhir.Trials.Statistics;
using static Fhir.Trials.Tests.Endpoints.TrialBuilder;

namespace Fhir.Trials.Tests.Endpoints;

public sealed class EndpointCalculatorTests
{
    // Five patients in arm A, two in arm B; expectations computed by hand below.
    private static TrialData Sample() => Trial(
        Subject("a1", "A", priorTtp: 60, assessments: ["56:PR", "84:PR", "168:PD"]),          // confirmed PR; PFS 168 event; DOR 112 event; GMI 2.8
        Subject("a2", "A", priorTtp: 100, assessments: ["56:PR", "83:SD", "112:SD"]),         // unconfirmed PR; SD at 16 wk: DC; PFS 112 censored; GMI 1.12
        Subject("a3", "A", death: 70, assessments: ["56:SD"]),                                // PFS 70 event (death)
        Subject("a4", "A", assessments: ["56:SD", "111:SD", "120:PD"]),                       // no DC; PFS 120 event
        Subject("a5", "A", assessments: ["0:SD"]),                                            // not evaluable; PFS 0 censored
        Subject("b1", "B", aes: [Ae("10035528", 10, 2), Ae("10035528", 40, 3, serious: true)], assessments: ["56:CR", "112:CR"]),
        Subject("b2", "B", aes: [Ae("10035528", 20, 1), Ae("10012727", 30, 3, discontinued: true)], assessments: ["56:SD"]));

    [Fact]
    public void The_whole_study_comes_first_then_each_arm()
    {
        var result = EndpointCalculator.Compute(Sample());
        Assert.Equal(["all", "A", "B"], result.Select(a => a.Name));
        Assert.Equal(7, result[0].Enrolled);
        Assert.Equal(6, result[0].Evaluable);
    }

    [Fact]
    public void Arm_A_rates_count_confirmed_unconfirmed_and_controlled_patients_over_the_evaluable()
    {
        var a = EndpointCalculator.Compute(Sample(), arm: "A").Single();
        Assert.Equal(5, a.Enrolled);
        Assert.Equal(4, a.Evaluable);
        Assert.Equal(Proportion.ClopperPearson(1, 4), a.Orr);
        Assert.Equal(Proportion.ClopperPearson(2, 4), a.Bor);
        Assert.Equal(Proportion.ClopperPearson(2, 4), a.Dcr);
    }

    [Fact]
    public void Arm_A_PFS_median_is_the_Kaplan_Meier_median_of_the_hand_computed_times()
    {
        // Times 0+, 70, 112+, 120, 168: S = 3/4 at 70, 3/4·1/2 = 0.375 at 120, so the median is 120 days.
        var a = EndpointCalculator.Compute(Sample(), arm: "A").Single();
        Assert.Equal(3, a.Pfs.Events);
        Assert.Equal(2, a.Pfs.Censored);
        Assert.Equal(120, a.Pfs.Median.Median);
        Assert.Equal(1, a.Dor.Events);
        Assert.Equal(112, a.Dor.Median.Median);
    }

    [Fact]
    public void GMI_counts_patients_with_a_prior_line_and_those_at_or_above_1_33()
    {
        var a = EndpointCalculator.Compute(Sample(), arm: "A").Single();
        Assert.Equal(2, a.Gmi.Evaluable);
        Assert.Equal(1, a.Gmi.AtLeast1_33);
        Assert.Equal(["p-a1", "p-a2"], a.Gmi.PerPatient.Select(p => p.Key));
        Assert.Equal(168.0 / 60, a.Gmi.PerPatient[0].Value);
    }

    [Fact]
    public void Safety_counts_each_patient_once_per_term_by_worst_grade()
    {
        var b = EndpointCalculator.Compute(Sample(), arm: "B").Single();
        Assert.Equal(
            [
                new SafetyRow(TrialCodes.MedDra, "10035528", "term 10035528", AnyGrade: 2, Grade3Plus: 1, Serious: 1, Discontinuation: 0),
                new SafetyRow(TrialCodes.MedDra, "10012727", "term 10012727", AnyGrade: 1, Grade3Plus: 1, Serious: 0, Discontinuation: 1),
            ],
            b.Safety);
    }

    [Fact]
    public void A_cut_off_drops_later_patients_assessments_and_adverse_events()
    {
        var data = Trial(
            Subject("a1", "A", assessments: ["56:PR", "84:PR", "168:PD"]),
            Subject("a2", "A", firstDose: 100, assessments: ["156:SD"]),
            Subject("b1", "B", aes: [Ae("10035528", 10, 2), Ae("10035528", 90, 4)], assessments: ["56:SD"]));
        var all = EndpointCalculator.Compute(data, cutoff: Day(80))[0];
        Assert.Equal(2, all.Enrolled);
        Assert.Equal(2, all.Evaluable);
        Assert.Equal(0, all.Orr.Numerator); // the confirming PR at day 84 is after the cut-off
        Assert.Equal(1, all.Bor.Numerator);
        Assert.Equal(0, all.Pfs.Events);
        Assert.Equal(0, all.Safety.Single().Grade3Plus);
    }

    [Fact]
    public void The_study_cut_off_applies_when_none_is_given_and_a_given_one_overrides_it()
    {
        var data = Trial(Subject("a1", "A", assessments: ["56:PR", "84:PR", "168:PD"]));
        data = data with { Study = data.Study with { Cutoff = Day(80) } };
        Assert.Equal(0, EndpointCalculator.Compute(data)[0].Orr.Numerator);
        Assert.Equal(1, EndpointCalculator.Compute(data, cutoff: Day(200))[0].Orr.Numerator);
    }

    [Fact]
    public void An_arm_without_patients_has_empty_counts_and_no_medians()
    {
        var b = EndpointCalculator.Compute(Trial(Subject("a1", "A", assessments: ["56:SD"])), arm: "B").Single();
        Assert.Equal(0, b.Enrolled);
        Assert.Equal(new Proportion(0, 0, null, null, null), b.Orr);
        Assert.Null(b.Pfs.Median.Median);
        Assert.Empty(b.Safety);
    }
}
