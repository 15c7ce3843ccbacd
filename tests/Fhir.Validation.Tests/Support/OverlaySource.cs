using System.Text.Json.Nodes;
using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Validation.Conformance;

namespace Fhir.Validation.Tests.Support;

/// <summary>The R4 core plus conformance resources added by a test (JSON), found by their url.</summary>
internal sealed class OverlaySource : IConformanceSource
{
    private readonly Dictionary<string, ElementNode> _added = new(StringComparer.Ordinal);

    public OverlaySource Add(string json)
    {
        var node = V.Parse(json);
        _added[node.GetString("url")!] = node;
        return this;
    }

    public OverlaySource Add(JsonNode json) => Add(json.ToJsonString());

    public void Remove(string url) => _added.Remove(url);

    public ElementNode? Find(string canonical)
    {
        var bar = canonical.IndexOf('|');
        var url = bar >= 0 ? canonical[..bar] : canonical;
        return _added.TryGetValue(url, out var node) ? node : CoreConformanceSource.R4.Find(canonical);
    }

    /// <summary>
    /// A profile derived from a core type's definition: its snapshot copied, renamed to <paramref name="url"/>, with
    /// <paramref name="change"/> applied to the elements by id (a hand-written snapshot without the typing).
    /// </summary>
    public static JsonObject Derive(string type, string url, Action<Func<string, JsonObject>> change)
    {
        var entry = FhirDefinitions.R4.FindByUrl("http://hl7.org/fhir/StructureDefinition/" + type)!;
        var sd = JsonNode.Parse(FhirDefinitions.R4.ReadJson(entry))!.AsObject();
        sd["url"] = url;
        sd["id"] = url[(url.LastIndexOf('/') + 1)..];
        sd["name"] = "Test" + type;
        sd["derivation"] = "constraint";
        sd["baseDefinition"] = "http://hl7.org/fhir/StructureDefinition/" + type;
        sd.Remove("differential");
        sd.Remove("text");
        var elements = sd["snapshot"]!["element"]!.AsArray();
        change(id => elements.Select(e => e!.AsObject()).First(e => (string?)e["id"] == id));
        return sd;
    }
}
