using System.Collections.Concurrent;
using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Core.Model;

namespace Fhir.Validation.Conformance;

/// <summary>The R4 core definitions (every core StructureDefinition carries its snapshot), parsed once each.</summary>
public sealed class CoreConformanceSource(FhirDefinitions definitions) : IConformanceSource
{
    private readonly ConcurrentDictionary<string, ElementNode?> _parsed = new(StringComparer.Ordinal);

    /// <summary>The source over the R4 core definitions.</summary>
    public static CoreConformanceSource R4 { get; } = new(FhirDefinitions.R4);

    /// <inheritdoc />
    public ElementNode? Find(string canonical)
    {
        var bar = canonical.IndexOf('|');
        var url = bar >= 0 ? canonical[..bar] : canonical;
        if (bar >= 0 && definitions.FindByUrl(url)?.Version is { } version && version != canonical[(bar + 1)..])
        {
            return null;
        }
        return _parsed.GetOrAdd(url, static (u, d) =>
        {
            var entry = d.FindByUrl(u);
            return entry is null ? null : FhirJsonReader.Parse(d.ReadJson(entry), definitions: d).Resource;
        }, definitions);
    }
}
