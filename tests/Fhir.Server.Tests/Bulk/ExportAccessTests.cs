using System.Net;
using System.Text;
using System.Text.Json;
using Fhir.Server.Tests.Security;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Bulk;

/// <summary>
/// Bulk Data exports under SMART authorisation: the job reads as the client that asked (a patient-scoped token's export
/// holds its patient's compartment only; a type the token may not read is not exported), only that client sees the status
/// and files, a download needs a token that may still read the file's type, and every step is in the audit trail.
/// </summary>
public abstract class ExportAccessTests(ServerFixture server)
{
    private readonly SecureClient _client = new(server);

    private const string Mine = TestClients.LaunchPatient;
    private const string Theirs = "p2-bulk";

    private async Task SeedAsync()
    {
        foreach (var (url, body) in new[]
        {
            ($"Patient/{Mine}", $$"""{"resourceType":"Patient","id":"{{Mine}}"}"""),
            ($"Patient/{Theirs}", $$"""{"resourceType":"Patient","id":"{{Theirs}}"}"""),
            ("Observation/bulk-mine", Observation("bulk-mine", Mine)),
            ("Observation/bulk-theirs", Observation("bulk-theirs", Theirs)),
            ("Practitioner/bulk-dr", """{"resourceType":"Practitioner","id":"bulk-dr"}"""),
            ("Group/bulk-both", $$$"""{"resourceType":"Group","id":"bulk-both","type":"person","actual":true,"member":[{"entity":{"reference":"Patient/{{{Mine}}}"}},{"entity":{"reference":"Patient/{{{Theirs}}}"}}]}"""),
        })
        {
            using var response = await _client.SendAsAsync(TestClients.Seeder, HttpMethod.Put, url, body);
            Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    private static string Observation(string id, string patient) =>
        $$$"""{"resourceType":"Observation","id":"{{{id}}}","status":"final","code":{"text":"bulk"},"subject":{"reference":"Patient/{{{patient}}}"}}""";

    private async Task<BulkClient> As(string client, string? scope = null) => new(server.Client, await _client.TokenAsync(client, scope));

    private static IEnumerable<string> Ids(Dictionary<string, List<JsonElement>> byType, string type) => byType.GetValueOrDefault(type)?.Select(r => r.Id()) ?? [];

    [Fact]
    public async Task A_patient_scoped_tokens_export_holds_its_patients_compartment_only_at_every_level()
    {
        await SeedAsync();
        var bulk = await As(TestClients.PatientApp);

        foreach (var url in new[] { "$export", "Patient/$export", "Group/bulk-both/$export" })
        {
            var byType = await bulk.ResourcesAsync(await bulk.ExportAsync(url));
            Assert.Equal([Mine], Ids(byType, "Patient"));
            Assert.DoesNotContain("bulk-theirs", Ids(byType, "Observation"));
            Assert.Contains("bulk-mine", Ids(byType, "Observation"));
            Assert.False(byType.ContainsKey("Practitioner"), url);
        }
    }

    [Fact]
    public async Task A_client_without_read_on_a_type_gets_nothing_of_it_and_asking_for_it_is_403()
    {
        await SeedAsync();
        var observationsOnly = await As(TestClients.Researcher, "system/Observation.rs");

        var byType = await observationsOnly.ResourcesAsync(await observationsOnly.ExportAsync("$export"));
        Assert.Equal(["Observation"], byType.Keys);
        Assert.Contains("bulk-theirs", Ids(byType, "Observation"));

        using var refused = await observationsOnly.SendAsync(HttpMethod.Get, "$export?_type=Observation,Patient");
        await refused.ExpectAsync(HttpStatusCode.Forbidden);
        using var chain = await observationsOnly.SendAsync(HttpMethod.Get, "$export?_type=Observation&_typeFilter=" + Uri.EscapeDataString("Observation?subject:Patient.name=x"));
        await chain.ExpectAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Only_the_client_that_started_an_export_sees_its_status_and_files_and_downloads_need_a_token_for_the_type()
    {
        await SeedAsync();
        var researcher = await As(TestClients.Researcher);
        var status = await researcher.KickOffAsync("$export?_type=Patient,Observation");
        var manifest = await researcher.WaitAsync(status);
        var patientFile = manifest.GetProperty("output").EnumerateArray().First(o => o.GetProperty("type").GetString() == "Patient").GetProperty("url").GetString()!;
        var observationFile = manifest.GetProperty("output").EnumerateArray().First(o => o.GetProperty("type").GetString() == "Observation").GetProperty("url").GetString()!;

        var other = await As(TestClients.Ehr);
        foreach (var (method, url) in new[] { (HttpMethod.Get, status), (HttpMethod.Get, patientFile), (HttpMethod.Delete, status) })
        {
            using var response = await other.SendAsync(method, url, prefer: null, accept: null);
            await response.ExpectAsync(HttpStatusCode.NotFound);
        }
        using (var anonymous = await new BulkClient(server.Client).SendAsync(HttpMethod.Get, patientFile, prefer: null, accept: null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        // The same client with a token that no longer covers Patient.
        var narrowed = await As(TestClients.Researcher, "system/Observation.rs");
        using (var forbidden = await narrowed.SendAsync(HttpMethod.Get, patientFile, prefer: null, accept: null))
        {
            await forbidden.ExpectAsync(HttpStatusCode.Forbidden);
        }
        Assert.NotEmpty(await narrowed.DownloadAsync(observationFile));
        Assert.NotEmpty(await researcher.DownloadAsync(patientFile));
    }

    [Fact]
    public async Task The_kick_off_each_poll_each_download_and_the_exports_completion_are_audited()
    {
        await SeedAsync();
        var started = DateTimeOffset.UtcNow.AddSeconds(-1);
        var researcher = await As(TestClients.Researcher);
        var status = await researcher.KickOffAsync("$export?_type=Patient");
        var manifest = await researcher.WaitAsync(status);
        await researcher.DownloadAsync(manifest.GetProperty("output")[0].GetProperty("url").GetString()!);
        var jobPath = "/fhir/_bulk/" + status[(status.LastIndexOf('/') + 1)..];

        using var response = await _client.SendAsAsync(TestClients.Auditor, HttpMethod.Get,
            "AuditEvent?_count=1000&_lastUpdated=ge" + Uri.EscapeDataString(started.ToString("yyyy-MM-ddTHH:mm:ss.fffZ")));
        var events = (await response.BodyAsync()).EntryResources();
        static string Description(JsonElement e) => e.GetProperty("entity")[0].GetProperty("description").GetString()!;
        static string Who(JsonElement e) => e.GetProperty("agent")[0].GetProperty("altId").GetString()!;

        static bool Names(JsonElement e, string reference) =>
            e.GetProperty("entity").EnumerateArray().Any(x => x.TryGetProperty("what", out var what) && what.GetProperty("reference").GetString() == reference);
        var kickOff = Assert.Single(events, e => Description(e) == "GET /fhir/$export" && Names(e, jobPath["/fhir/".Length..]));
        Assert.Equal(TestClients.Researcher, Who(kickOff));
        Assert.Contains(events, e => Description(e) == "GET " + jobPath && Who(e) == TestClients.Researcher);
        Assert.Contains(events, e => Description(e).StartsWith("GET " + jobPath + "/Patient.", StringComparison.Ordinal));
        var completed = Assert.Single(events, e => Description(e) == "JOB " + jobPath);
        Assert.Equal(TestClients.Researcher, Who(completed));
        var query = Encoding.UTF8.GetString(Convert.FromBase64String(completed.GetProperty("entity")[0].GetProperty("query").GetString()!));
        Assert.StartsWith("export completed:", query);
    }
}

public sealed class ExportAccessTestsOnSqlite(SecureBulkSqliteServer server) : ExportAccessTests(server), IClassFixture<SecureBulkSqliteServer>;

public sealed class ExportAccessTestsOnPostgres(SecureBulkPostgresServer server) : ExportAccessTests(server), IClassFixture<SecureBulkPostgresServer>;
