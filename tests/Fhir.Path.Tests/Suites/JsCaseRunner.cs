using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Path.Types;

namespace Fhir.Path.Tests.Suites;

/// <summary>The outcome of one fhirpath.js case.</summary>
internal enum JsOutcome
{
    Passed,
    Failed,
    /// <summary>Marked <c>disable</c> in the suite.</summary>
    Disabled,
    /// <summary>The input file is not among the copied inputs.</summary>
    NoInput,
}

/// <summary>Runs a fhirpath.js case: builds its input (a FHIR resource, or the file's generic subject), evaluates, compares.</summary>
internal static class JsCaseRunner
{
    private static readonly FhirDefinitions Definitions = FhirDefinitions.R4;

    public static (JsOutcome Outcome, string Detail) Run(JsCase test)
    {
        if (test.Disabled)
        {
            return (JsOutcome.Disabled, "disabled in the suite");
        }
        IReadOnlyList<object> input;
        ElementNode? resource;
        if (test.InputFile is not null)
        {
            resource = SuiteInputs.Load(test.InputFile);
            if (resource is null)
            {
                return (JsOutcome.NoInput, $"input '{test.InputFile}' is not available");
            }
            input = [resource];
        }
        else
        {
            (input, resource) = Subject(test.Subject);
        }
        try
        {
            var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var (key, value) in test.Variables ?? [])
            {
                variables[key] = ToValue(value);
            }
            var context = new EvaluationContext { Resource = resource, RootResource = resource, Variables = variables };
            if (test.Context is not null)
            {
                input = FhirPathCompiler.Compile(test.Context).EvaluateCollection(input, context);
            }
            var result = FhirPathCompiler.Compile(test.Expression).EvaluateCollection(input, context);
            if (test.ExpectsError)
            {
                return (JsOutcome.Failed, $"expected an error, got {Show(result)}");
            }
            var expected = test.Result ?? [];
            if (expected.Count != result.Count)
            {
                return (JsOutcome.Failed, $"expected {expected.Count} item(s) {Show((IEnumerable<object?>)expected)}, got {Show(result)}");
            }
            for (var i = 0; i < expected.Count; i++)
            {
                if (!Same(expected[i], ToJs(result[i])))
                {
                    return (JsOutcome.Failed, $"item {i}: expected {Show((IEnumerable<object?>)expected)}, got {Show(result)}");
                }
            }
            return (JsOutcome.Passed, "ok");
        }
        catch (FhirPathException e)
        {
            return test.ExpectsError ? (JsOutcome.Passed, "failed as expected") : (JsOutcome.Failed, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Anything but a FhirPathException escaping the engine is a bug, whatever the case expects.
            return (JsOutcome.Failed, $"unexpected {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The input for a case without an input file: the file's subject, reachable through its resourceType name.</summary>
    private static (IReadOnlyList<object> Input, ElementNode? Resource) Subject(object? subject)
    {
        if (subject is null)
        {
            return ([], null);
        }
        if (subject is not YamlMap map)
        {
            var value = ToValue(subject);
            return (value is null ? [] : [value], null);
        }
        // A made-up resourceType (Functions, Ops...) names the root, so that 'Functions.x' finds it as 'Patient.x' does.
        var node = ToNode(map);
        return ([node], node);
    }

    private static ElementNode ToNode(YamlMap map)
    {
        if (map["resourceType"] is string type && Definitions.IsResourceType(type))
        {
            var resource = SuiteInputs.Parse(ToJson(map)!.ToJsonString());
            if (resource is not null)
            {
                return resource;
            }
        }
        return Generic(map["resourceType"] as string ?? "subject", map);
    }

    private static ElementNode Generic(string name, YamlMap map)
    {
        var node = new ElementNode(name, Definitions.FindType("Element")!);
        foreach (var (key, value) in map)
        {
            if (key == "resourceType" || key.StartsWith('_'))
            {
                continue;
            }
            var extras = map["_" + key];
            var values = value is List<object?> list ? list : [value];
            var extraList = extras as List<object?> ?? (extras is null ? [] : [extras]);
            for (var i = 0; i < values.Count; i++)
            {
                var child = GenericChild(key, values[i], i < extraList.Count ? extraList[i] as YamlMap : null);
                if (child is not null)
                {
                    node.Add(child);
                }
            }
        }
        return node;
    }

    private static ElementNode? GenericChild(string name, object? value, YamlMap? primitiveExtras)
    {
        if (value is YamlMap map)
        {
            return Generic(name, map);
        }
        if (value is null && primitiveExtras is null)
        {
            return null;
        }
        var (type, v) = value switch
        {
            bool b => ("System.Boolean", (object?)b),
            long l when l is >= int.MinValue and <= int.MaxValue => ("System.Integer", (int)l),
            long l => ("System.Decimal", (decimal)l),
            decimal d => ("System.Decimal", d),
            null => ("System.String", null),
            _ => ("System.String", Convert.ToString(value, CultureInfo.InvariantCulture)),
        };
        var node = new ElementNode(name, Definitions.FindType(type)!) { Value = v };
        if (primitiveExtras is not null)
        {
            foreach (var (key, extra) in primitiveExtras)
            {
                if (GenericChild(key, extra, null) is { } child)
                {
                    node.Add(child);
                }
            }
        }
        return node;
    }

    private static object? ToValue(object? yaml) => yaml switch
    {
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        List<object?> list => list.Select(ToValue).Where(v => v is not null).Cast<object>().ToList(),
        YamlMap map => ToNode(map),
        _ => yaml,
    };

    private static JsonNode? ToJson(object? yaml) => yaml switch
    {
        null => null,
        YamlMap map => new JsonObject(map.Select(e => new KeyValuePair<string, JsonNode?>(e.Key, ToJson(e.Value)))),
        List<object?> list => new JsonArray([.. list.Select(ToJson)]),
        bool b => JsonValue.Create(b),
        long l => JsonValue.Create(l),
        decimal d => JsonValue.Create(d),
        _ => JsonValue.Create(Convert.ToString(yaml, CultureInfo.InvariantCulture)),
    };

    /// <summary>A result item as fhirpath.js reports it: JSON values, dates and quantities as strings.</summary>
    private static object? ToJs(object item)
    {
        if (item is ElementNode node)
        {
            if (node.Type.IsPrimitive)
            {
                return node.Value is null ? null : ToJs(node.Value);
            }
            try
            {
                return JsonNode.Parse(FhirJsonWriter.SerializeToString(node));
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or JsonException)
            {
                return node.ToString();
            }
        }
        return item switch
        {
            int i => (decimal)i,
            long l => l.ToString(CultureInfo.InvariantCulture), // fhirpath.js writes Long values as strings
            decimal d => d,
            bool or string => item,
            FhirPathTypeInfo t => new JsonObject { ["namespace"] = t.Namespace, ["name"] = t.Name },
            _ => item.ToString(),
        };
    }

    private static bool Same(object? expected, object? actual)
    {
        switch (expected)
        {
            case null:
                return actual is null;
            case bool b:
                return actual is bool a && a == b;
            case long l:
                return actual is decimal d && d == l;
            case decimal e:
                return actual is decimal d2 && d2 == e;
            case string s:
                return actual is string a2 && (a2 == s || a2 == s.TrimStart('@'));
            case YamlMap or List<object?>:
                return actual is JsonNode json && JsonNode.DeepEquals(Normalize(ToJson(expected)), Normalize(json));
            default:
                return Equals(expected, actual);
        }
    }

    // Numbers compare by value whatever their JSON form (1 and 1.0).
    private static JsonNode? Normalize(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new KeyValuePair<string, JsonNode?>(p.Key, Normalize(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Normalize)]),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number
            => JsonValue.Create(decimal.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture) / 1.0000000000000000000000000000m),
        JsonValue v => v.DeepClone(),
        _ => null,
    };

    private static string Show(IEnumerable<object?> items) => "[" + string.Join(", ", items.Select(i => i switch
    {
        null => "null",
        ElementNode n => n.Type.IsPrimitive ? $"{n.Value}" : n.Type.Name,
        _ => Convert.ToString(i, CultureInfo.InvariantCulture),
    })) + "]";

    private static string Show(IReadOnlyList<object> items) => Show((IEnumerable<object?>)items);
}
