using System.Net;
using System.Text;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Tests.Security;

public abstract class AuditTrailTests(ServerFixture server)
{
    private readonly SecureClient _client = new(server);

    [Fact]
    public async Task Every_request_leaves_exactly_one_AuditEvent_whatever_its_outcome()
    {
        // Tokens first: the token requests are audited too.
        await _client.TokenAsync(TestClients.Ehr);
        await _client.TokenAsync(TestClients.Researcher);
        // Refusals without a client identity are folded per source and interval (issue 12 item 12): the first in
        // full, the others of the interval as one event with their count. Close the windows earlier tests opened.
        var refusals = server.Services.GetRequiredService<Fhir.Server.Audit.FailureAudit>();
        await refusals.FlushAsync(null, default);
        var before = await AuditEventsAsync();
        var requests = new List<Func<Task<HttpResponseMessage>>>
        {
            () => _client.SendAsAsync(TestClients.Ehr, HttpMethod.Put, "Patient/audit-p", """{"resourceType":"Patient","id":"audit-p"}"""),
            () => _client.SendAsAsync(TestClients.Ehr, HttpMethod.Get, "Patient/audit-p"),
            () => _client.SendAsAsync(TestClients.Researcher, HttpMethod.Get, "Patient?_id=audit-p"),
            () => _client.SendAsAsync(TestClients.Researcher, HttpMethod.Post, "Patient", """{"resourceType":"Patient"}"""), // 403
            () => _client.SendAsAsync(TestClients.Ehr, HttpMethod.Post, "Patient", """{"resourceType":"Patient","birthDate":"not a date"}"""), // 400
            () => _client.SendAsAsync(TestClients.Ehr, HttpMethod.Get, "Patient/no-such-patient"), // 404
            () => _client.SendAsync(null, HttpMethod.Get, "Patient"), // 401
            () => _client.SendAsync("garbage", HttpMethod.Get, "Patient"), // 401
            () => _client.SendAsAsync(TestClients.Ehr, HttpMethod.Get, "NoSuchType/1"), // 404
            () => _client.SendAsync(null, HttpMethod.Get, "metadata"),
            () => _client.SendAsAsync(TestClients.Ehr, HttpMethod.Post, "", """{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"GET","url":"Patient/audit-p"}},{"request":{"method":"GET","url":"Patient/audit-p"}}]}"""),
            () => _client.SendAsAsync(TestClients.Ehr, HttpMethod.Post, "", """{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}},{"resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}}]}"""),
        };
        foreach (var send in requests)
        {
            using var response = await send();
        }
        // Two 401s: the first recorded on its own, the second counted into the event written when its window closes.
        await refusals.FlushAsync(null, default);
        var after = await AuditEventsAsync();
        // The first count's own search is audited too.
        Assert.Equal(before.Count + 1 + requests.Count, after.Count);
    }

    [Fact]
    public async Task An_AuditEvent_says_who_did_what_to_which_resource_and_how_it_ended()
    {
        using (var created = await _client.SendAsAsync(TestClients.Ehr, HttpMethod.Put, "Patient/who-p", """{"resourceType":"Patient","id":"who-p"}"""))
        {
            Assert.True(created.IsSuccessStatusCode);
        }
        using (var denied = await _client.SendAsAsync(TestClients.Researcher, HttpMethod.Delete, "Patient/who-p"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        var events = await AuditEventsAsync("entity=Patient/who-p");
        var update = Assert.Single(events, e => e.GetProperty("subtype")[0].GetProperty("code").GetString() == "update");
        Assert.Equal("U", update.GetProperty("action").GetString());
        Assert.Equal("0", update.GetProperty("outcome").GetString());
        Assert.Equal(TestClients.Ehr, update.GetProperty("agent")[0].GetProperty("altId").GetString());
        Assert.Contains(TestClients.Scopes[TestClients.Ehr], update.GetProperty("agent")[0].GetProperty("extension")[0].GetProperty("valueString").GetString());
        Assert.Contains(update.GetProperty("entity").EnumerateArray(), e => e.TryGetProperty("what", out var what) && what.GetProperty("reference").GetString()!.StartsWith("Patient/who-p", StringComparison.Ordinal));

        var refused = Assert.Single(events, e => e.GetProperty("subtype")[0].GetProperty("code").GetString() == "delete");
        Assert.Equal("4", refused.GetProperty("outcome").GetString());
        Assert.Equal(TestClients.Researcher, refused.GetProperty("agent")[0].GetProperty("altId").GetString());
    }

    [Fact]
    public async Task A_search_is_audited_with_its_query()
    {
        using (await _client.SendAsAsync(TestClients.Researcher, HttpMethod.Get, "Observation?code=http://loinc.org|82155-3")) { }
        var events = await AuditEventsAsync("altid=" + TestClients.Researcher + "&subtype=search-type");
        Assert.Contains(events, e => e.GetProperty("entity").EnumerateArray().Any(entity =>
            entity.TryGetProperty("query", out var query) && Encoding.UTF8.GetString(Convert.FromBase64String(query.GetString()!)).Contains("82155-3", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_audit_trail_cannot_be_changed_through_the_API_even_with_every_scope()
    {
        var some = (await AuditEventsAsync()).First();
        var id = some.GetProperty("id").GetString();
        using var delete = await _client.SendAsAsync(TestClients.Seeder, HttpMethod.Delete, $"AuditEvent/{id}");
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        using var update = await _client.SendAsAsync(TestClients.Seeder, HttpMethod.Put, $"AuditEvent/{id}", some.GetRawText());
        Assert.Equal(HttpStatusCode.Forbidden, update.StatusCode);
        using var read = await _client.SendAsAsync(TestClients.Auditor, HttpMethod.Get, $"AuditEvent/{id}");
        Assert.Equal(some.GetProperty("meta").GetProperty("versionId").GetString(), JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement.GetProperty("meta").GetProperty("versionId").GetString());
    }

    private async Task<List<JsonElement>> AuditEventsAsync(string query = "")
    {
        using var response = await _client.SendAsAsync(TestClients.Auditor, HttpMethod.Get, "AuditEvent?_count=1000" + (query.Length > 0 ? "&" + query : ""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return bundle.TryGetProperty("entry", out var entries) ? entries.EnumerateArray().Select(e => e.GetProperty("resource").Clone()).ToList() : [];
    }
}

public sealed class AuditTrailTestsOnSqlite(SecureSqliteServer server) : AuditTrailTests(server), IClassFixture<SecureSqliteServer>;

public sealed class AuditTrailTestsOnPostgres(SecurePostgresServer server) : AuditTrailTests(server), IClassFixture<SecurePostgresServer>;
