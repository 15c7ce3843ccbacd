using System.Text.Json.Nodes;
using Fhir.Core.Json;
using Fhir.Path.Patch;
using Fhir.Path.Tests.Suites;
using Fhir.Server.Tests.Support;
using Xunit.Abstractions;

namespace Fhir.Path.Tests.Patch;

/// <summary>Every case of the FHIRPath Patch suite (<c>patch/fhir-patch-tests.xml</c>) through the engine; the server tests run them over HTTP too.</summary>
public sealed class FhirPatchSuiteTests(ITestOutputHelper output)
{
    private static readonly Lazy<IReadOnlyList<FhirPatchSuite.Case>> Cases = new(() =>
        SuiteFiles.Find(FhirPatchSuite.RelativePath) is { } file ? FhirPatchSuite.Load(file) : []);

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Value.Select(c => c.Name).DefaultIfEmpty("(suite missing)"))
        {
            data.Add(name);
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(CaseNames))]
    public void Suite_case_passes(string name)
    {
        if (Cases.Value.Count == 0)
        {
            SuiteFiles.SkipMissing(FhirPatchSuite.RelativePath);
        }
        var test = Cases.Value.Single(c => c.Name == name);
        var input = Parse(test.Input);
        var result = FhirPathPatch.Apply(input, Parse(test.Diff));
        output.WriteLine(result.Error ?? "applied");
        if (test.Output is null)
        {
            Assert.False(result.IsSuccess, $"expected the error '{test.Error}'");
            return;
        }
        Assert.True(result.IsSuccess, result.Error);
        var actual = JsonNode.Parse(FhirJsonWriter.SerializeToString(result.Resource!));
        var expected = JsonNode.Parse(FhirJsonWriter.SerializeToString(Parse(test.Output))); // canonical order on both sides
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected!.ToJsonString()}\nactual   {actual!.ToJsonString()}");
    }

    private static Core.Model.ElementNode Parse(JsonObject json)
    {
        var parsed = FhirJsonReader.Parse(json.ToJsonString());
        Assert.True(parsed.IsSuccess, string.Join("; ", parsed.Issues));
        return parsed.Resource!;
    }
}
