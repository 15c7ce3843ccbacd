using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Security.Confinement;

/// <summary>
/// The clients of the independent attack (issue 12), a mixed grant (patient scopes plus a system scope on one type)
/// and the seeder that writes the test data. Secrets are made afresh for each run.
/// </summary>
public static class AttackClients
{
    public const string PatientApp = "patientapp";
    public const string PatientRw = "patientrw";
    public const string ObsRead = "obsread";
    public const string ObsOnly = "obsonly";
    public const string Researcher = "researcher";
    public const string Mixed = "mixed";
    public const string Seeder = "seeder";

    /// <summary>The launch patient of the patient-scoped clients.</summary>
    public const string LaunchPatient = "pat-a";

    public static readonly IReadOnlyDictionary<string, string> Scopes = new Dictionary<string, string>
    {
        [PatientApp] = "patient/*.rs",
        [PatientRw] = "patient/*.cruds",
        [ObsRead] = "system/Observation.rs",
        [ObsOnly] = "system/Observation.cruds",
        [Researcher] = "system/*.rs",
        [Mixed] = "patient/*.rs system/Practitioner.rs",
        [Seeder] = "system/*.cruds",
    };

    /// <summary>The clients under attack (every one but the seeder).</summary>
    public static IEnumerable<string> Attackers => Scopes.Keys.Where(k => k != Seeder);

    private static readonly Dictionary<string, string> Secrets = Scopes.Keys.ToDictionary(k => k, _ => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));

    public static IEnumerable<KeyValuePair<string, string>> Settings() =>
        TestClients.SmartSettings(Scopes.Select(c => new TestClients.ClientSetting(c.Key, c.Value, ("ClientSecret", Secrets[c.Key]),
            c.Value.Contains("patient/", StringComparison.Ordinal) ? LaunchPatient : null)));

    internal static string Secret(string client) => Secrets[client];
}

/// <summary>A SQLite server with the attack's clients.</summary>
public sealed class AttackSqliteServer : SqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => AttackClients.Settings();
}

/// <summary>A PostgreSQL server with the attack's clients.</summary>
public sealed class AttackPostgresServer : PostgresServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => AttackClients.Settings();
}

/// <summary>What a request got back.</summary>
public sealed record Observed(int Status, string Body);

/// <summary>One HTTP request of an attack, relative to the FHIR base.</summary>
public sealed record AttackRequest(string Method, string Url, string? Body = null, string ContentType = "application/fhir+json", IReadOnlyDictionary<string, string>? Headers = null)
{
    public override string ToString() => $"{Method} {Url}" + (Headers is null ? "" : " " + string.Join(" ", Headers.Select(h => $"[{h.Key}: {h.Value}]"))) + (Body is null ? "" : " " + (Body.Length > 160 ? Body[..160] + "…" : Body));
}

/// <summary>Sends requests as the attack's clients (tokens by client_secret_post, cached).</summary>
public sealed class AttackClient(ServerFixture server)
{
    private readonly SecureClient _tokens = new(server, AttackClients.Secret);

    public ServerFixture Server => server;

    public Task<string> TokenAsync(string client) => _tokens.TokenAsync(client);

    public async Task<Observed> SendAsync(string client, AttackRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Url);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(client));
        if (request.Body is not null)
        {
            message.Content = new StringContent(request.Body, Encoding.UTF8);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue(request.ContentType);
        }
        foreach (var (name, value) in request.Headers ?? new Dictionary<string, string>())
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await server.Client.SendAsync(message);
        return new Observed((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Sends as the seeder and insists on success.</summary>
    public async Task<JsonElement> SeedAsync(AttackRequest request)
    {
        var observed = await SendAsync(AttackClients.Seeder, request);
        Assert.True(observed.Status is >= 200 and < 300, $"seeding {request}: {observed.Status} {observed.Body}");
        return observed.Body.Length == 0 ? default : JsonDocument.Parse(observed.Body).RootElement.Clone();
    }
}
