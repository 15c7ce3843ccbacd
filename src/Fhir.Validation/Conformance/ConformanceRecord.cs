using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Core.Model;

namespace Fhir.Validation.Conformance;

/// <summary>Where a conformance resource came from, in priority order: earlier layers hide later ones.</summary>
internal enum ConformanceLayer { Runtime, Files, Packages }

/// <summary>One loaded conformance resource: its raw JSON, indexed by canonical URL, parsed on first use.</summary>
internal sealed class ConformanceRecord
{
    private readonly Lazy<ElementNode?> _parsed;
    private readonly Lazy<JsonObject?> _json;

    public ConformanceRecord(ConformanceLayer layer, string source, string resourceType, string url, string? version, byte[] json)
    {
        Layer = layer;
        Source = source;
        ResourceType = resourceType;
        Url = url;
        Version = version;
        Json = json;
        _json = new Lazy<JsonObject?>(() => JsonTrees.ParseShared(Json));
        _parsed = new Lazy<ElementNode?>(() => Parse(Json));
        NeedsSnapshot = resourceType == "StructureDefinition" && (JsonObjectValue?["snapshot"]?["element"] is not JsonArray { Count: > 0 });
    }

    public ConformanceLayer Layer { get; }

    /// <summary>The file (or <c>package#version/file</c>) it was read from, for messages.</summary>
    public string Source { get; }

    public string ResourceType { get; }

    public string Url { get; }

    public string? Version { get; }

    public byte[] Json { get; }

    /// <summary>True for a StructureDefinition that came without a snapshot: the set generates it.</summary>
    public bool NeedsSnapshot { get; }

    /// <summary>The resource as a JSON tree; callers must not modify it.</summary>
    public JsonObject? JsonObjectValue => _json.Value;

    /// <summary>The resource as read (only meaningful when it needs no generated snapshot).</summary>
    public ElementNode? Parsed => _parsed.Value;

    internal static ElementNode? Parse(byte[] json) => FhirJsonReader.Parse(json, definitions: FhirDefinitions.R4).Resource;

    internal static ElementNode? Parse(JsonObject json) => Parse(JsonSerializer.SerializeToUtf8Bytes(json));
}
