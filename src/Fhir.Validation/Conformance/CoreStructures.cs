using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Fhir.Core.Definitions;

namespace Fhir.Validation.Conformance;

/// <summary>The R4 core StructureDefinitions as JSON trees, parsed once each, for snapshot generation (callers must not modify them).</summary>
internal static class CoreStructures
{
    private static readonly ConcurrentDictionary<string, JsonObject?> Parsed = new(StringComparer.Ordinal);

    public static JsonObject? Find(string canonical)
    {
        var bar = canonical.IndexOf('|');
        var url = bar < 0 ? canonical : canonical[..bar];
        return Parsed.GetOrAdd(url, static u =>
        {
            var entry = FhirDefinitions.R4.FindByUrl(u);
            return entry is { ResourceType: "StructureDefinition" } ? JsonTrees.ParseShared(FhirDefinitions.R4.ReadJson(entry)) : null;
        });
    }
}
