using Fhir.Trials.Eligibility;
using Fhir.Trials.Endpoints;
using Fhir.Trials.Model;
using Fhir.Trials.Statistics;
using static Fhir.Trials.Tests.Endpoints.TrialBuilder;

namespace Fhir.Trials.Tests.Endpoints;

public sealed class ResponseRulesTests
{
    [Fact]
    public void A_PR_repeated_28_days_later_is_a_confirmed_response()
    {
        var o = Evaluate(Subject("1", assessments: ["56:PR", "84:PR"]));
        Assert.Equal(Response.PR, o.ConfirmedResponse);
        Assert.Equal(Response.PR, o.BestResponse);
        Assert.True(o.AnyResponse);
    }

    [Fact]
    public void A_PR_repeated_27_days_later_is_unconfirmed_but_counts_in_the_best_overall_response()
    {
        var o = Evaluate(Subject("1", assessments: ["56:PR", "83:PR", "112:PD"]));
        Assert.Null(o.ConfirmedResponse);
        Assert.True(o.AnyResponse);
    }

    [Fact]
    public void Issue13_definitions_stable_disease_between_two_PRs_does_not_break_the_confirmation()
    {
        Assert.Equal(Response.PR, Evaluate(Subject("1", assessments: ["56:PR", "70:SD", "112:PR"])).ConfirmedResponse);
        Assert.Equal(Response.PR, Evaluate(Subject("1", assessments: ["56:PR", "70:NE", "112:PR"])).ConfirmedResponse);
    }

    [Fact]
    public void Progression_between_two_PRs_breaks_the_confirmation()
    {
        var o = Evaluate(Subject("1", assessments: ["56:PR", "84:PD", "112:PR"]));
        Assert.Null(o.ConfirmedResponse);
        Assert.Equal(Response.PR, o.BestResponse);
    }

    [Fact]
    public void A_CR_confirmed_by_a_CR_is_a_CR_and_by_a_PR_is_a_PR()
    {
        Assert.Equal(Response.CR, Evaluate(Subject("1", assessments: ["56:CR", "112:CR"])).ConfirmedResponse);
        Assert.Equal(Response.PR, Evaluate(Subject("1", assessments: ["56:CR", "112:PR"])).ConfirmedResponse);
        Assert.Equal(Response.CR, Evaluate(Subject("1", assessments: ["56:PR", "84:CR", "140:CR"])).ConfirmedResponse);
    }

    [Fact]
    public void Responses_after_progression_do_not_count()
    {
        var o = Evaluate(Subject("1", assessments: ["56:PD", "112:PR", "168:PR"]));
        Assert.Null(o.ConfirmedResponse);
        Assert.False(o.AnyResponse);
        Assert.Equal(Response.PD, o.BestResponse);
        Assert.Equal(new SurvivalTime(56, SurvivalStatus.Event), o.Pfs);
    }

    [Theory]
    [InlineData(new[] { "56:NE", "112:NE" }, Response.NE)]
    [InlineData(new[] { "56:NE", "112:SD" }, Response.SD)]
    [InlineData(new[] { "56:SD", "112:PD" }, Response.SD)]
    [InlineData(new[] { "56:PD" }, Response.PD)]
    public void The_best_response_is_the_best_time_point_response(string[] assessments, Response best)
    {
        Assert.Equal(best, Evaluate(Subject("1", assessments: assessments)).BestResponse);
    }

    [Theory]
    [InlineData(111, false)]
    [InlineData(112, true)]
    public void Stable_disease_controls_the_disease_from_16_weeks_after_the_first_dose(int day, bool controlled)
    {
        var o = Evaluate(Subject("1", assessments: ["56:SD", $"{day}:SD", "150:PD"]));
        Assert.Equal(controlled, o.DiseaseControl);
    }

    [Fact]
    public void Progression_then_death_is_a_PFS_event_at_the_progression()
    {
        var o = Evaluate(Subject("1", death: 150, assessments: ["56:SD", "100:PD"]));
        Assert.Equal(new SurvivalTime(100, SurvivalStatus.Event), o.Pfs);
        Assert.Equal(new SurvivalTime(150, SurvivalStatus.Event), o.Os);
    }

    [Fact]
    public void Death_without_progression_is_a_PFS_event_at_the_death_and_censors_TTP_at_the_last_assessment()
    {
        var o = Evaluate(Subject("1", death: 70, assessments: ["56:SD"]));
        Assert.Equal(new SurvivalTime(70, SurvivalStatus.Event), o.Pfs);
        Assert.Equal(new SurvivalTime(56, SurvivalStatus.Censored), o.Ttp);
    }

    [Fact]
    public void Issue13_definitions_without_progression_or_death_PFS_is_censored_at_the_last_adequate_assessment_not_NE()
    {
        var o = Evaluate(Subject("1", assessments: ["56:SD", "112:SD", "168:NE"]));
        Assert.Equal(new SurvivalTime(112, SurvivalStatus.Censored), o.Pfs);
        Assert.Equal(new SurvivalTime(112, SurvivalStatus.Censored), o.Ttp);
        Assert.Equal(new SurvivalTime(0, SurvivalStatus.Censored), Evaluate(Subject("1", assessments: ["56:NE"])).Pfs);
    }

    [Fact]
    public void At_a_cut_off_later_progression_and_death_are_ignored_and_PFS_is_censored_at_the_last_assessment_before_it()
    {
        var o = Evaluate(Subject("1", death: 300, assessments: ["56:SD", "112:SD", "200:PD"]), cutoff: Day(150));
        Assert.Equal(new SurvivalTime(112, SurvivalStatus.Censored), o.Pfs);
        Assert.True(o.DiseaseControl);
        // Known alive at the cut-off, since the death came after it.
        Assert.Equal(new SurvivalTime(150, SurvivalStatus.Censored), o.Os);
    }

    [Fact]
    public void A_baseline_assessment_alone_does_not_make_a_patient_evaluable()
    {
        var o = Evaluate(Subject("1", assessments: ["0:SD"]));
        Assert.False(o.EfficacyEvaluable);
        Assert.True(o.Treated);
        Assert.Null(o.BestResponse);
        Assert.Equal(new SurvivalTime(0, SurvivalStatus.Censored), o.Pfs);
    }

    [Fact]
    public void A_participant_without_a_dose_is_neither_treated_nor_evaluable_and_has_no_treatment_emergent_events()
    {
        var o = Evaluate(Subject("1", aes: [Ae("10035528", 10, 3)], assessments: ["56:PR", "112:PR"]) with { Doses = [] });
        Assert.False(o.Treated);
        Assert.False(o.EfficacyEvaluable);
        Assert.Empty(o.TreatmentEmergent);
    }

    [Fact]
    public void Duration_of_response_runs_from_the_first_response_to_progression_or_death()
    {
        Assert.Equal(new SurvivalTime(112, SurvivalStatus.Event), Evaluate(Subject("1", assessments: ["56:PR", "112:PR", "168:PD"])).Dor);
        Assert.Equal(new SurvivalTime(44, SurvivalStatus.Event), Evaluate(Subject("1", death: 100, assessments: ["56:PR", "90:PR"])).Dor);
    }

    [Fact]
    public void Duration_of_response_is_censored_at_the_last_adequate_assessment_and_absent_for_non_responders()
    {
        Assert.Equal(new SurvivalTime(56, SurvivalStatus.Censored), Evaluate(Subject("1", assessments: ["56:PR", "112:CR", "140:NE"])).Dor);
        Assert.Null(Evaluate(Subject("1", assessments: ["56:PR", "70:PD"])).Dor);
    }

    [Fact]
    public void Issue13_definitions_GMI_divides_the_time_to_progression_by_the_prior_line_and_a_censored_ratio_decides_only_from_1_33()
    {
        var progressed = Evaluate(Subject("1", priorTtp: 60, assessments: ["56:SD", "112:PD"])).Gmi!;
        Assert.Equal(112.0 / 60, progressed.Ratio);
        Assert.Equal(GmiStatus.Success, progressed.Status);
        Assert.Equal(GmiStatus.Failure, Evaluate(Subject("1", priorTtp: 100, assessments: ["56:SD", "112:PD"])).Gmi!.Status);
        Assert.Equal(GmiStatus.Success, Evaluate(Subject("1", priorTtp: 100, assessments: ["56:SD", "140:SD"])).Gmi!.Status);
        Assert.Equal(GmiStatus.NotDeterminable, Evaluate(Subject("1", priorTtp: 200, assessments: ["56:SD", "140:SD"])).Gmi!.Status);
        // Death without progression censors TTP at the last assessment: 56/60 < 1.33 stays open (PFS would have said 100/60).
        var died = Evaluate(Subject("1", priorTtp: 60, death: 100, assessments: ["56:SD"])).Gmi!;
        Assert.Equal(56.0 / 60, died.Ratio);
        Assert.Equal(GmiStatus.NotDeterminable, died.Status);
        Assert.Null(Evaluate(Subject("1", assessments: ["56:SD", "112:PD"])).Gmi);
        Assert.Null(Evaluate(Subject("1", priorTtp: 0, assessments: ["56:SD", "112:PD"])).Gmi);
    }

    [Fact]
    public void OS_is_censored_at_the_last_date_known_alive_from_every_kind_of_fact_up_to_the_cut_off()
    {
        var subject = Subject("1", aes: [Ae("10035528", 130, 2)], assessments: ["56:SD", "112:SD"]) with
        {
            Doses = [Dose(0, 16), Dose(28, 44), Dose(56, null, DoseStatus.InProgress)],
        };
        Assert.Equal(new SurvivalTime(130, SurvivalStatus.Censored), Evaluate(subject).Os);
        Assert.Equal(new SurvivalTime(200, SurvivalStatus.Censored), Evaluate(subject with { ContactDates = [Day(200), Day(150)] }).Os);
        // Facts after the cut-off do not count.
        Assert.Equal(new SurvivalTime(112, SurvivalStatus.Censored), Evaluate(subject with { ContactDates = [Day(200)] }, cutoff: Day(120)).Os);
        // A dose in progress counts its start.
        Assert.Equal(new SurvivalTime(56, SurvivalStatus.Censored), Evaluate(subject with { AdverseEvents = [], Assessments = [] }).Os);
    }

    [Fact]
    public void Adverse_events_are_treatment_emergent_from_the_first_dose_to_30_days_after_the_last()
    {
        var subject = Subject("1", aes: [Ae("1", -3, 1), Ae("2", 0, 1), Ae("3", 46, 2), Ae("4", 47, 2)]) with
        {
            Doses = [Dose(0, 16), Dose(2, 17, DoseStatus.EnteredInError)],
            OffStudy = Day(20),
        };
        Assert.Equal(["2", "3"], Evaluate(subject).TreatmentEmergent.Select(a => a.Code));
        Assert.Equal(2, Evaluate(subject).WorstAeGrade);
        // While treatment is ongoing, every event up to the cut-off is treatment-emergent.
        var ongoing = subject with { Doses = [Dose(0, null, DoseStatus.InProgress)], OffStudy = null };
        Assert.Equal(["2", "3"], Evaluate(ongoing, cutoff: Day(46)).TreatmentEmergent.Select(a => a.Code));
        Assert.Equal(["2", "3", "4"], Evaluate(ongoing).TreatmentEmergent.Select(a => a.Code));
    }

    [Fact]
    public void A_declared_central_laboratory_narrows_efficacy_evaluable_to_participants_it_confirmed()
    {
        var study = Study with { BiomarkerLaboratory = "central" };
        VariantResult Mdm2(string id, decimal copies, params string[] performers) =>
            new(id, TrialCodes.Mdm2, "final", "2023-12-01", new DateTime(2023, 12, 1), TrialCodes.Present, copies, CopyNumberIsRange: false) { Performers = performers };
        VariantResult Tp53(string id, params string[] performers) =>
            new(id, TrialCodes.Tp53, "final", "2023-12-01", new DateTime(2023, 12, 1), TrialCodes.Absent, null, CopyNumberIsRange: false) { Performers = performers };
        var subject = Subject("1", assessments: ["56:SD"]);
        Assert.True(ResponseRules.Evaluate(subject with { Variants = [Mdm2("m", 12, "central"), Tp53("t", "central")] }, study, null).EfficacyEvaluable);
        Assert.False(ResponseRules.Evaluate(subject with { Variants = [Mdm2("m", 12, "local"), Tp53("t", "central")] }, study, null).EfficacyEvaluable);
        Assert.False(ResponseRules.Evaluate(subject with { Variants = [Mdm2("m", 6, "central"), Tp53("t", "central")] }, study, null).EfficacyEvaluable);
        Assert.True(ResponseRules.Evaluate(subject, Study, null).EfficacyEvaluable);
    }

    [Fact]
    public void The_best_percent_change_compares_each_scan_up_to_progression_with_the_latest_baseline()
    {
        var subject = Subject("1", assessments: ["56:PR", "112:PR", "168:PD"]) with
        {
            Lesions =
            [
                new("b0", Day(-30), 90), new("b1", Day(-5), 40), new("b2", Day(-5), 60),   // baseline: the latest scan, 100 mm
                new("f1", Day(56), 30), new("f2", Day(56), 40),                           // -30%
                new("g1", Day(112), 20), new("g2", Day(112), 25),                         // -55%
                new("h1", Day(168), 60), new("h2", Day(168), 60),                         // +20% (the progression)
                new("i1", Day(200), 10),                                                   // after progression: not counted
            ],
        };
        Assert.Equal(-55, Evaluate(subject).BestPercentChange!.Value, 9);
        Assert.Equal(-30, Evaluate(subject, cutoff: Day(100)).BestPercentChange!.Value, 9);
        Assert.Null(Evaluate(subject with { Lesions = [new("f1", Day(56), 30)] }).BestPercentChange);
    }
}
