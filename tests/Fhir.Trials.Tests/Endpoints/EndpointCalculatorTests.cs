using Fhir.Trials.Endpoints;
using Fhir.Trials.Model;
using Fhir.Trials.Statistics;
using static Fhir.Trials.Tests.Endpoints.TrialBuilder;

namespace Fhir.Trials.Tests.Endpoints;

public sealed class EndpointCalculatorTests
{
    // Five patients in arm A, two in arm B, all treated since day 0; expectations computed by hand below.
    private static TrialData Sample() => Trial(
        Subject("a1", "A", priorTtp: 60, assessments: ["56:PR", "84:PR", "168:PD"]),          // confirmed PR; PFS 168 event; DOR 112 event; GMI 2.8
        Subject("a2", "A", priorTtp: 100, assessments: ["56:PR", "83:SD", "112:SD"]),         // unconfirmed PR; SD at 16 wk: DC; PFS 112 censored; GMI 1.12 censored: open
        Subject("a3", "A", death: 70, assessments: ["56:SD"]),                                // PFS 70 event (death)
        Subject("a4", "A", assessments: ["56:SD", "111:SD", "120:PD"]),                       // no DC; PFS 120 event
        Subject("a5", "A", assessments: ["0:SD"]),                                            // treated, not evaluable
        Subject("b1", "B", aes: [Ae("10035528", 10, 2), Ae("10035528", 40, 3, serious: true)], assessments: ["56:CR", "112:CR"]),
        Subject("b2", "B", aes: [Ae("10035528", 20, 1), Ae("10012727", 30, 3, discontinued: true)], assessments: ["56:SD"]));

    private static ArmEndpoints Arm(TrialData data, string arm, AnalysisPopulation population = AnalysisPopulation.EfficacyEvaluable, DateOnly? cutoff = null) =>
        EndpointCalculator.Compute(data, new EndpointOptions { Arm = arm, Population = population, Cutoff = cutoff }).Arms.Single();

    [Fact]
    public void The_whole_study_comes_first_then_each_arm_with_its_population_counts()
    {
        var result = EndpointCalculator.Compute(Sample());
        Assert.Equal(["all", "A", "B"], result.Arms.Select(a => a.Name));
        var all = result.Arms[0];
        Assert.Equal((7, 7, 6, 6), (all.Enrolled, all.Treated, all.Evaluable, all.N));
        Assert.Equal(AnalysisPopulation.EfficacyEvaluable, all.Population);
        Assert.Equal(7, result.Outcomes.Count);
    }

    [Fact]
    public void Arm_A_rates_count_confirmed_unconfirmed_and_controlled_patients_over_the_population()
    {
        var a = Arm(Sample(), "A");
        Assert.Equal((5, 5, 4, 4), (a.Enrolled, a.Treated, a.Evaluable, a.N));
        Assert.Equal(Proportion.ClopperPearson(1, 4), a.Orr);
        Assert.Equal(Proportion.ClopperPearson(1, 5), a.OrrTreated);
        Assert.Equal(Proportion.ClopperPearson(2, 4), a.Bor);
        Assert.Equal(Proportion.ClopperPearson(2, 4), a.Dcr);
        Assert.Equal(new BestResponseCounts(CR: 0, PR: 2, SD: 2, PD: 0, NE: 0, NotAssessed: 0), a.BestResponse);
    }

    [Fact]
    public void The_treated_population_adds_those_without_a_post_baseline_assessment()
    {
        var a = Arm(Sample(), "A", AnalysisPopulation.Treated);
        Assert.Equal(5, a.N);
        Assert.Equal(Proportion.ClopperPearson(1, 5), a.Orr);
        Assert.Equal(new BestResponseCounts(CR: 0, PR: 2, SD: 2, PD: 0, NE: 0, NotAssessed: 1), a.BestResponse);
        Assert.Equal(2, a.Pfs.Censored);
    }

    [Fact]
    public void Arm_A_PFS_median_is_the_Kaplan_Meier_median_of_the_hand_computed_times()
    {
        // Times 70, 112+, 120, 168: S = 3/4 at 70, 3/4·1/2 = 0.375 at 120, so the median is 120 days.
        var a = Arm(Sample(), "A");
        Assert.Equal(3, a.Pfs.Events);
        Assert.Equal(1, a.Pfs.Censored);
        Assert.Equal(120, a.Pfs.Median.Median);
        Assert.Equal(1, a.Dor.Events);
        Assert.Equal(112, a.Dor.Median.Median);
        // OS: 70 (death), 112+, 120+, 168+.
        Assert.Equal((1, 3), (a.Os.Events, a.Os.Censored));
        Assert.Null(a.Os.Median.Median);
    }

    [Fact]
    public void GMI_counts_successes_failures_and_censored_ratios_that_cannot_decide_yet()
    {
        var a = Arm(Sample(), "A");
        Assert.Equal(new GmiSummary(1, 1, 1, Proportion.ClopperPearson(1, 1)), a.Gmi);
    }

    [Fact]
    public void Safety_counts_each_treated_patient_once_per_term_by_worst_grade_with_an_any_row()
    {
        var b = Arm(Sample(), "B");
        Assert.Equal(2, b.Safety.N);
        Assert.Equal(new SafetyRow(null, null, null, AnyGrade: 2, Grade3: 2, Grade4: 0, Grade5: 0, Grade3Plus: 2, Serious: 1, Discontinuation: 1), b.Safety.Any);
        Assert.Equal(
            [
                new SafetyRow(TrialCodes.MedDra, "10035528", "term 10035528", AnyGrade: 2, Grade3: 1, Grade4: 0, Grade5: 0, Grade3Plus: 1, Serious: 1, Discontinuation: 0),
                new SafetyRow(TrialCodes.MedDra, "10012727", "term 10012727", AnyGrade: 1, Grade3: 1, Grade4: 0, Grade5: 0, Grade3Plus: 1, Serious: 0, Discontinuation: 1),
            ],
            b.Safety.Terms);
    }

    [Fact]
    public void Safety_columns_take_the_worst_grade_exactly_and_ungraded_events_count_at_any_grade_only()
    {
        var data = Trial(
            Subject("1", aes: [Ae("x", 5, 4), Ae("x", 9, 5)]),
            Subject("2", aes: [Ae("x", 5, 3), Ae("y", 6, null)]),
            Subject("3", aes: [Ae("y", 7, null)]),
            Subject("4") with { Doses = [], AdverseEvents = [Ae("x", 5, 4)] });
        var all = Arm(data, "all");
        Assert.Equal(3, all.Safety.N);
        Assert.Equal(new SafetyRow(TrialCodes.MedDra, "x", "term x", 2, Grade3: 1, Grade4: 0, Grade5: 1, Grade3Plus: 2, 0, 0), all.Safety.Terms[0]);
        Assert.Equal(new SafetyRow(TrialCodes.MedDra, "y", "term y", 2, 0, 0, 0, 0, 0, 0), all.Safety.Terms[1]);
        Assert.Equal(new SafetyRow(null, null, null, 3, Grade3: 1, Grade4: 0, Grade5: 1, Grade3Plus: 2, 0, 0), all.Safety.Any);
    }

    [Fact]
    public void Landmarks_follow_the_curve_and_stop_after_the_last_follow_up_while_the_risk_table_goes_on()
    {
        // Months of 30.4375 days: events at 2 and 5 months, censored at 8 and 10 months.
        var times = new[] { (61, SurvivalStatus.Event), (152, SurvivalStatus.Event), (243, SurvivalStatus.Censored), (304, SurvivalStatus.Censored) }
            .Select(t => new SurvivalTime(t.Item1, t.Item2));
        var tte = EndpointCalculator.TimeToEventOf(times);
        Assert.Equal([3, 6, 12], tte.Landmarks.Select(l => l.Month));
        Assert.Equal(0.75, tte.Landmarks[0].Estimate!.Rate, 12);
        Assert.Equal(0.5, tte.Landmarks[1].Estimate!.Rate, 12);
        Assert.NotNull(tte.Landmarks[1].Estimate!.Lower);
        Assert.Null(tte.Landmarks[2].Estimate);
        Assert.Equal([4, 3, 2, 1, 0, 0, 0], tte.AtRisk.Select(r => r.Count));
        Assert.Equal([0, 3, 6, 9, 12, 18, 24], tte.AtRisk.Select(r => r.Month));
    }

    [Fact]
    public void Follow_up_is_the_reverse_Kaplan_Meier_median_of_OS()
    {
        // OS (EE, all): 56+ (b2), 70 (a3), 112+ (a2), 112+ (b1), 120+ (a4), 168+ (a1). Reversed: the censored times are
        // the events; the death at 70 is censored: S = 5/6 at 56, then 5/6 · 2/4 = 0.417 at 112: median 112.
        Assert.Equal(112, EndpointCalculator.Compute(Sample()).Arms[0].FollowUpMedian);
    }

    [Fact]
    public void A_cut_off_drops_later_patients_assessments_and_adverse_events()
    {
        var data = Trial(
            Subject("a1", "A", assessments: ["56:PR", "84:PR", "168:PD"]),
            Subject("a2", "A", firstDose: 100, assessments: ["156:SD"]),
            Subject("b1", "B", aes: [Ae("10035528", 10, 2), Ae("10035528", 90, 4)], assessments: ["56:SD"]));
        var all = Arm(data, "all", cutoff: Day(80));
        Assert.Equal(2, all.Enrolled);
        Assert.Equal(2, all.Evaluable);
        Assert.Equal(0, all.Orr.Numerator); // the confirming PR at day 84 is after the cut-off
        Assert.Equal(1, all.Bor.Numerator);
        Assert.Equal(0, all.Pfs.Events);
        Assert.Equal(0, all.Safety.Terms.Single().Grade3Plus);
    }

    [Fact]
    public void The_study_cut_off_applies_when_none_is_given_and_a_given_one_overrides_it()
    {
        var data = Trial(Subject("a1", "A", assessments: ["56:PR", "84:PR", "168:PD"]));
        data = data with { Study = data.Study with { Cutoff = Day(80) } };
        Assert.Equal(0, EndpointCalculator.Compute(data).Arms[0].Orr.Numerator);
        Assert.Equal(1, Arm(data, "all", cutoff: Day(200)).Orr.Numerator);
    }

    [Fact]
    public void An_arm_without_patients_has_empty_counts_undefined_rates_and_no_medians()
    {
        var b = Arm(Trial(Subject("a1", "A", assessments: ["56:SD"])), "B");
        Assert.Equal(0, b.Enrolled);
        Assert.Equal(new Proportion(0, 0, null, null, null), b.Orr);
        Assert.Equal(new Proportion(0, 0, null, null, null), b.Gmi.Proportion);
        Assert.Null(b.Pfs.Median.Median);
        Assert.All(b.Pfs.Landmarks, l => Assert.Null(l.Estimate));
        Assert.Null(b.FollowUpMedian);
        Assert.Equal(0, b.Safety.N);
        Assert.Empty(b.Safety.Terms);
    }

    [Fact]
    public void Outcomes_are_those_of_the_arm_asked_for()
    {
        var result = EndpointCalculator.Compute(Sample(), new EndpointOptions { Arm = "B" });
        Assert.Equal(["b1", "b2"], result.Outcomes.Select(o => o.Subject.Id));
    }
}
