using System.Text.Json;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Validation.Conformance;

namespace Fhir.Validation.Tests.TrialProfiles;

/// <summary>
/// Issue 19: the trial's PRO-CTCAE-style questionnaire (<c>profiles/Questionnaire-pro-ctcae-ae.json</c>) loaded with the
/// profiles, against its example responses (<c>profiles/examples/questionnaire-responses</c>): the valid ones validate
/// without errors, each invalid one fails with the errors its <c>expected-issues.ndjson</c> line states.
/// </summary>
public sealed class ProQuestionnaireTests
{
    private static readonly Lazy<(ConformanceSet Set, ResourceValidator Validator)> Loaded = new(() =>
    {
        var set = new ConformanceSetBuilder().AddDefinitions(Repository.Profiles).Build();
        return (set, new ResourceValidator(set));
    });

    private static string Folder(string kind) => System.IO.Path.Combine(Repository.Profiles, "examples", "questionnaire-responses", kind);

    public static TheoryData<string> Valid() =>
        [.. Directory.GetFiles(Folder("valid"), "*.json").Select(f => System.IO.Path.GetFileName(f)!).Order(StringComparer.Ordinal)];

    public static TheoryData<string> Invalid() =>
        [.. File.ReadLines(System.IO.Path.Combine(Folder("invalid"), "expected-issues.ndjson")).Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("file").GetString()!)];

    [Fact]
    public void The_questionnaire_loads_with_the_profiles_and_asks_about_the_five_AE_terms()
    {
        var questionnaire = Loaded.Value.Set.Find("http://trials.example.org/fhir/Questionnaire/pro-ctcae-ae");
        Assert.NotNull(questionnaire);
        var terms = questionnaire!.ChildrenNamed("item").SelectMany(i => i.ChildrenNamed("code")).Select(c => c.GetString("code")).ToList();
        Assert.Equal(["10035528", "10029366", "10002272", "10049182", "10012727"], terms);
        Assert.Equal(Invalid().Count, Directory.GetFiles(Folder("invalid"), "*.json").Length);
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public void A_valid_response_has_no_errors(string file)
    {
        var result = Loaded.Value.Validator.Validate(Read(System.IO.Path.Combine(Folder("valid"), file)));
        Assert.True(!result.HasErrors, file + ": " + string.Join("; ", result.Issues.Where(i => i.IsError).Select(i => $"{i.Expression}: {i.Message}")));
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_response_fails_with_the_errors_its_manifest_states(string file)
    {
        var entry = File.ReadLines(System.IO.Path.Combine(Folder("invalid"), "expected-issues.ndjson")).Select(l => JsonDocument.Parse(l).RootElement)
            .Single(e => e.GetProperty("file").GetString() == file);
        var result = Loaded.Value.Validator.Validate(Read(System.IO.Path.Combine(Folder("invalid"), file)));
        foreach (var expected in entry.GetProperty("issues").EnumerateArray())
        {
            var expression = expected.GetProperty("expression").GetString();
            var code = expected.GetProperty("code").GetString();
            Assert.True(result.Issues.Any(i => i.IsError && i.Expression == expression && i.Code.ToCode() == code),
                $"{file}: expected an error ({code}) at {expression}; got: " + string.Join("; ", result.Issues.Where(i => i.IsError).Select(i => $"{i.Code.ToCode()} {i.Expression}: {i.Message}")));
        }
        Assert.Equal(entry.GetProperty("issues").GetArrayLength(), result.Issues.Count(i => i.IsError));
    }

    private static Core.Model.ElementNode Read(string path)
    {
        var parsed = FhirJsonReader.Parse(File.ReadAllBytes(path));
        Assert.True(parsed.Resource is not null && !parsed.Issues.Any(i => i.IsError), path + " does not parse");
        return parsed.Resource!;
    }
}
