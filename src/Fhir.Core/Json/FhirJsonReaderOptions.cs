namespace Fhir.Core.Json;

/// <summary>Options of <see cref="FhirJsonReader"/>.</summary>
public sealed record FhirJsonReaderOptions
{
    private readonly int _maxDepth = 64;

    /// <summary>
    /// The deepest nesting of JSON objects and arrays accepted (the root object is depth 1), at least 1.
    /// Deeper input is rejected with an issue rather than read. Whatever the value, the reader also stops
    /// with that issue before it runs out of stack.
    /// </summary>
    public int MaxDepth
    {
        get => _maxDepth;
        init => _maxDepth = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxDepth), value, "MaxDepth must be at least 1.");
    }

    /// <summary>
    /// Unknown elements and unknown choice types (<c>effectivePeriod.stop</c>, <c>valueFoo</c>, a <c>_name</c> of a complex
    /// element): errors (the default), or dropped with a warning each.
    /// </summary>
    public UnknownElementHandling UnknownElements { get; init; }

    /// <summary>The defaults: a maximum depth of 64, unknown elements are errors.</summary>
    public static FhirJsonReaderOptions Default { get; } = new();
}
