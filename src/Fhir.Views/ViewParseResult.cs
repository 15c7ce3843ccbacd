using Fhir.Core.Outcomes;

namespace Fhir.Views;

/// <summary>What <see cref="ViewDefinition.Parse(ReadOnlySpan{byte})"/> made of a ViewDefinition: the view when it can run, and every issue found.</summary>
/// <param name="View">The compiled view; null when there are errors.</param>
/// <param name="Issues">The problems, each with its location (<c>ViewDefinition.select[0].column[1].path</c>).</param>
public sealed record ViewParseResult(ViewDefinition? View, IReadOnlyList<Issue> Issues)
{
    /// <summary>True when the view compiled.</summary>
    public bool IsSuccess => View is not null;
}
