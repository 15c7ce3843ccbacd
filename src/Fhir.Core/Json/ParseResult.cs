using Fhir.Core.Model;
using Fhir.Core.Outcomes;

namespace Fhir.Core.Json;

/// <summary>
/// What <see cref="FhirJsonReader"/> made of a JSON text: the instance tree (possibly partial when
/// there are errors, null when nothing could be read) and every issue found.
/// </summary>
/// <param name="Resource">The root node read: a resource, or for <see cref="FhirJsonReader.ParseElement"/> the element.</param>
/// <param name="Issues">The issues found, errors and warnings, in document order.</param>
public sealed record ParseResult(ElementNode? Resource, IReadOnlyList<Issue> Issues)
{
    /// <summary>True when a tree was read and no issue is an error.</summary>
    public bool IsSuccess => Resource is not null && !HasError(Issues);

    private static bool HasError(IReadOnlyList<Issue> issues)
    {
        foreach (var issue in issues)
        {
            if (issue.IsError)
            {
                return true;
            }
        }
        return false;
    }
}
