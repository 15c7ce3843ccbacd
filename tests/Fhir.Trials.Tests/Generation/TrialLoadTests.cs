using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fhir.Trials.Generation;
using Fhir.Trials.Tests.Support;

namespace Fhir.Trials.Tests.Generation;

/// <summary>End to end: a generated trial posted to an in-process server (SQLite) loads, reads back, and re-loads without duplicates.</summary>
public sealed class TrialLoadTests : IAsyncLifetime
{
    private readonly OpenTrialServer _server = new();
    private HttpClient Client => _server.Client;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_generated_trial_loads_reads_back_and_reloads_without_duplicates()
    {
        var trial = TrialGenerator.Generate(new TrialGeneratorOptions { Patients = 20, Seed = 5 });
        Assert.True(trial.Summary.RegistryParticipants > 0, "the seed gives no patient in both studies");
        foreach (var bundle in trial.Bundles)
        {
            await PostAsync(bundle);
        }
        var s = trial.Summary;
        Assert.Equal(1, await CountAsync("ResearchStudy?identifier=http://trials.example.org/fhir/identifiers/study|" + s.StudyIdentifier));
        Assert.Equal(1, await CountAsync("ResearchStudy?identifier=http://trials.example.org/fhir/identifiers/study|" + s.RegistryStudyIdentifier));
        Assert.Equal(20, await CountAsync("Patient"));
        Assert.Equal(s.Enrolled + s.RegistryParticipants, await CountAsync("ResearchSubject"));
        Assert.Equal(s.AdverseEvents, await CountAsync("AdverseEvent"));
        Assert.Equal(s.Deaths, (await SearchAsync("Patient")).Count(p => p.TryGetProperty("deceasedDateTime", out _)));
        string[] types = ["Patient", "ResearchStudy", "Organization", "ResearchSubject", "AdverseEvent", "Observation", "MedicationAdministration", "Encounter"];
        var stored = 0;
        foreach (var type in types)
        {
            stored += await CountAsync(type);
        }
        Assert.Equal(s.Resources, stored);

        // The conditional references reached the studies and the laboratory, and urn:uuid references the patient, as the server resolved them.
        var studyId = (await SearchAsync("ResearchStudy?identifier=" + s.StudyIdentifier)).Single().GetProperty("id").GetString();
        var registryId = (await SearchAsync("ResearchStudy?identifier=" + s.RegistryStudyIdentifier)).Single().GetProperty("id").GetString();
        Assert.Equal(s.Enrolled, await CountAsync($"ResearchSubject?study=ResearchStudy/{studyId}"));
        Assert.Equal(s.RegistryParticipants, await CountAsync($"ResearchSubject?study=ResearchStudy/{registryId}"));
        Assert.Equal(s.AdverseEvents, await CountAsync($"AdverseEvent?study=ResearchStudy/{studyId}") + await CountAsync($"AdverseEvent?study=ResearchStudy/{registryId}"));
        var laboratory = (await SearchAsync("Organization")).Single().GetProperty("id").GetString();
        Assert.Equal(await CountAsync("Observation?code=http://loinc.org|69548-6&performer:missing=false"), await CountAsync($"Observation?performer=Organization/{laboratory}"));
        var subject = (await SearchAsync("ResearchSubject")).First();
        var patient = subject.GetProperty("individual").GetProperty("reference").GetString()!;
        Assert.StartsWith("Patient/", patient, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(patient)).StatusCode);
        // The R4 composite parameter finds the amplified patients.
        Assert.True(await CountAsync("Observation?code=http://loinc.org|69548-6&component-code-value-quantity=http://loinc.org|82155-3$ge8") >= s.Enrolled);

        // Both studies' operations run on the loaded data: each counts only its own participants.
        using (var endpoints = JsonDocument.Parse(await Client.GetStringAsync($"ResearchStudy/{studyId}/$endpoints?arm=all&population=treated")))
        {
            var all = endpoints.RootElement.GetProperty("parameter")[0].GetProperty("part");
            Assert.Equal(s.Enrolled, all.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "enrolled").GetProperty("valueInteger").GetInt32());
            Assert.Equal(s.Treated, all.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "treated").GetProperty("valueInteger").GetInt32());
        }
        using (var endpoints = JsonDocument.Parse(await Client.GetStringAsync($"ResearchStudy/{registryId}/$endpoints?arm=all")))
        {
            var all = endpoints.RootElement.GetProperty("parameter")[0].GetProperty("part");
            Assert.Equal(s.RegistryParticipants, all.EnumerateArray().Single(p => p.GetProperty("name").GetString() == "treated").GetProperty("valueInteger").GetInt32());
        }

        // A second load of the same files is a no-op: every entry matches its identifier.
        foreach (var bundle in trial.Bundles)
        {
            await PostAsync(bundle);
        }
        Assert.Equal(20, await CountAsync("Patient"));
        Assert.Equal(s.Enrolled + s.RegistryParticipants, await CountAsync("ResearchSubject"));
        Assert.Equal(s.AdverseEvents, await CountAsync("AdverseEvent"));
        Assert.Equal(2, await CountAsync("ResearchStudy"));
        Assert.Equal(1, await CountAsync("Organization"));
    }

    private async Task PostAsync(GeneratedBundle bundle)
    {
        var content = new ByteArrayContent(bundle.Json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
        var response = await Client.PostAsync("", content);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{bundle.FileName}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<int> CountAsync(string query) => (await SearchAsync(query)).Count;

    private async Task<List<JsonElement>> SearchAsync(string query)
    {
        var separator = query.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        using var doc = JsonDocument.Parse(await Client.GetStringAsync($"{Escape(query)}{separator}_count=1000"));
        Assert.False(doc.RootElement.TryGetProperty("link", out var links) && links.EnumerateArray().Any(l => l.GetProperty("relation").GetString() == "next"), "more than one page");
        return doc.RootElement.TryGetProperty("entry", out var entries)
            ? entries.EnumerateArray().Select(e => e.GetProperty("resource").Clone()).ToList()
            : [];
    }

    // '|' and '$' are sent percent-encoded, as a client library would.
    private static string Escape(string query) => query.Replace("|", "%7C", StringComparison.Ordinal).Replace("$", "%24", StringComparison.Ordinal);
}
