using Fhir.Core.Outcomes;

namespace Fhir.Search.Queries;

/// <summary>What <see cref="SearchQueryParser"/> made of a query string.</summary>
/// <param name="Query">The criteria and page size, ready for the store.</param>
/// <param name="Issues">Errors (the search must answer 400) and warnings (parameters ignored under lenient handling).</param>
/// <param name="CanonicalCriteria">The criteria in a stable textual form (sorted), used to key conditional-operation locks.</param>
/// <param name="SelfQuery">The query parameters actually applied, for the Bundle's self link.</param>
public sealed record ParsedSearch(
    SearchQuery Query,
    IReadOnlyList<Issue> Issues,
    string CanonicalCriteria,
    IReadOnlyList<KeyValuePair<string, string>> SelfQuery);

/// <summary><c>Prefer: handling</c>: what to do with parameters the server does not support.</summary>
public enum HandlingMode
{
    /// <summary>Ignore them and say so in a warning.</summary>
    Lenient,
    /// <summary>Reject the search (400).</summary>
    Strict,
}
