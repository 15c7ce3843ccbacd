namespace Fhir.Core.Definitions;

/// <summary>
/// One conformance resource in a definition archive, described by the fields the index keeps
/// so that it can be found without parsing it.
/// </summary>
public sealed record ConformanceEntry(
    string File,
    string ResourceType,
    string Id,
    string? Url,
    string? Version,
    string? Name,
    string? Type,
    string? Kind,
    string? Derivation,
    string? BaseDefinition,
    bool IsAbstract,
    string? Code,
    IReadOnlyList<string> Base);
