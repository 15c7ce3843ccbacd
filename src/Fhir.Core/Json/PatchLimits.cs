namespace Fhir.Core.Json;

/// <summary>
/// Bounds on the document a patch (JSON Patch or FHIRPath Patch) may build. They are checked before each operation
/// adds anything, from sizes kept up to date as the operations apply, so a patch whose operations copy the document
/// into itself fails at the operation that would cross a bound instead of after building a tree of gigabytes.
/// </summary>
public sealed record PatchLimits
{
    /// <summary>The most bytes the patched document may take as compact JSON (an estimate while applying: UTF-8 text, no escapes).</summary>
    public long MaxBytes { get; init; } = long.MaxValue;

    /// <summary>The most JSON values (objects, arrays and primitives, the root included) the patched document may hold.</summary>
    public int MaxNodes { get; init; } = int.MaxValue;

    /// <summary>The deepest nesting of objects and arrays the patched document may reach (the root object is depth 1).</summary>
    public int MaxDepth { get; init; } = int.MaxValue;

    /// <summary>No bounds.</summary>
    public static PatchLimits None { get; } = new();
}
