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
        NeedsSnapshot = resourceType == "StructureDefinition" && !HasTopLevelProperty(json, "snapshot"u8);
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

    /// <summary>
    /// True when the resource has the property at its top level; scans the JSON without building a tree, because every
    /// StructureDefinition of every package is asked this at load.
    /// </summary>
    private static bool HasTopLevelProperty(byte[] json, ReadOnlySpan<byte> name)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(name))
                {
                    return true;
                }
                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Unreadable JSON has no snapshot; generation then reports it.
        }
        return false;
    }

    internal static ElementNode? Parse(byte[] json) => FhirJsonReader.Parse(json, definitions: FhirDefinitions.R4).Resource;

    internal static ElementNode? Parse(JsonObject json) => Parse(JsonSerializer.SerializeToUtf8Bytes(json));
}
