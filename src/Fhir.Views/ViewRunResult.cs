using Fhir.Core.Outcomes;

namespace Fhir.Views;

/// <summary>What a run of a view did.</summary>
/// <param name="Resources">Resources read from the input.</param>
/// <param name="Matched">Resources of the view's type, evaluated.</param>
/// <param name="Rows">Rows written.</param>
/// <param name="Unreadable">Resources that could not be read (not JSON, no resource type...), skipped.</param>
/// <param name="Issues">
/// An error when the view could not give the rows of a resource (the run stopped there; the message names the resource),
/// and warnings about unreadable resources.
/// </param>
public sealed record ViewRunResult(long Resources, long Matched, long Rows, long Unreadable, IReadOnlyList<Issue> Issues)
{
    /// <summary>True when every resource of the view's type gave its rows.</summary>
    public bool IsSuccess => !Issues.Any(i => i.IsError);
}
