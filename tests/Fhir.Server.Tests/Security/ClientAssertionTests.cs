using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Fhir.Server.Tests.Security;

/// <summary>Issue 12 item 23: a client assertion's jti is used once, on every node and across restarts; nbf and exp hold.</summary>
public abstract class ClientAssertionTests(ServerFixture server)
{
    private static Dictionary<string, string> Form(string assertion) => new()
    {
        ["grant_type"] = "client_credentials",
        ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ["client_assertion"] = assertion,
    };

    private static async Task<(HttpStatusCode Status, JsonElement Json)> PostAsync(HttpClient root, string assertion)
    {
        using var response = await root.PostAsync("auth/token", new FormUrlEncodedContent(Form(assertion)));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task Issue12_item23_a_used_assertion_is_refused_by_another_node_and_after_a_restart()
    {
        var assertion = TokenEndpointTests.Assertion(TestClients.RsaBackend);
        using (var root = server.CreateRootClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(root, assertion)).Status);
        }

        // A second server process on the same database: it has never seen the assertion itself.
        await using (var node = server.CreateServer())
        {
            using var root = node.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/") });
            var replay = await PostAsync(root, assertion);
            Assert.Equal(HttpStatusCode.Unauthorized, replay.Status);
            Assert.Contains("replay", replay.Json.GetProperty("error_description").GetString());
            // A fresh assertion still works there.
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(root, TokenEndpointTests.Assertion(TestClients.RsaBackend))).Status);
        }
    }

    [Fact]
    public async Task Of_parallel_uses_of_one_assertion_on_two_nodes_exactly_one_gets_a_token()
    {
        var assertion = TokenEndpointTests.Assertion(TestClients.EcBackend);
        await using var node = server.CreateServer();
        using var a = server.CreateRootClient();
        using var b = node.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/") });

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => PostAsync(i % 2 == 0 ? a : b, assertion)));

        Assert.Single(results, r => r.Status == HttpStatusCode.OK);
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));
    }

    [Fact]
    public async Task An_assertion_whose_nbf_is_ahead_of_the_clock_skew_is_refused_and_one_within_it_is_accepted()
    {
        using var root = server.CreateRootClient();
        var soon = DateTime.UtcNow.AddMinutes(2);

        var early = await PostAsync(root, TokenEndpointTests.Assertion(TestClients.RsaBackend, expires: soon.AddMinutes(2), notBefore: soon));
        Assert.Equal(HttpStatusCode.Unauthorized, early.Status);
        Assert.Contains("nbf", early.Json.GetProperty("error_description").GetString());

        // The default skew is 30 s.
        var withinSkew = await PostAsync(root, TokenEndpointTests.Assertion(TestClients.RsaBackend, expires: DateTime.UtcNow.AddMinutes(4), notBefore: DateTime.UtcNow.AddSeconds(10)));
        Assert.Equal(HttpStatusCode.OK, withinSkew.Status);
    }

    [Fact]
    public async Task An_assertion_expiring_more_than_five_minutes_ahead_or_already_expired_is_refused_with_the_reason()
    {
        using var root = server.CreateRootClient();

        var tooLong = await PostAsync(root, TokenEndpointTests.Assertion(TestClients.RsaBackend, expires: DateTime.UtcNow.AddMinutes(6)));
        Assert.Contains("five minutes", tooLong.Json.GetProperty("error_description").GetString());
        var expired = await PostAsync(root, TokenEndpointTests.Assertion(TestClients.RsaBackend, expires: DateTime.UtcNow.AddMinutes(-2)));
        Assert.Contains("expired", expired.Json.GetProperty("error_description").GetString());
        Assert.All([tooLong, expired], r => Assert.Equal(HttpStatusCode.Unauthorized, r.Status));
    }
}

public sealed class ClientAssertionTestsOnSqlite(SecureSqliteServer server) : ClientAssertionTests(server), IClassFixture<SecureSqliteServer>;

public sealed class ClientAssertionTestsOnPostgres(SecurePostgresServer server) : ClientAssertionTests(server), IClassFixture<SecurePostgresServer>;
