using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Deployment;

/// <summary>
/// Issue 16 items 8 and 10, with a real published server started from another folder: the publish output carries the
/// trial's profiles and packages, the server finds them beside itself, says in one start-up summary what it loaded,
/// warns when there is no profiles folder, and logs JSON when asked to.
/// </summary>
public sealed class PublishedServerTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("fhir-published-").FullName;

    // The server built beside these tests, published without building again.
    private async Task<string> PublishAsync()
    {
        var output = System.IO.Path.Combine(_scratch, "server");
        var publish = await ChildProcess.RunAsync("dotnet",
            ["publish", System.IO.Path.Combine(Repository.Root, "src", "Fhir.Server"), "-c", ServerProcess.Configuration, "--no-build", "-o", output],
            Repository.Root, TimeSpan.FromMinutes(5), ChildProcess.DotnetEnvironment(_scratch));
        Assert.True(publish.ExitCode == 0, publish.ToString());
        return output;
    }

    private static Dictionary<string, string> Settings(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string> { ["Auth__Mode"] = "None", ["Audit__Enabled"] = "false" };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }
        return settings;
    }

    [Fact]
    public async Task Issue16_item8_a_published_server_started_from_another_folder_validates_with_the_trials_profiles()
    {
        var folder = await PublishAsync();
        // What the publish output holds: the trial's conformance resources and its packages, beside the server.
        foreach (var expected in new[] { "Fhir.Server.dll", "appsettings.json", "profiles/StructureDefinition-ctcae-adverse-event.json",
                     "profiles/SearchParameter-observation-copy-number.json", "profiles/packages/hl7.fhir.uv.genomics-reporting-3.0.0.tgz",
                     "profiles/packages/hl7.fhir.uv.extensions.r4-5.3.0-ballot-tc1.tgz" })
        {
            Assert.True(File.Exists(System.IO.Path.Combine(folder, expected)), expected);
        }
        Assert.False(Directory.Exists(System.IO.Path.Combine(folder, "profiles", "examples")));

        // Started from an empty folder elsewhere: no ./profiles there, no Fhir:ProfilesPath.
        var elsewhere = Directory.CreateDirectory(System.IO.Path.Combine(_scratch, "elsewhere")).FullName;
        await using var server = await ServerProcess.StartAsync(System.IO.Path.Combine(folder, "Fhir.Server.dll"),
            Settings(("Logging__LogLevel__Default", "Information")), elsewhere);

        // An AdverseEvent that declares the CTCAE profile and lacks its grade: only the profile makes it an error.
        var invalid = await File.ReadAllTextAsync(System.IO.Path.Combine(Repository.Profiles, "examples", "invalid", "AdverseEvent-ae-no-grade.json"));
        using var refused = await server.Client.PostAsync("AdverseEvent", ServerFixture.Json(invalid));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("ctcaeGrade", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The trial's search parameters are in force: copy-number is a known parameter.
        using var search = await server.Client.GetAsync("Observation?copy-number=ge8");
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.DoesNotContain("not supported", await search.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        // One summary, naming the folder beside the server and what it gave; nothing about a missing folder, no "(null)".
        var log = server.Output;
        var summary = Assert.Single(log.Split('\n'), l => l.Contains("FHIR server started", StringComparison.Ordinal));
        // The counts are the trial's files (profiles/<Type>-*.json in the repository), whatever their number is now.
        int Files(string type) => Directory.GetFiles(Repository.Profiles, type + "-*.json").Length;
        Assert.Contains($"Profiles folder {System.IO.Path.Combine(folder, "profiles")}: StructureDefinition {Files("StructureDefinition")}, "
            + $"ValueSet {Files("ValueSet")}, CodeSystem {Files("CodeSystem")}, Questionnaire {Files("Questionnaire")}, SearchParameter {Files("SearchParameter")}",
            summary, StringComparison.Ordinal);
        Assert.Contains("hl7.fhir.uv.genomics-reporting#3.0.0", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("profiles folder was not found", log, StringComparison.Ordinal);
        Assert.DoesNotContain("(null)", log, StringComparison.Ordinal);
        // The missing terminology package both packages depend on: one line, once.
        Assert.Single(log.Split('\n'), l => l.Contains("hl7.terminology.r4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Issue16_item8_a_server_without_a_profiles_folder_says_so_and_logs_json_when_asked()
    {
        var folder = await PublishAsync();
        Directory.Delete(System.IO.Path.Combine(folder, "profiles"), recursive: true);
        var elsewhere = Directory.CreateDirectory(System.IO.Path.Combine(_scratch, "elsewhere")).FullName;
        await using var server = await ServerProcess.StartAsync(System.IO.Path.Combine(folder, "Fhir.Server.dll"),
            Settings(("Logging__LogLevel__Default", "Information"), ("Logging__Console__FormatterName", "json")), elsewhere);
        using var check = await server.Client.GetAsync("metadata");
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);

        // Issue 16 item 10: with the JSON formatter every line is one JSON object, with the message's fields apart.
        var entries = server.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var warning = Assert.Single(entries, e => e.GetProperty("Message").GetString()!.Contains("profiles folder was not found", StringComparison.Ordinal));
        Assert.Equal("Warning", warning.GetProperty("LogLevel").GetString());
        Assert.Contains("Fhir:ProfilesPath", warning.GetProperty("Message").GetString(), StringComparison.Ordinal);
        var summary = Assert.Single(entries, e => e.GetProperty("Message").GetString()!.StartsWith("FHIR server started", StringComparison.Ordinal));
        Assert.Equal(0, summary.GetProperty("State").GetProperty("StructureDefinitions").GetInt32());
        Assert.Equal("(none)", summary.GetProperty("State").GetProperty("ProfilesFolder").GetString());
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
