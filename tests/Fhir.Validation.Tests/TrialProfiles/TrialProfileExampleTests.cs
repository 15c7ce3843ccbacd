using System.Text.Json;
using Fhir.Core.Json;
using Fhir.Core.Outcomes;
using Fhir.Validation.Conformance;

namespace Fhir.Validation.Tests.TrialProfiles;

/// <summary>
/// The trial's profiles in <c>profiles/</c>, loaded as the server loads them (snapshots generated
/// from the differentials, the Genomics Reporting package beside them), against their examples:
/// every valid example validates without errors, and every invalid one fails with the errors that
/// <c>examples/invalid/expected-issues.ndjson</c> states.
/// </summary>
public sealed class TrialProfileExampleTests
{
    private static readonly Lazy<(ConformanceSet Set, ResourceValidator Validator)> Loaded = new(() =>
    {
        var set = new ConformanceSetBuilder().AddDefinitions(ProfilesFolder()).Build();
        return (set, new ResourceValidator(set));
    });

    public static TheoryData<string> ValidExamples() =>
        [.. Directory.GetFiles(System.IO.Path.Combine(ProfilesFolder(), "examples", "valid"), "*.json").Select(f => System.IO.Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    public static TheoryData<string> InvalidExamples() =>
        [.. File.ReadLines(Manifest()).Where(l => l.Trim().Length > 0).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("file").GetString()!)];

    [Fact]
    public void The_profiles_folder_loads_without_errors()
    {
        Assert.DoesNotContain(Loaded.Value.Set.LoadIssues, i => i.IsError);
        foreach (var profile in new[] { "trial-study", "study-participant", "mdm2-copy-number", "tp53-status", "ctcae-adverse-event", "tumour-response" })
        {
            Assert.NotNull(Loaded.Value.Set.Find("http://trials.example.org/fhir/StructureDefinition/" + profile));
        }
    }

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public void A_valid_example_validates_against_its_profiles_without_errors(string file)
    {
        var resource = Read(System.IO.Path.Combine(ProfilesFolder(), "examples", "valid", file));
        Assert.NotEmpty(resource.ChildrenNamed("meta").SelectMany(m => m.ChildrenNamed("profile")));
        var result = Loaded.Value.Validator.Validate(resource);
        Assert.True(!result.HasErrors, file + ": " + string.Join("; ", result.Issues.Where(i => i.IsError).Select(i => $"{i.Expression}: {i.Message}")));
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public void An_invalid_example_fails_with_the_errors_its_manifest_states(string file)
    {
        var entry = File.ReadLines(Manifest()).Select(l => JsonDocument.Parse(l).RootElement).Single(e => e.GetProperty("file").GetString() == file);
        var resource = Read(System.IO.Path.Combine(ProfilesFolder(), "examples", "invalid", file));
        var result = Loaded.Value.Validator.Validate(resource, [entry.GetProperty("profile").GetString()!]);
        foreach (var expected in entry.GetProperty("issues").EnumerateArray().Where(i => i.GetProperty("severity").GetString() == "error"))
        {
            var expression = expected.GetProperty("expression").GetString()!;
            var key = expected.TryGetProperty("key", out var k) ? k.GetString() : null;
            Assert.True(
                result.Issues.Any(i => i.IsError && Matches(i, expression) && (key is null || i.Message.Contains(key, StringComparison.Ordinal))),
                $"{file}: expected an error at {expression}{(key is null ? "" : " (" + key + ")")}; got: " +
                string.Join("; ", result.Issues.Where(i => i.Severity <= IssueSeverity.Warning).Select(i => $"{i.Severity} {i.Expression}: {i.Message}")));
        }
    }

    // The manifest names the element; the validator may point inside it (an index, a slice's child).
    private static bool Matches(Issue issue, string expression) =>
        issue.Expression is { } at && (at == expression || at.StartsWith(expression + "[", StringComparison.Ordinal) || at.StartsWith(expression + ".", StringComparison.Ordinal)
            || Unindexed(at) == Unindexed(expression) || Unindexed(at).StartsWith(Unindexed(expression) + ".", StringComparison.Ordinal));

    private static string Unindexed(string expression) => System.Text.RegularExpressions.Regex.Replace(expression, @"\[\d+\]", "");

    private static Core.Model.ElementNode Read(string path)
    {
        var parsed = FhirJsonReader.Parse(File.ReadAllBytes(path));
        Assert.True(parsed.Resource is not null, path + " does not parse");
        return parsed.Resource!;
    }

    private static string Manifest() => System.IO.Path.Combine(ProfilesFolder(), "examples", "invalid", "expected-issues.ndjson");

    private static string ProfilesFolder() => Repository.Profiles;
}
