using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fhir.Trials.Generation;

namespace Fhir.Trials.Tests.Support;

/// <summary>An in-process server (SQLite, no security) holding the generated 40-patient trial of seed 7, loaded once per test class.</summary>
public sealed class GeneratedTrialServer : IAsyncLifetime
{
    private readonly OpenTrialServer _server = new();

    /// <summary>A client whose base address is the FHIR base.</summary>
    public HttpClient Client => _server.Client;

    /// <summary>The generated trial.</summary>
    public GeneratedTrial Trial { get; } = TrialGenerator.Generate(new TrialGeneratorOptions { Patients = 40, Seed = 7 });

    /// <summary>The basket study's logical id.</summary>
    public string StudyId { get; private set; } = "";

    /// <summary>The registry-based study's logical id.</summary>
    public string RegistryId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        foreach (var bundle in Trial.Bundles)
        {
            var content = new ByteArrayContent(bundle.Json);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
            var response = await Client.PostAsync("", content);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{bundle.FileName}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        StudyId = await StudyAsync(Trial.Summary.StudyIdentifier);
        RegistryId = await StudyAsync(Trial.Summary.RegistryStudyIdentifier);
    }

    /// <summary>GET <paramref name="url"/> (relative to the FHIR base) as JSON, asserting 200.</summary>
    public async Task<JsonElement> GetAsync(string url)
    {
        var response = await Client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<string> StudyAsync(string identifier)
    {
        var bundle = await GetAsync("ResearchStudy?identifier=" + identifier);
        return bundle.GetProperty("entry")[0].GetProperty("resource").GetProperty("id").GetString()!;
    }
}
