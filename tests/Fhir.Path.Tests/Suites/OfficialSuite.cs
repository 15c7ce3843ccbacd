using System.Xml.Linq;

namespace Fhir.Path.Tests.Suites;

/// <summary>One test of the official suite <c>tests-fhir-r4.xml</c>.</summary>
internal sealed record OfficialTest(
    string Id,
    string Group,
    string? InputFile,
    bool Strict,
    bool CheckOrderedFunctions,
    bool Predicate,
    bool Ordered,
    string Expression,
    string? Invalid,
    IReadOnlyList<ExpectedOutput> Outputs)
{
    public override string ToString() => Id;
}

/// <summary>An expected output: its declared type (null when untyped) and its text.</summary>
internal sealed record ExpectedOutput(string? Type, string Text);

/// <summary>Reads <c>fhirpath/tests-fhir-r4.xml</c>.</summary>
internal static class OfficialSuite
{
    public const string RelativePath = "fhirpath/tests-fhir-r4.xml";

    private static readonly Lazy<IReadOnlyList<OfficialTest>> All = new(Load);

    public static IReadOnlyList<OfficialTest> Tests => All.Value;

    private static IReadOnlyList<OfficialTest> Load()
    {
        var path = SuiteFiles.Find(RelativePath);
        if (path is null)
        {
            return [];
        }
        var tests = new List<OfficialTest>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var doc = XDocument.Load(path, LoadOptions.PreserveWhitespace);
        foreach (var group in doc.Root!.Elements("group"))
        {
            foreach (var test in group.Elements("test"))
            {
                var name = (string)test.Attribute("name")!;
                var id = seen.TryGetValue(name, out var n) ? $"{name}#{n + 1}" : name;
                seen[name] = n + 1;
                var expression = test.Element("expression")!;
                tests.Add(new OfficialTest(
                    id,
                    (string)group.Attribute("name")!,
                    (string?)test.Attribute("inputfile"),
                    (string?)test.Attribute("mode") == "strict" || (string?)expression.Attribute("mode") == "strict",
                    (string?)test.Attribute("checkOrderedFunctions") == "true",
                    (string?)test.Attribute("predicate") == "true",
                    (string?)test.Attribute("ordered") != "false",
                    expression.Value,
                    (string?)expression.Attribute("invalid"),
                    [.. test.Elements("output").Select(o => new ExpectedOutput((string?)o.Attribute("type"), o.Value))]));
            }
        }
        return tests;
    }
}
