using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Fhir.Core.Json;
using Fhir.Core.Model;

namespace Fhir.Path.Tests.Suites;

/// <summary>Reads the suites' JSON inputs into element trees (once each; the engine never modifies them).</summary>
internal static class SuiteInputs
{
    private static readonly ConcurrentDictionary<string, ElementNode?> Cache = new(StringComparer.Ordinal);

    /// <summary>The resource in a file of <c>fhirpath/input-json</c> (an XML input name maps to its JSON twin), or null when missing.</summary>
    public static ElementNode? Load(string inputFile)
    {
        var name = System.IO.Path.ChangeExtension(inputFile, ".json");
        return Cache.GetOrAdd(name, static n =>
        {
            var path = SuiteFiles.Find(System.IO.Path.Combine("fhirpath", "input-json", n));
            return path is null ? null : Parse(File.ReadAllText(path));
        });
    }

    public static ElementNode? Parse(string json)
    {
        // The reader reports what does not conform and still builds the tree; the official inputs are used as they are,
        // with one exception: fhirpath.js's JSON conversion of parameters-example-types.xml wrote valueUuid as an object
        // ({"value": "urn:uuid:..."}) instead of a string, and the reader rightly drops it. The XML original is the
        // reference, so the object is unwrapped here.
        var node = JsonNode.Parse(json);
        UnwrapValueObjects(node);
        return FhirJsonReader.Parse(node!.ToJsonString()).Resource;
    }

    private static void UnwrapValueObjects(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "valueUuid" && value is JsonObject { Count: 1 } wrapper && wrapper["value"] is JsonValue inner)
                    {
                        obj[key] = inner.DeepClone();
                    }
                    else
                    {
                        UnwrapValueObjects(value);
                    }
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    UnwrapValueObjects(item);
                }
                break;
        }
    }
}
