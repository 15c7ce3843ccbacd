using System.Text.Json;
using Fhir.Cli.Commands;

namespace Fhir.Validation.Tests.Cli;

public sealed class ValidateCommandTests
{
    private static string Valid(string file) => System.IO.Path.Combine(Repository.Profiles, "examples", "valid", file);

    private static string Invalid(string file) => System.IO.Path.Combine(Repository.Profiles, "examples", "invalid", file);

    [Fact]
    public void Valid_instances_exit_0_and_json_gives_one_line_per_file_with_counts_and_issues()
    {
        var (code, output, _) = Run([Valid("AdverseEvent-ae-p001-1.json"), Valid("ResearchStudy-rain-32.json")], json: true);
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, line =>
        {
            Assert.Equal(0, line.GetProperty("errors").GetInt32());
            Assert.Equal(line.GetProperty("warnings").GetInt32(), line.GetProperty("issues").EnumerateArray().Count(i => i.GetProperty("severity").GetString() == "warning"));
        });
        Assert.EndsWith("AdverseEvent-ae-p001-1.json", lines[0].GetProperty("file").GetString());
    }

    [Fact]
    public void An_instance_with_errors_exits_1_and_names_the_element()
    {
        var (code, output, _) = Run([Invalid("Observation-tp53-positive.json")], json: true);
        Assert.Equal(1, code);
        var line = JsonDocument.Parse(output.Trim()).RootElement;
        Assert.Equal(1, line.GetProperty("errors").GetInt32());
        var error = line.GetProperty("issues").EnumerateArray().Single(i => i.GetProperty("severity").GetString() == "error");
        Assert.Equal("Observation.valueCodeableConcept", error.GetProperty("expression").GetString());
        Assert.Equal("code-invalid", error.GetProperty("code").GetString());
    }

    [Fact]
    public void Profile_adds_a_profile_to_validate_against()
    {
        // A plain ResearchSubject without the trial's required period.start passes the base, not the trial profile.
        var folder = Directory.CreateTempSubdirectory("fhir-validate-cli-");
        var file = System.IO.Path.Combine(folder.FullName, "subject.json");
        File.WriteAllText(file, """{"resourceType":"ResearchSubject","status":"on-study","study":{"reference":"ResearchStudy/s"},"individual":{"reference":"Patient/p"}}""");
        Assert.Equal(0, Run([file], json: false).Code);
        Assert.Equal(1, Run([file], json: false, profile: "http://trials.example.org/fhir/StructureDefinition/study-participant").Code);
        folder.Delete(recursive: true);
    }

    [Fact]
    public void Unusable_arguments_exit_2()
    {
        Assert.Equal(2, Run(["/no/such/file.json"], json: false).Code);
        Assert.Equal(2, Run([Valid("ResearchStudy-rain-32.json")], json: false, profile: "http://example.org/unknown-profile").Code);
    }

    private static (int Code, string Output, string Error) Run(string[] inputs, bool json, string? profile = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = ValidateCommand.Run(inputs, profile, [], [Repository.Profiles], json, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
