using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Trials.Model;
using static Fhir.Trials.Parameters.ParametersWriter;

namespace Fhir.Trials.Parameters;

/// <summary>
/// The <c>issues</c> parameter of the trial operations: the data-quality findings as an OperationOutcome, one warning per
/// finding with its kind in <c>details.coding</c> (<c>{base}/CodeSystem/data-quality</c>), the words in
/// <c>details.text</c> and the resources involved in <c>diagnostics</c>.
/// </summary>
internal static class IssuesOutcome
{
    public static void Add(ElementNode parameters, IReadOnlyList<DataIssue> issues)
    {
        var outcome = AddResource(parameters, "issues", "OperationOutcome");
        if (issues.Count == 0)
        {
            var none = AddElement(outcome, "issue");
            none.SetPrimitive("severity", "information");
            none.SetPrimitive("code", IssueType.Informational.ToCode());
            AddElement(none, "details").SetPrimitive("text", "No data-quality findings.");
            return;
        }
        foreach (var issue in issues)
        {
            var node = AddElement(outcome, "issue");
            node.SetPrimitive("severity", "warning");
            node.SetPrimitive("code", Type(issue.Kind).ToCode());
            var details = AddElement(node, "details");
            var coding = AddElement(details, "coding");
            coding.SetPrimitive("system", TrialCodes.DataQuality);
            coding.SetPrimitive("code", Code(issue.Kind));
            details.SetPrimitive("text", issue.Message);
            if (issue.References.Count > 0)
            {
                node.SetPrimitive("diagnostics", string.Join(" ", issue.References));
            }
        }
    }

    /// <summary>The code of a kind of finding in <c>{base}/CodeSystem/data-quality</c>.</summary>
    public static string Code(DataIssueKind kind) => kind switch
    {
        DataIssueKind.NoStudyDrug => "no-study-drug",
        DataIssueKind.NoDose => "no-dose",
        DataIssueKind.AfterDeath => "after-death",
        DataIssueKind.BeforeFirstDose => "before-first-dose",
        DataIssueKind.UnconfirmedResponse => "unconfirmed-response",
        DataIssueKind.MissingPriorLine => "missing-prior-line",
        DataIssueKind.InvalidPriorLine => "invalid-prior-line",
        DataIssueKind.ConflictingGenomicResults => "conflicting-genomic-results",
        DataIssueKind.UnplacedFact => "unplaced-fact",
        DataIssueKind.UnknownArm => "unknown-arm",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    // Contradictions are conflicts; what is missing for a figure is incomplete; the rest breaks a protocol rule.
    private static IssueType Type(DataIssueKind kind) => kind switch
    {
        DataIssueKind.AfterDeath or DataIssueKind.ConflictingGenomicResults or DataIssueKind.BeforeFirstDose => IssueType.Conflict,
        DataIssueKind.NoStudyDrug or DataIssueKind.NoDose or DataIssueKind.UnconfirmedResponse or DataIssueKind.MissingPriorLine => IssueType.Incomplete,
        _ => IssueType.BusinessRule,
    };
}
