using System.Net;
using Fhir.Server.Tests.Security;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Bulk;

/// <summary>
/// <c>$import</c> under SMART authorisation: the job writes as the client that asked, so a resource it could not create or
/// update over the REST API is rejected (403 in the error file), a type it may not write is refused at the kick-off, and
/// only that client sees the job.
/// </summary>
public abstract class ImportAccessTests(ServerFixture server)
{
    private readonly SecureClient _client = new(server);

    [Fact]
    public async Task Resources_the_client_may_not_write_are_rejected_and_the_rest_stored()
    {
        var ehr = new BulkClient(server.Client, await _client.TokenAsync(TestClients.Ehr));
        var body = string.Join("\n",
            """{"resourceType":"Patient","id":"imp-ehr-p"}""",
            """{"resourceType":"Condition","id":"imp-ehr-c","subject":{"reference":"Patient/imp-ehr-p"}}""",
            """{"resourceType":"AuditEvent","type":{"code":"rest"},"recorded":"2024-01-01T00:00:00Z","agent":[{"requestor":true}],"source":{"observer":{"display":"x"}}}""") + "\n";

        var manifest = await ehr.WaitAsync(await ehr.KickOffAsync("$import", HttpMethod.Post, body, contentType: "application/fhir+ndjson"));

        Assert.Equal(1, manifest.GetProperty("output")[0].GetProperty("count").GetInt64());
        var outcomes = await ehr.DownloadAsync(manifest.GetProperty("error")[0].GetProperty("url").GetString()!);
        Assert.Equal(2, outcomes.Count);
        Assert.All(outcomes, o => Assert.Contains("HTTP 403", o.GetProperty("issue")[0].GetProperty("diagnostics").GetString()));
        using var condition = await _client.SendAsAsync(TestClients.Seeder, HttpMethod.Get, "Condition/imp-ehr-c");
        Assert.Equal(HttpStatusCode.NotFound, condition.StatusCode);
    }

    [Fact]
    public async Task A_typed_input_of_a_type_the_client_may_not_write_is_refused_and_others_do_not_see_the_job()
    {
        var ehr = new BulkClient(server.Client, await _client.TokenAsync(TestClients.Ehr));
        using (var refused = await ehr.SendAsync(HttpMethod.Post, "$import?type=Condition", """{"resourceType":"Condition"}""" + "\n", contentType: "application/fhir+ndjson"))
        {
            await refused.ExpectAsync(HttpStatusCode.Forbidden);
        }
        var researcher = new BulkClient(server.Client, await _client.TokenAsync(TestClients.Researcher));
        using (var readOnly = await researcher.SendAsync(HttpMethod.Post, "$import?type=Patient", """{"resourceType":"Patient"}""" + "\n", contentType: "application/fhir+ndjson"))
        {
            await readOnly.ExpectAsync(HttpStatusCode.Forbidden);
        }

        var status = await ehr.KickOffAsync("$import", HttpMethod.Post, """{"resourceType":"Patient","id":"imp-ehr-q"}""" + "\n", contentType: "application/fhir+ndjson");
        using (var other = await researcher.SendAsync(HttpMethod.Get, status, prefer: null, accept: null))
        {
            await other.ExpectAsync(HttpStatusCode.NotFound);
        }
        await ehr.WaitAsync(status);
    }
}

public sealed class ImportAccessTestsOnSqlite(SecureBulkSqliteServer server) : ImportAccessTests(server), IClassFixture<SecureBulkSqliteServer>;

public sealed class ImportAccessTestsOnPostgres(SecureBulkPostgresServer server) : ImportAccessTests(server), IClassFixture<SecureBulkPostgresServer>;
