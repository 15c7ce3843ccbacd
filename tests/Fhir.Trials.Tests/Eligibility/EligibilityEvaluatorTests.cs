using Fhir.Trials.Eligibility;
using Fhir.Trials.Model;

namespace Fhir.Trials.Tests.Eligibility;

public sealed class EligibilityEvaluatorTests
{
    private static VariantResult Mdm2(string id, string date, decimal? copies, bool range = false, string status = "final") =>
        new(id, TrialCodes.Mdm2, status, date, DateTime.Parse(date, System.Globalization.CultureInfo.InvariantCulture), TrialCodes.Present, copies, CopyNumberIsRange: range);

    private static VariantResult Tp53(string id, string date, string? answer, string status = "final") =>
        new(id, TrialCodes.Tp53, status, date, DateTime.Parse(date, System.Globalization.CultureInfo.InvariantCulture), answer, null, CopyNumberIsRange: false);

    private static EligibilityResult Evaluate(params VariantResult[] results) => EligibilityEvaluator.Evaluate(EligibilityThresholds.Protocol, results);

    private static void Same(CriterionResult expected, CriterionResult actual)
    {
        Assert.Equal(expected with { Evidence = [], Conflicts = [] }, actual with { Evidence = [], Conflicts = [] });
        Assert.Equal(expected.Evidence, actual.Evidence);
        Assert.Equal(expected.Conflicts, actual.Conflicts);
    }

    [Fact]
    public void Copy_number_at_the_threshold_and_TP53_absent_is_eligible()
    {
        var result = Evaluate(Mdm2("m1", "2024-01-05", 8), Tp53("t1", "2024-01-05", TrialCodes.Absent));
        Assert.True(result.Eligible);
        Same(new CriterionResult("mdm2-copy-number", true, "MDM2 copy number 8 >= 8 (Observation/m1, 2024-01-05).", ["Observation/m1"]), result.Criteria[0]);
        Same(new CriterionResult("tp53-wild-type", true, "TP53 absent (wild type) (Observation/t1, 2024-01-05).", ["Observation/t1"]), result.Criteria[1]);
    }

    [Fact]
    public void Copy_number_below_the_threshold_is_not_met()
    {
        var result = Evaluate(Mdm2("m1", "2024-01-05", 7.9m), Tp53("t1", "2024-01-05", TrialCodes.Absent));
        Assert.False(result.Eligible);
        Assert.False(result.Criteria[0].Met);
        Assert.Equal("MDM2 copy number 7.9 < 8 (Observation/m1, 2024-01-05).", result.Criteria[0].Reason);
    }

    [Fact]
    public void The_threshold_comes_from_the_study()
    {
        var result = EligibilityEvaluator.Evaluate(new EligibilityThresholds(12, TrialCodes.Absent), [Mdm2("m1", "2024-01-05", 10), Tp53("t1", "2024-01-05", TrialCodes.Absent)]);
        Assert.False(result.Criteria[0].Met);
    }

    [Fact]
    public void No_TP53_result_cannot_be_decided_and_the_patient_is_not_eligible()
    {
        var result = Evaluate(Mdm2("m1", "2024-01-05", 12));
        Assert.False(result.Eligible);
        Same(new CriterionResult("tp53-wild-type", null, "No TP53 result.", []), result.Criteria[1]);
    }

    [Fact]
    public void TP53_present_is_not_met_and_a_no_call_is_not_eligible()
    {
        Assert.False(Evaluate(Mdm2("m1", "2024-01-05", 12), Tp53("t1", "2024-01-05", TrialCodes.Present)).Criteria[1].Met);
        var noCall = Evaluate(Mdm2("m1", "2024-01-05", 12), Tp53("t1", "2024-01-05", "LA18198-4")).Criteria[1];
        Assert.False(noCall.Met);
        Assert.Contains("no call", noCall.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_copy_number_reported_as_a_range_cannot_be_decided()
    {
        var result = Evaluate(Mdm2("m1", "2024-01-05", null, range: true), Tp53("t1", "2024-01-05", TrialCodes.Absent));
        Assert.False(result.Eligible);
        Assert.Null(result.Criteria[0].Met);
        Assert.Equal(["Observation/m1"], result.Criteria[0].Evidence);
        Assert.Contains("range", result.Criteria[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Conflicting_copy_numbers_are_decided_by_the_most_recent_and_reported()
    {
        var result = Evaluate(Mdm2("old", "2023-06-01", 5), Mdm2("new", "2024-01-05", 11), Tp53("t1", "2024-01-05", TrialCodes.Absent));
        var mdm2 = result.Criteria[0];
        Assert.True(mdm2.Met);
        Assert.Equal(["Observation/new", "Observation/old"], mdm2.Evidence);
        Assert.Equal("MDM2 copy number 11 >= 8 (Observation/new, 2024-01-05). Conflicting results: 5 (Observation/old, 2023-06-01); the most recent result decides.", mdm2.Reason);
        Assert.Equal(["Observation/old"], mdm2.Conflicts);
        Assert.Empty(result.Criteria[1].Conflicts);
    }

    [Fact]
    public void Conflicting_TP53_results_are_decided_by_the_most_recent_and_reported()
    {
        var tp53 = Evaluate(Mdm2("m1", "2024-01-05", 12), Tp53("a", "2024-02-01", TrialCodes.Present), Tp53("b", "2023-12-01", TrialCodes.Absent)).Criteria[1];
        Assert.False(tp53.Met);
        Assert.Equal(["Observation/a", "Observation/b"], tp53.Evidence);
        Assert.Contains("Conflicting results: absent (wild type) (Observation/b, 2023-12-01)", tp53.Reason, StringComparison.Ordinal);
        Assert.Equal(["Observation/b"], tp53.Conflicts);
    }

    [Fact]
    public void A_result_entered_in_error_is_ignored()
    {
        var result = Evaluate(Mdm2("bad", "2024-03-01", 2, status: "entered-in-error"), Mdm2("m1", "2024-01-05", 12), Tp53("t1", "2024-01-05", TrialCodes.Absent));
        Assert.True(result.Eligible);
        Assert.Equal(["Observation/m1"], result.Criteria[0].Evidence);
    }

    [Fact]
    public void A_later_range_does_not_override_an_earlier_copy_number_but_is_mentioned()
    {
        var mdm2 = Evaluate(Mdm2("m1", "2024-01-05", 12), Mdm2("r", "2024-02-05", null, range: true), Tp53("t1", "2024-01-05", TrialCodes.Absent)).Criteria[0];
        Assert.True(mdm2.Met);
        Assert.EndsWith("Ignored as ranges: Observation/r, 2024-02-05.", mdm2.Reason, StringComparison.Ordinal);
    }
}
