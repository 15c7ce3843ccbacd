using System.Text;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Security.RemoteAddressRequests;

namespace Fhir.Server.Tests.Security;

/// <summary>
/// Issue 12 item 13: failed authentications of a client at the token endpoint slow further attempts for that client
/// (exponential backoff, 429 + Retry-After), independent of the per-address limit, reset by a success; failures from
/// elsewhere do not lock the client out at an address it authenticates from.
/// </summary>
public sealed class TokenThrottleTests(TokenThrottleServer server) : IClassFixture<TokenThrottleServer>
{
    private Task<Answer> TryAsync(string address, string client, string secret) =>
        SendAsync(server, address, "POST", "/auth/token", form: SecretForm(client, secret));

    private static string Error(Answer answer) => JsonDocument.Parse(answer.Body).RootElement.GetProperty("error").GetString()!;

    [Fact]
    public async Task Issue12_item13_wrong_secrets_for_a_client_are_throttled_after_five_and_then_even_the_right_one_waits()
    {
        const string Guesser = "203.0.113.20";
        var answers = new List<Answer>();
        for (var i = 0; i < 12; i++)
        {
            answers.Add(await TryAsync(Guesser, TestClients.Ehr, "guess-" + i));
        }

        // Five free failures, a sixth that starts the backoff, and then nothing is even checked.
        Assert.All(answers.Take(6), a => Assert.Equal(("invalid_client", 401), (Error(a), a.Status)));
        Assert.All(answers.Skip(6), a => Assert.Equal(("temporarily_unavailable", 429), (Error(a), a.Status)));
        Assert.Equal("1", answers[^1].Headers.RetryAfter.ToString());
        var right = await TryAsync(Guesser, TestClients.Ehr, TestClients.Secret(TestClients.Ehr));
        Assert.Equal(429, right.Status); // the same answer as a wrong guess: the backoff reveals nothing
    }

    [Fact]
    public async Task Failures_from_another_address_do_not_lock_the_client_out_where_it_has_authenticated()
    {
        const string Home = "198.51.100.30", Attacker = "203.0.113.30", NewPlace = "192.0.2.30";
        Assert.Equal(200, (await TryAsync(Home, TestClients.Admin, TestClients.Secret(TestClients.Admin))).Status);

        for (var i = 0; i < 10; i++)
        {
            await TryAsync(Attacker, TestClients.Admin, "guess-" + i);
        }

        Assert.Equal(429, (await TryAsync(Attacker, TestClients.Admin, TestClients.Secret(TestClients.Admin))).Status);
        // From an address the client never used, the client-wide backoff applies (bounded by Auth:TokenBackoffMaxSeconds).
        var elsewhere = await TryAsync(NewPlace, TestClients.Admin, TestClients.Secret(TestClients.Admin));
        Assert.Equal(429, elsewhere.Status);
        Assert.InRange(int.Parse(elsewhere.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture), 1, 300);
        // Where it has authenticated before, the client gets its token at once, and that success resets the client.
        Assert.Equal(200, (await TryAsync(Home, TestClients.Admin, TestClients.Secret(TestClients.Admin))).Status);
        Assert.Equal(200, (await TryAsync(NewPlace, TestClients.Admin, TestClients.Secret(TestClients.Admin))).Status);
        Assert.Equal(429, (await TryAsync(Attacker, TestClients.Admin, TestClients.Secret(TestClients.Admin))).Status);
    }

    [Fact]
    public async Task One_clients_failures_leave_other_clients_alone()
    {
        const string Address = "203.0.113.40";
        for (var i = 0; i < 10; i++)
        {
            await TryAsync(Address, TestClients.Auditor, "guess-" + i);
        }

        Assert.Equal(429, (await TryAsync(Address, TestClients.Auditor, "again")).Status);
        Assert.Equal(200, (await TryAsync(Address, TestClients.PatientApp, TestClients.Secret(TestClients.PatientApp))).Status);
    }

    [Fact]
    public async Task Basic_credentials_and_client_assertions_count_against_the_client_they_name()
    {
        const string Address = "203.0.113.50";
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(TestClients.Seeder + ":wrong"));
        for (var i = 0; i < 7; i++)
        {
            await SendAsync(server, Address, "POST", "/auth/token", form: "grant_type=client_credentials", basic: basic);
        }
        Assert.Equal(429, (await SendAsync(server, Address, "POST", "/auth/token", form: "grant_type=client_credentials", basic: basic)).Status);

        // Assertions signed with the wrong key, in the EC backend client's name.
        var wrongKey = new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384)) { KeyId = "ec-1" };
        string Form(string assertion) =>
            "grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=" + assertion;
        for (var i = 0; i < 7; i++)
        {
            await SendAsync(server, Address, "POST", "/auth/token", form: Form(TokenEndpointTests.Assertion(TestClients.EcBackend, key: wrongKey)));
        }
        var good = await SendAsync(server, Address, "POST", "/auth/token", form: Form(TokenEndpointTests.Assertion(TestClients.EcBackend)));
        Assert.Equal(429, good.Status);
    }

    [Fact]
    public async Task Unknown_client_ids_are_left_to_the_per_address_limit()
    {
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(401, (await TryAsync("203.0.113.60", "nobody-" + i % 2, "x")).Status);
        }
    }
}

/// <summary>A secure server with the token endpoint's default backoff (the test defaults turn it off).</summary>
public sealed class TokenThrottleServer : SqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [.. TestClients.SecureSettings(), new("Auth:TokenFailuresBeforeBackoff", "5")];
}
