using System.Text.Json.Nodes;
using System.Xml.Linq;
using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Path;
using Fhir.Path.Services;
using Fhir.Search.Parameters;

namespace Fhir.Bench.Path;

/// <summary>One expression to evaluate on one input (an index into <see cref="Workload.Inputs"/>, or -1 for none).</summary>
internal sealed record WorkItem(string Label, string Expression, CompileOptions Options, int Input);

/// <summary>A set of (expression, input) pairs with the inputs parsed once, as the C# tree and as JSON for fhirpath.js.</summary>
internal sealed class Workload
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary>The inputs as the JSON both engines read (the C# tree was parsed from exactly this text).</summary>
    public required IReadOnlyList<JsonNode> InputJson { get; init; }

    public required IReadOnlyList<ElementNode> Inputs { get; init; }

    /// <summary>The evaluation context per input (-1: no input).</summary>
    public required Func<int, EvaluationContext> Context { get; init; }

    public required IReadOnlyList<WorkItem> Items { get; init; }

    /// <summary>
    /// The official R4 suite without its <c>invalid</c> tests, compiled as tests/Fhir.Path.Tests runs it (strict mode
    /// and ordered-function checks where a test asks, the input's type as root type, <c>as</c> on singletons only).
    /// </summary>
    public static Workload OfficialSuite()
    {
        var doc = XDocument.Load(SuiteFiles.Require("fhirpath/tests-fhir-r4.xml"), LoadOptions.PreserveWhitespace);
        var inputIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var json = new List<JsonNode>();
        var nodes = new List<ElementNode>();
        var items = new List<WorkItem>();
        var tests = 0;
        foreach (var test in doc.Root!.Elements("group").SelectMany(g => g.Elements("test")))
        {
            tests++;
            var expression = test.Element("expression")!;
            if (expression.Attribute("invalid") is not null)
            {
                continue;
            }
            var input = -1;
            if ((string?)test.Attribute("inputfile") is { } inputFile)
            {
                var name = System.IO.Path.ChangeExtension(inputFile, ".json");
                if (!inputIndex.TryGetValue(name, out input))
                {
                    var (node, tree) = Load(SuiteFiles.Require(System.IO.Path.Combine("fhirpath", "input-json", name)));
                    input = inputIndex[name] = json.Count;
                    json.Add(node);
                    nodes.Add(tree);
                }
            }
            var options = new CompileOptions
            {
                Strict = (string?)test.Attribute("mode") == "strict" || (string?)expression.Attribute("mode") == "strict",
                CheckOrderedFunctions = (string?)test.Attribute("checkOrderedFunctions") == "true",
                RootType = input < 0 ? null : nodes[input].Type.Name,
                AsRequiresSingleton = true,
            };
            items.Add(new WorkItem((string)test.Attribute("name")!, expression.Value, options, input));
        }
        // Trace output is discarded (null sink) on both sides; %resource is found from the input.
        var context = new EvaluationContext();
        return new Workload
        {
            Name = "suite",
            Description = $"official suite tests-fhir-r4.xml: {tests} tests, {items.Count} valid, {nodes.Count} inputs",
            InputJson = json,
            Inputs = nodes,
            Context = _ => context,
            Items = items,
        };
    }

    /// <summary>
    /// What the server's indexer does on a write: every supported R4 search parameter of the resource's type (as
    /// ResourceIndexer picks them: not _id/_lastUpdated, which are columns) on the official example resources that
    /// the FHIRPath suite ships as JSON.
    /// </summary>
    public static Workload SearchParameters()
    {
        var registry = SearchParameterRegistry.CreateR4(FhirDefinitions.R4);
        var supported = registry.All.Count(p => p.IsSupported);
        var json = new List<JsonNode>();
        var nodes = new List<ElementNode>();
        var items = new List<WorkItem>();
        var files = Directory.GetFiles(SuiteFiles.Require("fhirpath/input-json"), "*.json").Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var (node, tree) = Load(file);
            var input = json.Count;
            json.Add(node);
            nodes.Add(tree);
            foreach (var parameter in registry.ForType(tree.Type.Name))
            {
                if (parameter.IsSupported && parameter.Code is not ("_id" or "_lastUpdated"))
                {
                    items.Add(new WorkItem($"{System.IO.Path.GetFileNameWithoutExtension(file)} {parameter.ResourceType}.{parameter.Code}",
                        parameter.Expression!, CompileOptions.Default, input));
                }
            }
        }
        // As ResourceIndexer: %resource is the indexed resource and resolve() answers from the reference's type.
        var resolver = new ReferenceTypeResolver();
        var contexts = nodes.Select(n => new EvaluationContext { Resource = n, RootResource = n, Resolver = resolver }).ToArray();
        return new Workload
        {
            Name = "search",
            Description = $"R4 search parameters: {supported} supported (type, code) entries; {items.Count} pairs over {nodes.Count} example resources "
                + $"({string.Join(", ", nodes.Select(n => n.Type.Name).Distinct().Order(StringComparer.Ordinal))})",
            InputJson = json,
            Inputs = nodes,
            Context = i => contexts[i],
            Items = items,
        };
    }

    private static (JsonNode Json, ElementNode Tree) Load(string file)
    {
        var json = JsonNode.Parse(File.ReadAllText(file))!;
        // fhirpath.js's JSON conversion of parameters-example-types.xml wrote valueUuid as {"value": "urn:uuid:..."};
        // the XML original has a plain uuid, so both engines get the unwrapped value (as in tests/Fhir.Path.Tests).
        UnwrapValueObjects(json);
        var tree = FhirJsonReader.Parse(json.ToJsonString()).Resource
            ?? throw new InvalidDataException($"{file} did not parse as a FHIR resource");
        return (json, tree);
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
