using Fhir.Core.Model;
using Fhir.Core.Outcomes;

namespace Fhir.Validation.Validation;

internal sealed partial class ValidationRun
{
    /// <summary>
    /// Checks a QuestionnaireResponse against the Questionnaire its <c>questionnaire</c> names (a contained one for
    /// <c>#id</c>, else from the conformance source): every item's linkId is an item of the questionnaire at that level,
    /// in the questionnaire's order; answers have the item's type, respect its options, value set, limits and repeats;
    /// required items are answered; items that enableWhen disables are not. A questionnaire that cannot be found is a
    /// warning: the response is then checked against the base definition only.
    /// </summary>
    private void QuestionnaireResponse(ElementNode response)
    {
        if (response.Child("questionnaire") is not { Value: string canonical } reference)
        {
            return;
        }
        var questionnaire = canonical.StartsWith('#') ? ContainedResource(response, canonical[1..]) : _core.Source.Find(canonical);
        if (questionnaire is null)
        {
            Add(IssueSeverity.Warning, IssueType.NotFound,
                $"The questionnaire '{canonical}' is not known, so the answers were not checked against it.", reference);
            return;
        }
        if (questionnaire.Type.Name != "Questionnaire")
        {
            Add(IssueSeverity.Error, IssueType.Invalid, $"'{canonical}' is a {questionnaire.Type.Name}, not a Questionnaire.", reference);
            return;
        }
        var answering = new QuestionnaireAnswers(this, response, questionnaire, inProgress: response.GetString("status") == "in-progress");
        answering.Items(response, questionnaire);
    }

    private static ElementNode? ContainedResource(ElementNode resource, string id)
    {
        foreach (var contained in resource.ChildrenNamed("contained"))
        {
            if (contained.GetString("id") == id)
            {
                return contained;
            }
        }
        return null;
    }

    /// <summary>Adds an issue found while checking answers (the walk's issue list stays private to the run).</summary>
    internal void Report(IssueSeverity severity, IssueType code, string message, ElementNode at) => Add(severity, code, message, at);

    internal void Report(IssueSeverity severity, IssueType code, string message, string expression) => Add(severity, code, message, expression);

    internal Terminology.Membership CheckCode(string valueSet, string? system, string code) => Terminology.Check(valueSet, system, code);

    /// <summary>Compares a value with a bound (<c>minValue</c>, <c>maxValue</c>); null when they cannot be compared.</summary>
    internal static int? CompareValues(ElementNode node, ElementNode bound) => Compare(node, bound);
}
