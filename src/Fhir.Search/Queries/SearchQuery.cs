namespace Fhir.Search.Queries;

/// <summary>
/// A parsed search: the resource type, the criteria that must all hold (AND), and result control.
/// The store translates it to SQL; the REST layer builds it from the query string.
/// </summary>
/// <param name="ResourceType">The type searched, or null for a system-level search.</param>
/// <param name="Criteria">Criteria joined by AND; each holds alternatives joined by OR.</param>
/// <param name="Count">Page size.</param>
/// <param name="After">Keyset cursor: only resources whose surrogate key is greater (from the previous page).</param>
public sealed record SearchQuery(
    string? ResourceType,
    IReadOnlyList<SearchCriterion> Criteria,
    int Count = 50,
    long? After = null)
{
    /// <summary>Only resources in this compartment (<c>Patient/123/Observation</c>), when set.</summary>
    public Compartments.CompartmentFilter? Compartment { get; init; }
}

/// <summary>One search parameter as used in a query: <c>code:modifier=value1,value2</c>.</summary>
/// <param name="Code">Parameter code, e.g. <c>identifier</c>, or <c>_id</c>, <c>_lastUpdated</c>.</param>
/// <param name="Type">The parameter's type, which decides the index table.</param>
/// <param name="Modifier">The modifier without the colon (<c>exact</c>, <c>missing</c>...), or null.</param>
/// <param name="Values">Alternatives joined by OR.</param>
public sealed record SearchCriterion(string Code, SearchParamType Type, string? Modifier, IReadOnlyList<SearchValue> Values);

/// <summary>The search-parameter types of R4 (plus the special <c>_id</c> handled as a token on the resource id).</summary>
public enum SearchParamType { Number, Date, String, Token, Reference, Composite, Quantity, Uri, Special }

/// <summary>Comparison prefix of number, date and quantity values.</summary>
public enum SearchPrefix { Eq, Ne, Gt, Lt, Ge, Le, Sa, Eb, Ap }

/// <summary>One value of a criterion, already parsed for its type.</summary>
public abstract record SearchValue;

/// <summary><c>system|code</c>, <c>|code</c> (no system: <see cref="SystemGiven"/> with null system), <c>system|</c>, <c>code</c>.</summary>
public sealed record TokenSearchValue(string? System, string? Code, bool SystemGiven) : SearchValue;

/// <summary>A string value (prefix match on the normalised form unless the modifier says otherwise).</summary>
public sealed record StringSearchValue(string Value) : SearchValue;

/// <summary>A reference: <c>Type/id</c>, plain id (any type) or an absolute URL.</summary>
public sealed record ReferenceSearchValue(string? TargetType, string? TargetId, string? Url) : SearchValue;

/// <summary>A date with its prefix, as the UTC range its precision covers.</summary>
public sealed record DateSearchValue(SearchPrefix Prefix, DateTime LowUtc, DateTime HighUtc) : SearchValue;

/// <summary>A number with its prefix and the precision range of the value as written.</summary>
public sealed record NumberSearchValue(SearchPrefix Prefix, decimal Value, decimal Low, decimal High) : SearchValue;

/// <summary>A quantity with its prefix, optional system and unit, and its canonical UCUM form when known.</summary>
public sealed record QuantitySearchValue(
    SearchPrefix Prefix, decimal Value, decimal Low, decimal High, string? System, string? Unit,
    decimal? CanonicalValue = null, string? CanonicalUnit = null) : SearchValue;

/// <summary>A uri value (exact match unless <c>:above</c>/<c>:below</c>).</summary>
public sealed record UriSearchValue(string Uri) : SearchValue;

/// <summary>The value of <c>:missing=true|false</c>.</summary>
public sealed record MissingSearchValue(bool Missing) : SearchValue;
