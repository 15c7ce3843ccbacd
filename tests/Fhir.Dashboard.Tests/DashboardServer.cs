using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Fhir.Server.Security;
using Fhir.Storage.Security;
using Fhir.Trials.Generation;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Fhir.Dashboard.Tests;

/// <summary>
/// The real server on a loopback port (Kestrel, SMART mode, SQLite) holding a generated trial (40 patients, seed 7; or
/// <c>FHIR_DASHBOARD_PATIENTS</c>), with a seeding client, a read-only researcher and a patient-confined user, and one
/// Chromium for the test class.
/// </summary>
public class DashboardServer : IAsyncLifetime
{
    public const string Researcher = "researcher";
    public const string PatientUser = "patient-user";
    private const string Seeder = "seeder";

    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fhir-dashboard-" + Guid.NewGuid().ToString("N"));

    // FHIR_DASHBOARD_DB: a database file kept between runs (loaded on the first, reused after), for repeated measurements
    // of a large trial; by default each run loads a fresh one.
    private readonly string? _kept = Environment.GetEnvironmentVariable("FHIR_DASHBOARD_DB") is { Length: > 0 } db ? db : null;
    private readonly string _secret = Guid.NewGuid().ToString("N");
    private readonly Dictionary<string, string> _passwords = new() { [Researcher] = Guid.NewGuid().ToString("N"), [PatientUser] = Guid.NewGuid().ToString("N") };
    private WebApplicationFactory<Program>? _factory;
    private IPlaywright? _playwright;

    /// <summary>The server's origin (<c>http://127.0.0.1:port</c>).</summary>
    public string Origin { get; private set; } = "";

    /// <summary>A client of the FHIR base with the seeder's token (every resource, for expected values).</summary>
    public HttpClient Api { get; private set; } = null!;

    /// <summary>The browser; null when Chromium is absent (the tests are skipped then).</summary>
    public IBrowser? Browser { get; private set; }

    /// <summary>The basket study's logical id.</summary>
    public string StudyId { get; private set; } = "";

    /// <summary>The participants of the basket study (ResearchSubject ids) and their patients.</summary>
    public IReadOnlyList<(string Subject, string Patient)> Participants { get; private set; } = [];

    /// <summary>Participants of the generated trial.</summary>
    public virtual int Patients { get; } = int.TryParse(Environment.GetEnvironmentVariable("FHIR_DASHBOARD_PATIENTS"), out var n) ? n : 40;

    /// <summary>True for <c>Auth:Mode=None</c> (loopback, no sign-in); false for SMART with users.</summary>
    protected virtual bool Open => false;

    /// <summary>Where screenshots and measurements go (<c>FHIR_TEST_ARTIFACTS</c>, else <c>artifacts/</c> beside the tests).</summary>
    public static string Artifacts { get; } = Directory.CreateDirectory(
        Environment.GetEnvironmentVariable("FHIR_TEST_ARTIFACTS") is { Length: > 0 } a ? a : System.IO.Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    public string Password(string user) => _passwords[user];

    public async Task InitializeAsync()
    {
        if (Browsers.Chromium is null)
        {
            return;
        }
        Directory.CreateDirectory(_folder);
        var port = FreePort();
        Origin = $"http://127.0.0.1:{port}";
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Storage:Provider", "Sqlite");
            web.UseSetting("Storage:ConnectionString", $"Data Source={_kept ?? System.IO.Path.Combine(_folder, "fhir.db")}");
            web.UseSetting("Fhir:BaseUrl", Origin + "/fhir");
            web.UseSetting("Auth:Mode", Open ? "None" : "Smart");
            web.UseSetting("Audit:Enabled", "true");
            web.UseSetting("Auth:RequestsPerMinute", "0");
            web.UseSetting("Auth:AnonymousRequestsPerMinute", "0");
            web.UseSetting("Auth:TokenLifetimeSeconds", "3600");
            web.UseSetting("Auth:SigningKeyPath", System.IO.Path.Combine(_folder, "key.pem"));
            web.UseSetting("Auth:Clients:0:ClientId", Seeder);
            web.UseSetting("Auth:Clients:0:ClientSecret", _secret);
            web.UseSetting("Auth:Clients:0:Scopes", "system/*.cruds");
            web.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        _factory.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        _factory.StartServer();

        Api = new HttpClient { BaseAddress = new Uri(Origin + "/fhir/"), Timeout = TimeSpan.FromMinutes(5) };
        if (Open)
        {
            // Auth:Mode=None answers once the loopback check has run at start-up.
            for (var i = 0; i < 100 && (await Api.GetAsync("metadata")).StatusCode != HttpStatusCode.OK; i++)
            {
                await Task.Delay(100);
            }
        }
        else
        {
            using var token = await Api.PostAsync(Origin + "/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = Seeder, ["client_secret"] = _secret,
            }));
            var json = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement;
            Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", json.GetProperty("access_token").GetString());
        }
        var reuse = _kept is not null && File.Exists(_kept) && new FileInfo(_kept).Length > 1_000_000;
        var trial = TrialGenerator.Generate(new TrialGeneratorOptions { Patients = Patients, Seed = 7 });
        foreach (var bundle in reuse ? [] : trial.Bundles)
        {
            using var content = new ByteArrayContent(bundle.Json);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
            using var response = await Api.PostAsync("", content);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{bundle.FileName}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        var studies = await GetAsync($"ResearchStudy?identifier={trial.Summary.StudyIdentifier}");
        StudyId = studies.GetProperty("entry")[0].GetProperty("resource").GetProperty("id").GetString()!;
        var subjects = await GetAsync($"ResearchSubject?study=ResearchStudy/{StudyId}&_count=1000&_sort=_id");
        Participants = [.. subjects.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource")).Select(r =>
            (r.GetProperty("id").GetString()!, r.GetProperty("individual").GetProperty("reference").GetString()!["Patient/".Length..]))];

        // The users, once the patient of the confined one is known (AuthOptions is read on each sign-in).
        var auth = _factory.Services.GetRequiredService<AuthOptions>();
        auth.Users.Add(new UserOptions { UserName = Researcher, PasswordHash = PasswordHash.Create(_passwords[Researcher], 1_000), Scopes = "user/*.rs" });
        auth.Users.Add(new UserOptions
        {
            UserName = PatientUser, PasswordHash = PasswordHash.Create(_passwords[PatientUser], 1_000), Scopes = "patient/*.rs", Patient = Participants[0].Patient,
        });

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Browsers.Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>GET <paramref name="url"/> (relative to the FHIR base) with the seeder's token, asserting 200.</summary>
    public async Task<JsonElement> GetAsync(string url)
    {
        using var response = await Api.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public virtual async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        Api?.Dispose();
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The same server in <c>Auth:Mode=None</c> on loopback, with a small trial: the app must work without sign-in.</summary>
public sealed class OpenDashboardServer : DashboardServer
{
    public override int Patients => 12;

    protected override bool Open => true;
}
