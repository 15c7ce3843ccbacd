extern alias server;

using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fhir.Trials.Generation;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Fhir.Trials.Tests.Support;

/// <summary>An in-process server (SQLite, no security) holding the generated 40-patient trial of seed 7, loaded once per test class.</summary>
public sealed class GeneratedTrialServer : IAsyncLifetime
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "trial-40-7-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<server::Program>? _factory;

    /// <summary>A client whose base address is the FHIR base.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The generated trial.</summary>
    public GeneratedTrial Trial { get; } = TrialGenerator.Generate(new TrialGeneratorOptions { Patients = 40, Seed = 7 });

    /// <summary>The basket study's logical id.</summary>
    public string StudyId { get; private set; } = "";

    /// <summary>The registry-based study's logical id.</summary>
    public string RegistryId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _factory = new WebApplicationFactory<server::Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Storage:Provider", "Sqlite");
            web.UseSetting("Auth:Mode", "None");
            web.UseSetting("Audit:Enabled", "false");
            web.UseSetting("Auth:RequestsPerMinute", "0");
            web.UseSetting("Auth:SigningKeyPath", System.IO.Path.Combine(_folder, "key.pem"));
            web.UseSetting("Storage:ConnectionString", $"Data Source={System.IO.Path.Combine(_folder, "fhir.db")}");
        });
        Client = _factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/fhir/") });
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

    public async Task DisposeAsync()
    {
        Client.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task<string> StudyAsync(string identifier)
    {
        var bundle = await GetAsync("ResearchStudy?identifier=" + identifier);
        return bundle.GetProperty("entry")[0].GetProperty("resource").GetProperty("id").GetString()!;
    }
}
