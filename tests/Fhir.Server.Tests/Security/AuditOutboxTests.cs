using System.Net.Http.Headers;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Fhir.Server.Tests.Security;

/// <summary>
/// The audit trail through its outbox: every request leaves exactly one AuditEvent, whichever node answered it and
/// whichever node's indexer stored it, and an auditor's search finds all of them at once.
/// </summary>
public abstract class AuditOutboxTests(ServerFixture server)
{
    private readonly SecureClient _client = new(server);

    [Fact]
    public async Task Two_nodes_store_each_request_as_one_AuditEvent_visible_to_the_next_auditor_search()
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        await using var other = server.CreateServer();
        using var otherClient = other.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/fhir/") });
        var token = await _client.TokenAsync(TestClients.Researcher);
        const int EachNode = 40;
        await Task.WhenAll(Enumerable.Range(0, EachNode * 2).Select(async i =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"Patient/{run}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await (i % 2 == 0 ? server.Client : otherClient).SendAsync(request);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        }));

        // Straight after: the auditor's search is answered once the outbox is stored, on either node.
        foreach (var node in new[] { server.Client, otherClient })
        {
            using var search = new HttpRequestMessage(HttpMethod.Get, $"AuditEvent?entity=Patient/{run}&_summary=count");
            search.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _client.TokenAsync(TestClients.Auditor));
            using var response = await node.SendAsync(search);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(EachNode * 2, body.GetProperty("total").GetInt32());
        }
    }
}

public sealed class AuditOutboxTestsOnSqlite(SecureSqliteServer server) : AuditOutboxTests(server), IClassFixture<SecureSqliteServer>;

public sealed class AuditOutboxTestsOnPostgres(SecurePostgresServer server) : AuditOutboxTests(server), IClassFixture<SecurePostgresServer>;
