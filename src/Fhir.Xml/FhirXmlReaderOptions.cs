namespace Fhir.Xml;

/// <summary>Options of <see cref="FhirXmlReader"/>.</summary>
public sealed record FhirXmlReaderOptions
{
    private readonly int _maxDepth = 64;

    /// <summary>
    /// The deepest nesting accepted, counted as in JSON (the JSON form of the resource is read with the same limit);
    /// XML nested deeper than this (plus one level for the primitive leaves) is refused before it is built into a tree.
    /// </summary>
    public int MaxDepth
    {
        get => _maxDepth;
        init => _maxDepth = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxDepth), value, "MaxDepth must be at least 1.");
    }

    /// <summary>
    /// Unknown element names the JSON form cannot carry as they are (names starting with <c>_</c>, which JSON reserves for
    /// primitives' ids and extensions): errors (the default) or dropped with a warning, as the JSON reader does for other unknown elements.
    /// </summary>
    public Fhir.Core.Json.UnknownElementHandling UnknownElements { get; init; }

    /// <summary>The defaults: a maximum depth of 64, unknown elements are errors.</summary>
    public static FhirXmlReaderOptions Default { get; } = new();
}
