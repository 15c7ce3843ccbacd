using System.Net;
using System.Text;
using System.Text.Json;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Security;

/// <summary>
/// System-level search under SMART scopes: without <c>_type</c> it covers only the types the token may search; with
/// <c>_type</c> every listed type (and every type a chain reaches) needs search; patient-scoped tokens see their
/// patient's compartment only.
/// </summary>
public abstract class SystemSearchAccessTests(ServerFixture server) : IAsyncLifetime
{
    private readonly SecureClient _client = new(server);
    private readonly string _run = Guid.NewGuid().ToString("N")[..10];

    private string Tag => "urn:sys-access|" + _run;

    public async Task InitializeAsync()
    {
        var meta = $$"""{"tag":[{"system":"urn:sys-access","code":"{{_run}}"}]}""";
        foreach (var (url, json) in new[]
        {
            ($"Patient/{_run}-p", $$"""{"resourceType":"Patient","id":"{{_run}}-p","meta":{{meta}}}"""),
            ($"Practitioner/{_run}-dr", $$"""{"resourceType":"Practitioner","id":"{{_run}}-dr","meta":{{meta}},"name":[{"family":"Who"}]}"""),
            ($"Observation/{_run}-o", $$$"""{"resourceType":"Observation","id":"{{{_run}}}-o","meta":{{{meta}}},"status":"final","code":{"text":"x"},"subject":{"reference":"Patient/{{{_run}}}-p"},"performer":[{"reference":"Practitioner/{{{_run}}}-dr"}]}"""),
        })
        {
            using var response = await _client.SendAsAsync(TestClients.Seeder, HttpMethod.Put, url, json);
            Assert.True(response.IsSuccessStatusCode, $"seed {url}: {response.StatusCode}");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Without_type_only_the_types_the_token_may_search_are_searched()
    {
        // The EHR may search Patient and Observation, not Practitioner.
        Assert.Equal([$"Observation/{_run}-o", $"Patient/{_run}-p"], await RefsAsync(TestClients.Ehr, $"?_tag={Tag}"));
        Assert.Equal([$"Observation/{_run}-o", $"Patient/{_run}-p", $"Practitioner/{_run}-dr"], await RefsAsync(TestClients.Researcher, $"?_tag={Tag}"));
        Assert.Equal(2, await TotalAsync(TestClients.Ehr, $"?_tag={Tag}&_summary=count"));
    }

    [Fact]
    public async Task The_audit_trail_is_searched_only_with_a_scope_that_names_it()
    {
        using (await _client.SendAsAsync(TestClients.Researcher, HttpMethod.Get, $"Patient?_id={_run}-p")) { }
        var trail = await BodyAsync(await _client.SendAsAsync(TestClients.Auditor, HttpMethod.Get, "AuditEvent?_count=1"), HttpStatusCode.OK);
        var auditId = trail.EntryResources()[0].Id();

        Assert.Empty(await RefsAsync(TestClients.Researcher, $"?_id={auditId}"));
        Assert.Equal([$"AuditEvent/{auditId}"], await RefsAsync(TestClients.Auditor, $"?_id={auditId}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(TestClients.Researcher, $"?_type=AuditEvent&_id={auditId}"));
    }

    [Fact]
    public async Task With_type_every_listed_type_must_be_searchable()
    {
        Assert.Equal([$"Observation/{_run}-o", $"Patient/{_run}-p"], await RefsAsync(TestClients.Ehr, $"?_type=Patient,Observation&_tag={Tag}"));

        var denied = await BodyAsync(await _client.SendAsAsync(TestClients.Ehr, HttpMethod.Get, $"?_type=Patient,Practitioner&_tag={Tag}"), HttpStatusCode.Forbidden);
        Assert.Contains("Practitioner", denied.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(TestClients.Ehr, $"?_type=Practitioner&_summary=count"));
    }

    [Fact]
    public async Task A_chain_from_a_listed_type_into_an_unsearchable_type_is_refused()
    {
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(TestClients.Ehr, $"?_type=Observation&performer:Practitioner.name=Who"));
        using var observationsOnly = await _client.SendAsync(await _client.TokenAsync(TestClients.Researcher, "system/Observation.rs"), HttpMethod.Get, $"?_type=Observation&subject:Patient._id={_run}-p");
        Assert.Equal(HttpStatusCode.Forbidden, observationsOnly.StatusCode);
        Assert.Equal([$"Observation/{_run}-o"], await RefsAsync(TestClients.Researcher, $"?_type=Observation&performer:Practitioner.name=Who&_tag={Tag}"));
    }

    [Fact]
    public async Task Patient_scoped_tokens_search_the_system_within_their_patients_compartment()
    {
        var own = $$$"""{"resourceType":"Observation","id":"{{{_run}}}-own","meta":{"tag":[{"system":"urn:sys-access","code":"{{{_run}}}"}]},"status":"final","code":{"text":"x"},"subject":{"reference":"Patient/{{{TestClients.LaunchPatient}}}"}}""";
        using (var seeded = await _client.SendAsAsync(TestClients.Seeder, HttpMethod.Put, $"Observation/{_run}-own", own))
        {
            Assert.True(seeded.IsSuccessStatusCode);
        }
        Assert.Equal([$"Observation/{_run}-own"], await RefsAsync(TestClients.PatientApp, $"?_tag={Tag}"));
        Assert.Equal([$"Observation/{_run}-own"], await RefsAsync(TestClients.PatientApp, $"?_type=Observation,Patient&_tag={Tag}"));
        Assert.Equal(1, await TotalAsync(TestClients.PatientApp, $"?_type=Observation,Patient&_tag={Tag}&_summary=count"));
        using var form = new StringContent($"_tag={Uri.EscapeDataString(Tag)}", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var request = new HttpRequestMessage(HttpMethod.Post, "_search") { Content = form };
        request.Headers.Authorization = new("Bearer", await _client.TokenAsync(TestClients.PatientApp));
        var posted = await BodyAsync(await server.Client.SendAsync(request), HttpStatusCode.OK);
        Assert.Equal([$"{_run}-own"], posted.EntryResources().Select(r => r.Id()).ToArray());
    }

    [Fact]
    public async Task A_system_search_is_audited_with_its_query()
    {
        using (await _client.SendAsAsync(TestClients.Researcher, HttpMethod.Get, $"?_tag={Tag}&_type=Patient,Practitioner")) { }

        var events = await BodyAsync(await _client.SendAsAsync(TestClients.Auditor, HttpMethod.Get, $"AuditEvent?_count=1000&altid={TestClients.Researcher}&subtype=search-system"), HttpStatusCode.OK);
        Assert.Contains(events.EntryResources(), e => e.GetProperty("entity").EnumerateArray().Any(entity =>
            entity.TryGetProperty("query", out var query) && Encoding.UTF8.GetString(Convert.FromBase64String(query.GetString()!)).Contains(_run, StringComparison.Ordinal)));
    }

    private async Task<string[]> RefsAsync(string client, string url)
    {
        var bundle = await BodyAsync(await _client.SendAsAsync(client, HttpMethod.Get, url), HttpStatusCode.OK);
        return [.. bundle.EntryResources().Select(r => r.GetProperty("resourceType").GetString() + "/" + r.Id()).Order(StringComparer.Ordinal)];
    }

    private async Task<int> TotalAsync(string client, string url) =>
        (await BodyAsync(await _client.SendAsAsync(client, HttpMethod.Get, url), HttpStatusCode.OK)).GetProperty("total").GetInt32();

    private async Task<HttpStatusCode> StatusAsync(string client, string url)
    {
        using var response = await _client.SendAsAsync(client, HttpMethod.Get, url);
        return response.StatusCode;
    }

    private static async Task<JsonElement> BodyAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            return await response.ExpectAsync(status);
        }
    }
}

public sealed class SystemSearchAccessTestsOnSqlite(SecureSqliteServer server) : SystemSearchAccessTests(server), IClassFixture<SecureSqliteServer>;

public sealed class SystemSearchAccessTestsOnPostgres(SecurePostgresServer server) : SystemSearchAccessTests(server), IClassFixture<SecurePostgresServer>;
