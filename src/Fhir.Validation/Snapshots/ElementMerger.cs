using System.Globalization;
using System.Text.Json.Nodes;
using Fhir.Core.Definitions;
using Fhir.Core.Outcomes;

namespace Fhir.Validation.Snapshots;

/// <summary>
/// Applies a differential element's constraints to the inherited element: cardinality may only narrow, types may only be
/// restricted, constraints and mappings add to the inherited ones, and everything else the differential states replaces
/// what the base said.
/// </summary>
internal static class ElementMerger
{
    /// <summary>Where a merge happens, for issue messages.</summary>
    public sealed record MergeContext(string Url, string Id, string Expression, List<Issue> Issues)
    {
        public void Error(string message) =>
            Issues.Add(Issue.Error(IssueType.Structure, $"{Url}: differential element '{Id}': {message}.", Expression));
    }

    // Never taken from the differential: the position is the tree's, the base is what the element was derived from.
    private static readonly HashSet<string> Structural = new(StringComparer.Ordinal) { "id", "path", "base", "sliceName" };

    public static void Apply(SnapshotNode node, JsonObject diff, MergeContext context)
    {
        var target = node.Element;
        foreach (var (key, value) in diff)
        {
            if (value is null || Structural.Contains(key))
            {
                continue;
            }
            switch (key)
            {
                case "min":
                    // A slice may be rarer than its element requires: the element's min applies to all slices together.
                    if (node is { Inherited: false, SliceName: not null })
                    {
                        target["min"] = value.DeepClone();
                    }
                    else
                    {
                        MergeMin(target, value, context);
                    }
                    break;
                case "max": MergeMax(target, value, context); break;
                case "type": MergeTypes(target, (JsonArray)value, context); break;
                case "constraint": MergeByKey(target, key, (JsonArray)value, static c => c["key"]?.GetValue<string>(), context.Url); break;
                case "mapping": MergeByKey(target, key, (JsonArray)value, static m => m["identity"]?.GetValue<string>() + "|" + m["map"]?.GetValue<string>(), sourceUrl: null); break;
                case "condition" or "alias": Union(target, key, (JsonArray)value); break;
                case "binding":
                    CheckStrength(target, (JsonObject)value, context);
                    MergeObject(target, key, (JsonObject)value);
                    break;
                case "slicing": MergeObject(target, key, (JsonObject)value); break;
                default:
                    if ((key.StartsWith("fixed", StringComparison.Ordinal) || key.StartsWith("pattern", StringComparison.Ordinal))
                        && target[key] is { } inherited && !JsonNode.DeepEquals(inherited, value))
                    {
                        context.Error($"'{key}' changes the value fixed by the base");
                    }
                    target[key] = value.DeepClone();
                    break;
            }
        }
        if (diff["binding"] is not null && target["type"] is JsonArray { Count: > 0 } bound
            && bound.OfType<JsonObject>().Select(t => t["code"]?.GetValue<string>()).All(code => code is not null && !Bindable.Contains(code)))
        {
            context.Error($"a binding on an element of type {string.Join(", ", bound.OfType<JsonObject>().Select(t => t["code"]?.GetValue<string>()))} means nothing: only coded types can be bound");
        }
        if (Cardinality(target["min"]) is { } min && MaxOf(target["max"]) is { } max && min > max)
        {
            context.Error($"min {min} is greater than max {max}");
        }
    }

    private static void MergeMin(JsonObject target, JsonNode value, MergeContext context)
    {
        var wanted = Cardinality(value);
        var inherited = Cardinality(target["min"]);
        if (wanted is null)
        {
            context.Error("min is not a number");
            return;
        }
        if (inherited is { } floor && wanted < floor)
        {
            context.Error($"min {wanted} widens the base's min {floor}");
            return;
        }
        target["min"] = wanted;
    }

    private static void MergeMax(JsonObject target, JsonNode value, MergeContext context)
    {
        var text = value.GetValue<string>();
        var wanted = MaxOf(value);
        if (text != "*" && wanted is null)
        {
            context.Error($"max '{text}' is neither a number nor '*'");
            return;
        }
        if (MaxOf(target["max"]) is { } ceiling && (wanted is null || wanted > ceiling))
        {
            context.Error($"max {text} widens the base's max {ceiling}");
            return;
        }
        target["max"] = text;
    }

    private static void MergeTypes(JsonObject target, JsonArray types, MergeContext context)
    {
        var inherited = (target["type"] as JsonArray)?.OfType<JsonObject>().Select(t => t["code"]?.GetValue<string>()).OfType<string>().ToList() ?? [];
        foreach (var type in types.OfType<JsonObject>())
        {
            var code = type["code"]?.GetValue<string>();
            if (code is null)
            {
                context.Error("a type has no code");
                return;
            }
            if (inherited.Count > 0 && !inherited.Any(b => Derives(code, b)))
            {
                context.Error($"type '{code}' is not one of the base's types ({string.Join(", ", inherited)})");
                return;
            }
        }
        target["type"] = types.DeepClone();
    }

    /// <summary>True when <paramref name="code"/> is <paramref name="baseCode"/> or a specialisation of it (Age of Quantity, Patient of Resource).</summary>
    private static bool Derives(string code, string baseCode)
    {
        // R4 snapshots type some primitives' inner elements (Extension.url, Element.id) as System types; a differential may
        // name the FHIR primitive (uri) the structuredefinition-fhir-type extension stands for.
        if (baseCode.StartsWith("http://hl7.org/fhirpath/System.", StringComparison.Ordinal) && code.Length > 0 && char.IsLower(code[0]))
        {
            return true;
        }
        for (string? current = code; current is not null; current = FhirDefinitions.R4.BaseTypeName(current))
        {
            if (current == baseCode)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The types a binding applies to (ElementDefinition eld-11 and the spec's "Terminology binding" section).</summary>
    private static readonly HashSet<string> Bindable = new(StringComparer.Ordinal)
    {
        "code", "Coding", "CodeableConcept", "Quantity", "string", "uri", "url", "canonical", "Element", "BackboneElement", "Extension",
    };

    private static readonly string[] Strengths = ["example", "preferred", "extensible", "required"];

    /// <summary>A profile may make an extensible binding required, but never loosen a required or extensible one.</summary>
    private static void CheckStrength(JsonObject target, JsonObject binding, MergeContext context)
    {
        var inherited = Array.IndexOf(Strengths, target["binding"]?["strength"]?.GetValue<string>());
        var wanted = Array.IndexOf(Strengths, binding["strength"]?.GetValue<string>());
        if (inherited >= 2 && wanted >= 0 && wanted < inherited)
        {
            context.Error($"binding strength {Strengths[wanted]} loosens the base's {Strengths[inherited]}");
        }
    }

    private static void MergeByKey(JsonObject target, string key, JsonArray added, Func<JsonObject, string?> keyOf, string? sourceUrl)
    {
        var list = target[key] as JsonArray ?? [];
        foreach (var item in added.OfType<JsonObject>())
        {
            var copy = (JsonObject)item.DeepClone();
            if (sourceUrl is not null && copy["source"] is null)
            {
                copy["source"] = sourceUrl;
            }
            var k = keyOf(copy);
            var index = k is null ? -1 : list.Select((x, i) => (x, i)).FirstOrDefault(p => p.x is JsonObject o && keyOf(o) == k, (null, -1)).Item2;
            if (index >= 0)
            {
                list[index] = copy;
            }
            else
            {
                list.Add(copy);
            }
        }
        target[key] = list;
    }

    private static void Union(JsonObject target, string key, JsonArray added)
    {
        var list = target[key] as JsonArray ?? [];
        foreach (var item in added)
        {
            if (item is not null && !list.Any(x => JsonNode.DeepEquals(x, item)))
            {
                list.Add(item.DeepClone());
            }
        }
        target[key] = list;
    }

    private static void MergeObject(JsonObject target, string key, JsonObject added)
    {
        var merged = target[key] as JsonObject ?? [];
        foreach (var (name, value) in added)
        {
            merged[name] = value?.DeepClone();
        }
        target[key] = merged;
    }

    private static int? Cardinality(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        JsonValue v when v.TryGetValue<long>(out var l) => (int)l,
        JsonValue v when v.TryGetValue<decimal>(out var d) => (int)d,
        _ => null,
    };

    private static int? MaxOf(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && s != "*" && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;
}
