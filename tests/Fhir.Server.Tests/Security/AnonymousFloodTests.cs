using System.Text.Json;
using Fhir.Search.Queries;
using Fhir.Server.Audit;
using Fhir.Server.Tests.Support;
using Fhir.Storage;
using Microsoft.Extensions.DependencyInjection;
using static Fhir.Server.Tests.Security.RemoteAddressRequests;

namespace Fhir.Server.Tests.Security;

/// <summary>
/// Issue 12 item 12: requests without a valid token are rate-limited per source address (429 + Retry-After), and
/// refusals are audited as the first one in full plus one event per source and interval carrying the count.
/// </summary>
public abstract class AnonymousFloodTests(ServerFixture server)
{
    public const int PerMinute = 20;

    private IFhirStore Store => server.Services.GetRequiredService<IFhirStore>();

    private async Task<List<JsonElement>> AuditEventsFromAsync(string address)
    {
        // The store itself, past the REST API: the outbox is stored as resources first, as a request would have it.
        await server.Services.GetRequiredService<AuditIndexer>().CatchUpAsync(default);
        var page = await Store.Reader(Fhir.Storage.Access.ReadScope.Everything).SearchAsync(new SearchQuery("AuditEvent", [], 1000));
        return [.. page.Resources
            .Select(r => JsonDocument.Parse(r.Json).RootElement.Clone())
            .Where(e => e.GetProperty("agent")[0].TryGetProperty("network", out var n) && n.GetProperty("address").GetString() == address)];
    }

    [Fact]
    public async Task Issue12_item12_a_flood_without_tokens_gets_429_after_the_limit_and_leaves_two_audit_events()
    {
        const string Flooder = "203.0.113.7";
        // A token this server did not issue (well formed, signed by someone else) counts as no token.
        var foreign = TokenEndpointTests.Assertion(TestClients.RsaBackend);
        var answers = new List<Answer>();
        for (var i = 0; i < 200; i++)
        {
            answers.Add(await SendAsync(server, Flooder, "GET", i % 2 == 0 ? "/fhir/Patient" : "/fhir/Observation?code=x", bearer: i % 4 == 1 ? foreign : null));
        }

        Assert.All(answers.Take(PerMinute), a => Assert.Equal(401, a.Status));
        Assert.All(answers.Skip(PerMinute), a => Assert.Equal(429, a.Status));
        var throttled = answers[^1];
        Assert.True(int.Parse(throttled.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 60);
        var outcome = JsonDocument.Parse(throttled.Body).RootElement;
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        Assert.Equal("throttled", outcome.GetProperty("issue")[0].GetProperty("code").GetString());

        // The first refusal is on record at once; the other 199 as one event when the interval ends.
        Assert.Single(await AuditEventsFromAsync(Flooder));
        await server.Services.GetRequiredService<FailureAudit>().FlushAsync(null, default);
        var events = await AuditEventsFromAsync(Flooder);
        Assert.Equal(2, events.Count);
        var summary = Assert.Single(events, e => e.TryGetProperty("period", out _));
        var details = summary.GetProperty("entity")[0].GetProperty("detail");
        Assert.Equal("199", details[0].GetProperty("valueString").GetString());
        Assert.Equal($"HTTP 401: {PerMinute - 1}, HTTP 429: {200 - PerMinute}", details[1].GetProperty("valueString").GetString());
        Assert.Equal("4", summary.GetProperty("outcome").GetString());
        Assert.Contains("199 more refused requests from " + Flooder, summary.GetProperty("outcomeDesc").GetString());
    }

    [Fact]
    public async Task Each_source_address_has_its_own_limit_and_its_own_audit_window()
    {
        for (var i = 0; i < PerMinute + 5; i++)
        {
            await SendAsync(server, "198.51.100.1", "GET", "/fhir/Patient");
        }

        Assert.Equal(429, (await SendAsync(server, "198.51.100.1", "GET", "/fhir/Patient")).Status);
        Assert.Equal(401, (await SendAsync(server, "198.51.100.2", "GET", "/fhir/Patient")).Status);
        Assert.Single(await AuditEventsFromAsync("198.51.100.2"));
        Assert.Single(await AuditEventsFromAsync("198.51.100.1"));
    }

    [Fact]
    public async Task A_client_with_a_valid_token_is_served_from_an_address_that_is_over_the_anonymous_limit()
    {
        const string Shared = "192.0.2.44";
        var token = await new SecureClient(server).TokenAsync(TestClients.Researcher);
        for (var i = 0; i < PerMinute + 5; i++)
        {
            await SendAsync(server, Shared, "GET", "/fhir/Patient");
        }

        Assert.Equal(429, (await SendAsync(server, Shared, "GET", "/.well-known/smart-configuration")).Status);
        Assert.Equal(200, (await SendAsync(server, Shared, "GET", "/fhir/Patient", bearer: token)).Status);
    }

    [Fact]
    public async Task The_public_endpoints_and_the_token_endpoint_count_against_the_address_and_the_token_endpoint_answers_in_OAuth_form()
    {
        const string Address = "192.0.2.99";
        for (var i = 0; i < PerMinute; i++)
        {
            Assert.Equal(200, (await SendAsync(server, Address, "GET", "/fhir/metadata")).Status);
        }

        var token = await SendAsync(server, Address, "POST", "/auth/token", form: SecretForm(TestClients.Researcher, TestClients.Secret(TestClients.Researcher)));

        Assert.Equal(429, token.Status);
        Assert.False(string.IsNullOrEmpty(token.Headers.RetryAfter.ToString()));
        Assert.Equal("temporarily_unavailable", JsonDocument.Parse(token.Body).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task IPv6_sources_count_by_their_64_bit_network()
    {
        for (var i = 0; i < PerMinute; i++)
        {
            await SendAsync(server, $"2001:db8:1:2::{i + 1:x}", "GET", "/fhir/Patient");
        }

        Assert.Equal(429, (await SendAsync(server, "2001:db8:1:2:ffff::1", "GET", "/fhir/Patient")).Status);
        Assert.Equal(401, (await SendAsync(server, "2001:db8:1:3::1", "GET", "/fhir/Patient")).Status);
    }
}

/// <summary>A secure server with a small limit for requests without a token.</summary>
public sealed class AnonymousLimitSqliteServer : SqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [.. TestClients.SecureSettings(), new("Auth:AnonymousRequestsPerMinute", AnonymousFloodTests.PerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class AnonymousLimitPostgresServer : PostgresServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [.. TestClients.SecureSettings(), new("Auth:AnonymousRequestsPerMinute", AnonymousFloodTests.PerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}

public sealed class AnonymousFloodTestsOnSqlite(AnonymousLimitSqliteServer server) : AnonymousFloodTests(server), IClassFixture<AnonymousLimitSqliteServer>;

public sealed class AnonymousFloodTestsOnPostgres(AnonymousLimitPostgresServer server) : AnonymousFloodTests(server), IClassFixture<AnonymousLimitPostgresServer>;
