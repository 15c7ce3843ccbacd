using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Testing;

namespace Fhir.Views.Tests.Suite;

/// <summary>The official SQL on FHIR v2 test suite (<c>sql-on-fhir/*.json</c> in the shared suites), read once.</summary>
internal static class SqlOnFhirSuite
{
    public const string Folder = "sql-on-fhir";

    private static readonly Lazy<IReadOnlyList<SuiteTest>> All = new(Load);

    public static IReadOnlyList<SuiteTest> Tests => All.Value;

    private static IReadOnlyList<SuiteTest> Load()
    {
        if (Suites.Find(Folder) is not { } folder)
        {
            return [];
        }
        var tests = new List<SuiteTest>();
        foreach (var file in Directory.GetFiles(folder, "*.json").Where(f => System.IO.Path.GetFileName(f) != "tests.schema.json").Order(StringComparer.Ordinal))
        {
            var root = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            var resources = root["resources"]!.AsArray().Select(r => r!.ToJsonString()).ToList();
            var name = System.IO.Path.GetFileNameWithoutExtension(file);
            foreach (var test in root["tests"]!.AsArray())
            {
                tests.Add(new SuiteTest(
                    $"{name}: {(string)test!["title"]!}", resources, test["view"]!.ToJsonString(),
                    test["expect"]?.AsArray(), (int?)test["expectCount"], (bool?)test["expectError"] ?? false,
                    test["expectColumns"]?.AsArray().Select(c => (string)c!).ToList()));
            }
        }
        return tests;
    }
}

/// <summary>One test of the suite.</summary>
/// <param name="Name">The file and the title: <c>basic: two columns</c>.</param>
internal sealed record SuiteTest(
    string Name, IReadOnlyList<string> Resources, string View, JsonArray? Expect, int? ExpectCount, bool ExpectError, IReadOnlyList<string>? ExpectColumns)
{
    public static JsonSerializerOptions Compact { get; } = new() { WriteIndented = false };
}
