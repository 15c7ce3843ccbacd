namespace Fhir.Search.Queries;

/// <summary>
/// A parsed search: the resource type, the criteria that must all hold (AND), and result control.
/// The store translates it to SQL; the REST layer builds it from the query string.
/// </summary>
/// <param name="ResourceType">The type searched, or null for a system-level search.</param>
/// <param name="Criteria">Criteria joined by AND; each holds alternatives joined by OR.</param>
/// <param name="Count">Page size.</param>
/// <param name="After">Keyset cursor from the previous page (forward) or the next one (backward).</param>
public sealed record SearchQuery(
    string? ResourceType,
    IReadOnlyList<SearchCriterion> Criteria,
    int Count = 50,
    SearchCursor? After = null)
{
    /// <summary>Sort keys, most significant first; the resource's surrogate key always breaks ties.</summary>
    public IReadOnlyList<SortKey> Sort { get; init; } = [];

    /// <summary>Whether and how the store counts all matches (<c>_total</c>).</summary>
    public TotalMode Total { get; init; } = TotalMode.None;

    /// <summary>Only resources in this compartment (<c>Patient/123/Observation</c>), when set.</summary>
    public Compartments.CompartmentFilter? Compartment { get; init; }

    /// <summary>Only resources in the compartment of these patients (or of any patient), when set.</summary>
    public PatientFilter? Patients { get; init; }

    /// <summary>
    /// For a system-level search (<see cref="ResourceType"/> null): only resources of these types (<c>_type</c>, or the
    /// types the client may read); null for every type. Ignored when <see cref="ResourceType"/> is set.
    /// </summary>
    public IReadOnlyList<string>? ResourceTypes { get; init; }

    /// <summary>
    /// The most bytes of resource JSON the page may hold: the store stops before the first match that would cross it
    /// (but returns at least one), and the next page starts after the last match returned. Null for no limit.
    /// </summary>
    public long? MaxBytes { get; init; }

    /// <summary>Bytes counted toward <see cref="MaxBytes"/> for each match besides its JSON (the Bundle entry around it).</summary>
    public int EntryOverheadBytes { get; init; }
}

/// <summary>One search parameter as used in a query: <c>code:modifier=value1,value2</c>.</summary>
/// <param name="Code">
/// The index code, e.g. <c>identifier</c>, <c>_id</c>, <c>_lastUpdated</c>. Some modifiers become their own index code
/// (<c>identifier:of-type</c>, <c>subject:identifier</c>), searched as plain tokens.
/// </param>
/// <param name="Type">The parameter's type, which decides the index table.</param>
/// <param name="Modifier">The modifier without the colon (<c>exact</c>, <c>missing</c>...), or null.</param>
/// <param name="Values">Alternatives joined by OR. Empty only for a code set that expanded to nothing (matches nothing; with <c>:not</c> everything).</param>
public sealed record SearchCriterion(string Code, SearchParamType Type, string? Modifier, IReadOnlyList<SearchValue> Values);

/// <summary>The search-parameter types of R4 (plus the special <c>_id</c>, <c>_lastUpdated</c> and <c>_has</c>).</summary>
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

/// <summary>
/// One value of a composite parameter (<c>http://loinc.org|82155-3$ge8</c>): one criterion per component, each
/// on the index code <c>composite$k</c>; all must hold on values of the same repeating element.
/// </summary>
public sealed record CompositeSearchValue(IReadOnlyList<SearchCriterion> Components) : SearchValue;

/// <summary>
/// A chained value (<c>subject:Patient.name=x</c>): the criterion's reference must point at a current resource of one of
/// <paramref name="TargetTypes"/> (any type when empty) that matches <paramref name="Inner"/>.
/// </summary>
public sealed record ChainSearchValue(IReadOnlyList<string> TargetTypes, SearchCriterion Inner) : SearchValue;

/// <summary>
/// A reverse chain (<c>_has:Observation:patient:code=x</c>): some current <paramref name="SourceType"/> whose reference
/// parameter <paramref name="ReferenceCode"/> points at the resource matches <paramref name="Inner"/>.
/// </summary>
public sealed record ReverseChainSearchValue(string SourceType, string ReferenceCode, SearchCriterion Inner) : SearchValue;

/// <summary>One <c>_sort</c> key.</summary>
/// <param name="Code">The parameter code (its index code), or <c>_id</c>, <c>_lastUpdated</c>.</param>
/// <param name="Type">The parameter type (<see cref="SearchParamType.Special"/> for <c>_id</c> and <c>_lastUpdated</c>).</param>
/// <param name="Direction">Ascending unless the key was written with a leading <c>-</c>.</param>
public sealed record SortKey(string Code, SearchParamType Type, SortDirection Direction);

/// <summary>Sort order of one key.</summary>
public enum SortDirection { Ascending, Descending }

/// <summary><c>_total</c>: whether the store counts the matches.</summary>
public enum TotalMode
{
    /// <summary>No count (the default: counting costs a scan of every match).</summary>
    None,
    /// <summary>An estimate is enough (this server counts exactly anyway).</summary>
    Estimate,
    /// <summary>An exact count.</summary>
    Accurate,
}

/// <summary>Which way a keyset cursor pages.</summary>
public enum PageDirection
{
    /// <summary>The rows after the cursor's row (a next link).</summary>
    Forward,
    /// <summary>The rows before the cursor's row (a previous link).</summary>
    Backward,
}

/// <summary>
/// A keyset position: the sort values and surrogate key of a boundary row. Sort values are strings, decimals or
/// doubles (numbers as the database computed them), UTC <see cref="DateTime"/>s or null, one per <see cref="SearchQuery.Sort"/> key.
/// </summary>
/// <param name="Key">The boundary row's surrogate key.</param>
/// <param name="SortValues">The boundary row's sort values.</param>
/// <param name="Direction">Whether the page lies after or before the boundary row.</param>
public sealed record SearchCursor(long Key, IReadOnlyList<object?> SortValues, PageDirection Direction = PageDirection.Forward);
