namespace Fhir.Search.Indexing;

/// <summary>
/// One value extracted from a resource for one search parameter; the store keeps it in the
/// index table of its type (one table family per search-parameter type).
/// </summary>
/// <param name="Code">The search parameter's code, e.g. <c>identifier</c>.</param>
public abstract record IndexValue(string Code)
{
    /// <summary>
    /// For the components of a composite parameter (code <c>composite$k</c>): the number of the repeating element
    /// they were found in, so that a search matches components of the same element only. Null otherwise.
    /// </summary>
    public int? Group { get; init; }
}

/// <summary>A string value; <paramref name="Normalized"/> is lower-cased and accent-free for the default prefix match.</summary>
public sealed record StringIndexValue(string Code, string Normalized, string Exact) : IndexValue(Code);

/// <summary>A coded value (Coding, CodeableConcept, Identifier, code, boolean, ContactPoint...).</summary>
public sealed record TokenIndexValue(string Code, string? System, string? Value, string? Text = null) : IndexValue(Code);

/// <summary>A reference to another resource: local (<paramref name="TargetType"/>/<paramref name="TargetId"/>) or absolute/canonical (<paramref name="Url"/>).</summary>
public sealed record ReferenceIndexValue(string Code, string? TargetType, string? TargetId, string? Url) : IndexValue(Code);

/// <summary>A date, dateTime, instant, Period or Timing as the closed UTC range it covers.</summary>
public sealed record DateIndexValue(string Code, DateTime LowUtc, DateTime HighUtc) : IndexValue(Code);

/// <summary>A number with its implicit precision range (1.5 covers [1.45, 1.55)).</summary>
public sealed record NumberIndexValue(string Code, decimal Value, decimal Low, decimal High) : IndexValue(Code);

/// <summary>A Quantity as written and, when UCUM can convert it, in canonical units.</summary>
public sealed record QuantityIndexValue(
    string Code, decimal Value, decimal Low, decimal High, string? System, string? Unit,
    decimal? CanonicalValue = null, string? CanonicalUnit = null) : IndexValue(Code);

/// <summary>A uri, url or canonical value.</summary>
public sealed record UriIndexValue(string Code, string Uri) : IndexValue(Code);
