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
        var o = ResponseRules.Evaluate(Subject("1", assessments: ["56:PR", "84:PR"]), cutoff: null);
        Assert.Equal(Response.PR, o.ConfirmedResponse);
        Assert.True(o.AnyResponse);
    }

    [Fact]
    public void A_PR_repeated_27_days_later_is_unconfirmed_but_counts_in_the_best_overall_response()
    {
        var o = ResponseRules.Evaluate(Subject("1", assessments: ["56:PR", "83:PR", "112:PD"]), cutoff: null);
        Assert.Null(o.ConfirmedResponse);
        Assert.True(o.AnyResponse);
    }

    [Fact]
    public void Stable_disease_between_two_PRs_breaks_the_confirmation()
    {
        var o = ResponseRules.Evaluate(Subject("1", assessments: ["56:PR", "70:SD", "112:PR"]), cutoff: null);
        Assert.Null(o.ConfirmedResponse);
    }

    [Fact]
    public void A_not_evaluable_assessment_between_two_PRs_does_not_break_the_confirmation()
    {
        var o = ResponseRules.Evaluate(Subject("1", assessments: ["56:PR", "70:NE", "112:PR"]), cutoff: null);
        Assert.Equal(Response.PR, o.ConfirmedResponse);
    }

    [Fact]
    public void A_CR_confirmed_by_a_CR_is_a_CR_and_by_a_PR_is_a_PR()
    {
        Assert.Equal(Response.CR, ResponseRules.Evaluate(Subject("1", assessments: ["56:CR", "112:CR"]), null).ConfirmedResponse);
        Assert.Equal(Response.PR, ResponseRules.Evaluate(Subject("1", assessments: ["56:CR", "112:PR"]), null).ConfirmedResponse);
    }

    [Fact]
    public void Responses_after_progression_do_not_count()
    {
        var o = ResponseRules.Evaluate(Subject("1", assessments: ["56:PD", "112:PR", "168:PR"]), null);
        Assert.Null(o.ConfirmedResponse);
        Assert.False(o.AnyResponse);
        Assert.Equal(new SurvivalTime(56, SurvivalStatus.Event), o.Pfs);
    }

    [Theory]
    [InlineData(111, false)]
    [InlineData(112, true)]
    public void Stable_disease_controls_the_disease_from_16_weeks_after_the_first_dose(int day, bool controlled)
    {
        var o = ResponseRules.Evaluate(Subject("1", assessments: ["56:SD", $"{day}:SD", "150:PD"]), null);
        Assert.Equal(controlled, o.DiseaseControl);
    }

    [Fact]
    public void Progression_then_death_is_a_PFS_event_at_the_progression()
    {
        var o = ResponseRules.Evaluate(Subject("1", death: 150, assessments: ["56:SD", "100:PD"]), null);
        Assert.Equal(new SurvivalTime(100, SurvivalStatus.Event), o.Pfs);
    }

    [Fact]
    public void Death_without_progression_is_a_PFS_event_at_the_death()
    {
        var o = ResponseRules.Evaluate(Subject("1", death: 70, assessments: ["56:SD"]), null);
        Assert.Equal(new SurvivalTime(70, SurvivalStatus.Event), o.Pfs);
    }

    [Fact]
    public void Without_progression_or_death_PFS_is_censored_at_the_last_assessment()
    {
        var o = ResponseRules.Evaluate(Subject("1", assessments: ["56:SD", "112:SD"]), null);
        Assert.Equal(new SurvivalTime(112, SurvivalStatus.Censored), o.Pfs);
    }

    [Fact]
    public void At_a_cut_off_later_progression_and_death_are_ignored_and_PFS_is_censored_at_the_last_assessment_before_it()
    {
        var o = ResponseRules.Evaluate(Subject("1", death: 300, assessments: ["56:SD", "112:SD", "200:PD"]), cutoff: Day(150));
        Assert.Equal(new SurvivalTime(112, SurvivalStatus.Censored), o.Pfs);
        Assert.True(o.DiseaseControl);
    }

    [Fact]
    public void A_baseline_assessment_alone_does_not_make_a_patient_evaluable()
    {
        var o = ResponseRules.Evaluate(Subject("1", assessments: ["0:SD"]), null);
        Assert.False(o.Evaluable);
        Assert.Equal(new SurvivalTime(0, SurvivalStatus.Censored), o.Pfs);
    }

    [Fact]
    public void Duration_of_response_runs_from_the_first_response_to_progression()
    {
        var o = ResponseRules.Evaluate(Subject("1", assessments: ["56:PR", "112:PR", "168:PD"]), null);
        Assert.Equal(new SurvivalTime(112, SurvivalStatus.Event), o.Dor);
    }

    [Fact]
    public void Duration_of_response_is_censored_at_the_last_assessment_and_absent_for_non_responders()
    {
        Assert.Equal(new SurvivalTime(56, SurvivalStatus.Censored), ResponseRules.Evaluate(Subject("1", assessments: ["56:PR", "112:CR"]), null).Dor);
        Assert.Null(ResponseRules.Evaluate(Subject("1", assessments: ["56:PR", "70:PD"]), null).Dor);
    }

    [Fact]
    public void GMI_is_the_time_on_trial_over_the_prior_line_time_to_progression()
    {
        Assert.Equal(112.0 / 60, ResponseRules.Evaluate(Subject("1", priorTtp: 60, assessments: ["56:SD", "112:PD"]), null).Gmi);
        Assert.Null(ResponseRules.Evaluate(Subject("1", assessments: ["56:SD", "112:PD"]), null).Gmi);
    }
}
