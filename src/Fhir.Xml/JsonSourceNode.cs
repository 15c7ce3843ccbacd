using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.ElementModel;
using Hl7.Fhir.Utility;

namespace Fhir.Xml;

/// <summary>
/// One element of a FHIR JSON document as the SDK's source node: a primitive's value and its <c>_name</c> object are
/// one node (their id and extensions its children), arrays become repeated nodes, a <c>resourceType</c> makes a
/// resource node. <see cref="Text"/> is the value exactly as the JSON has it: a number's digits as written.
/// </summary>
internal sealed class JsonSourceNode : ISourceNode, IResourceTypeSupplier, IAnnotated
{
    // The R4 elements whose type is Resource: DomainResource.contained, Bundle.entry.resource, Bundle.entry.response.outcome
    // and Parameters.parameter.resource. Elsewhere "resourceType" is an ordinary element (ExampleScenario.instance.resourceType).
    private static readonly HashSet<string> ResourceElements = new(StringComparer.Ordinal) { "contained", "resource", "outcome" };

    private readonly JsonElement? _value;
    private readonly JsonElement? _extension;
    private readonly JsonSourceNode? _parent;
    private readonly int _index;
    private string? _location;

    public JsonSourceNode(string name, JsonElement? value, JsonElement? extension, JsonSourceNode? parent, int index)
    {
        Name = name;
        _value = value is { ValueKind: JsonValueKind.Null } ? null : value;
        _extension = extension is { ValueKind: JsonValueKind.Object } ? extension : null;
        _parent = parent;
        _index = index;
        if ((parent is null || ResourceElements.Contains(name))
            && _value is { ValueKind: JsonValueKind.Object } obj && obj.TryGetProperty("resourceType", out var type) && type.ValueKind == JsonValueKind.String)
        {
            ResourceType = type.GetString();
        }
        Text = _value switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
            { ValueKind: JsonValueKind.True } => "true",
            { ValueKind: JsonValueKind.False } => "false",
            _ => null,
        };
    }

    public string Name { get; }

    /// <summary>The primitive value as written in the JSON, or null.</summary>
    public string? Text { get; }

    public string? ResourceType { get; }

    public string Location => _location ??= _parent is null
        ? Name
        : $"{_parent.Location}.{Name}[{Math.Max(_index, 0).ToString(CultureInfo.InvariantCulture)}]";

    public IEnumerable<ISourceNode> Children(string? name = null)
    {
        var container = _value is { ValueKind: JsonValueKind.Object } ? _value : _extension;
        if (container is not { } obj)
        {
            yield break;
        }
        var ofPrimitive = _value is not { ValueKind: JsonValueKind.Object };
        foreach (var property in obj.EnumerateObject())
        {
            var key = property.Name;
            if (key == "resourceType" && ResourceType is not null && !ofPrimitive)
            {
                continue;
            }
            JsonElement? value = property.Value;
            JsonElement? extension = null;
            if (key.Length > 1 && key[0] == '_')
            {
                key = key[1..];
                if (obj.TryGetProperty(key, out _))
                {
                    continue; // read together with the value
                }
                extension = value;
                value = null;
            }
            else if (obj.TryGetProperty("_" + key, out var ext))
            {
                extension = ext;
            }
            if (!Matches(key, name))
            {
                continue;
            }
            if ((value ?? extension)!.Value.ValueKind == JsonValueKind.Array)
            {
                var count = Math.Max(Length(value), Length(extension));
                for (var i = 0; i < count; i++)
                {
                    yield return new JsonSourceNode(key, Item(value, i), Item(extension, i), this, i);
                }
            }
            else
            {
                yield return new JsonSourceNode(key, value, extension, this, -1);
            }
        }
    }

    public IEnumerable<object> Annotations(Type type) =>
        type == typeof(JsonSourceNode) || type == typeof(ISourceNode) || (type == typeof(IResourceTypeSupplier) && ResourceType is not null) ? [this] : [];

    private static bool Matches(string key, string? filter) =>
        filter is null || (filter.EndsWith('*') ? key.StartsWith(filter[..^1], StringComparison.Ordinal) : key == filter);

    private static int Length(JsonElement? array) => array is { ValueKind: JsonValueKind.Array } a ? a.GetArrayLength() : 0;

    private static JsonElement? Item(JsonElement? array, int index) =>
        array is { ValueKind: JsonValueKind.Array } a && index < a.GetArrayLength() ? a[index] : null;
}
