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

    /// <summary>The defaults: a maximum depth of 64.</summary>
    public static FhirJsonReaderOptions Default { get; } = new();
}
