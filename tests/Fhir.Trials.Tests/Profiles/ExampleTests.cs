using System.Text.Json;
using Fhir.Core.Model;
using Fhir.Path;

namespace Fhir.Trials.Tests.Profiles;

/// <summary>
/// The examples in <c>profiles/examples</c> against what can be checked before the validator lands: each
/// profile's invariants (FHIRPath) hold on its valid examples and fail on the invalid examples that name
/// them, and each invalid example's witness expression tells it apart from the valid ones.
/// </summary>
public class ExampleTests
{
    public static IEnumerable<object[]> Expectations() =>
        File.ReadAllLines(System.IO.Path.Combine(ProfilesFolder.Root, "examples", "invalid", "expected-issues.ndjson"))
            .Where(l => l.Trim().Length > 0)
            .Select(l => new object[] { JsonDocument.Parse(l).RootElement.GetProperty("file").GetString()! });

    [Fact]
    public void Every_invalid_example_has_exactly_one_expectation_and_every_expectation_a_file()
    {
        var expected = Expectations().Select(e => (string)e[0]).ToList();
        Assert.Equal(expected.Count, expected.Distinct().Count());
        Assert.Equal(ProfilesFolder.InvalidExamples.Select(System.IO.Path.GetFileName).Order(), expected.Order());
    }

    [Fact]
    public void Every_profile_has_a_valid_example_and_several_invalid_ones()
    {
        var profiles = ConformanceResourceTests.StructureDefinitions()
            .Where(p => p.Value.GetProperty("kind").GetString() == "resource").Select(p => p.Key).ToList();
        Assert.Equal(8, profiles.Count);
        var invalid = ReadExpectations().GroupBy(e => e.Profile).ToDictionary(g => g.Key, g => g.Count());
        foreach (var profile in profiles)
        {
            Assert.NotEmpty(ValidExamplesOf(profile));
            Assert.True(invalid.GetValueOrDefault(profile) >= (profile.EndsWith("prior-line-ttp", StringComparison.Ordinal) ? 1 : 3), $"{profile} has too few invalid examples");
        }
    }

    [Fact]
    public void Every_invariant_compiles_and_holds_on_every_valid_example_of_its_profile()
    {
        var checkedCount = 0;
        foreach (var (url, sd) in ConformanceResourceTests.StructureDefinitions())
        {
            // Warnings may fire on valid examples (a copy number reported as a Range); errors must not.
            foreach (var (key, expression, _) in Invariants(sd).Where(i => i.Severity == "error"))
            {
                var compiled = FhirPathCompiler.Compile(expression);
                foreach (var (file, resource) in ValidExamplesOf(url))
                {
                    Assert.True(compiled.EvaluateBoolean(resource) == true, $"{key} fails on {file}");
                    checkedCount++;
                }
            }
        }
        Assert.True(checkedCount >= 20, $"only {checkedCount} checks");
    }

    [Fact]
    public void A_copy_number_reported_as_a_range_raises_the_warning_invariant_and_a_single_value_does_not()
    {
        var sd = ProfilesFolder.Canonicals[ProfilesFolder.Base + "/StructureDefinition/mdm2-copy-number"];
        var (_, expression, severity) = Invariants(sd).Single(i => i.Key == "mdm2-3");
        Assert.Equal("warning", severity);
        var results = ValidExamplesOf(ProfilesFolder.Base + "/StructureDefinition/mdm2-copy-number")
            .ToDictionary(e => e.File, e => FhirPathCompiler.Compile(expression).EvaluateBoolean(e.Resource));
        Assert.False(results["Observation-mdm2-range-p002.json"]);
        Assert.True(results["Observation-mdm2-p001.json"]);
    }

    [Theory]
    [MemberData(nameof(Expectations))]
    public void An_invalid_example_breaks_the_invariants_it_names_and_its_witness_tells_it_from_the_valid_ones(string file)
    {
        var expectation = ReadExpectations().Single(e => e.File == file);
        var resource = ProfilesFolder.ReadResource(System.IO.Path.Combine(ProfilesFolder.Root, "examples", "invalid", file));
        Assert.Equal(expectation.Profile, Assert.Single(resource.Child("meta")!.ChildrenNamed("profile")).Value);
        Assert.NotEmpty(expectation.Issues);
        Assert.Contains(expectation.Issues, i => i.Severity == "error");
        Assert.All(expectation.Issues, i => Assert.StartsWith(resource.Type.Name, i.Expression, StringComparison.Ordinal));

        var invariants = Invariants(ProfilesFolder.Canonicals[expectation.Profile]).ToDictionary(i => i.Key, i => i.Expression);
        foreach (var issue in expectation.Issues.Where(i => i.Code == "invariant"))
        {
            Assert.True(invariants.TryGetValue(issue.Key!, out var expression), $"{issue.Key} is not an invariant of {expectation.Profile}");
            Assert.True(FhirPathCompiler.Compile(expression).EvaluateBoolean(resource) == false, $"{issue.Key} holds on {file}");
        }

        var witness = FhirPathCompiler.Compile(expectation.Witness);
        Assert.True(witness.EvaluateBoolean(resource) == false, $"the witness holds on {file}");
        foreach (var (valid, example) in ValidExamplesOf(expectation.Profile))
        {
            Assert.True(witness.EvaluateBoolean(example) == true, $"the witness of {file} fails on the valid {valid}");
        }
    }

    internal static IEnumerable<(string File, ElementNode Resource)> ValidExamplesOf(string profile) =>
        ProfilesFolder.ValidExamples
            .Select(f => (File: System.IO.Path.GetFileName(f), Resource: ProfilesFolder.ReadResource(f)))
            .Where(e => e.Resource.Child("meta")?.ChildrenNamed("profile").Any(p => (string?)p.Value == profile) == true);

    private static IEnumerable<(string Key, string Expression, string Severity)> Invariants(JsonElement sd) =>
        sd.GetProperty("differential").GetProperty("element").EnumerateArray()
            .Where(e => e.TryGetProperty("constraint", out _))
            .SelectMany(e => e.GetProperty("constraint").EnumerateArray())
            .Select(c => (c.GetProperty("key").GetString()!, c.GetProperty("expression").GetString()!, c.GetProperty("severity").GetString()!));

    private sealed record ExpectedIssue(string Severity, string Code, string Expression, string? Key);

    private sealed record Expectation(string File, string Profile, IReadOnlyList<ExpectedIssue> Issues, string Witness);

    private static IEnumerable<Expectation> ReadExpectations() =>
        File.ReadAllLines(System.IO.Path.Combine(ProfilesFolder.Root, "examples", "invalid", "expected-issues.ndjson"))
            .Where(l => l.Trim().Length > 0)
            .Select(l =>
            {
                var e = JsonDocument.Parse(l).RootElement;
                var issues = e.GetProperty("issues").EnumerateArray().Select(i => new ExpectedIssue(
                    i.GetProperty("severity").GetString()!, i.GetProperty("code").GetString()!, i.GetProperty("expression").GetString()!,
                    i.TryGetProperty("key", out var k) ? k.GetString() : null)).ToList();
                return new Expectation(e.GetProperty("file").GetString()!, e.GetProperty("profile").GetString()!, issues, e.GetProperty("witness").GetString()!);
            });
}
