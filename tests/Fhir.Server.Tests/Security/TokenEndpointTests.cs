using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fhir.Server.Tests.Security;

public sealed class TokenEndpointTests(SecureSqliteServer server) : IClassFixture<SecureSqliteServer>
{
    private const string Endpoint = "http://localhost/auth/token";
    private readonly SecureClient _client = new(server);

    [Fact]
    public async Task Client_secret_post_gets_a_token_with_the_clients_scopes_that_opens_the_FHIR_API()
    {
        var (status, json) = await PostTokenAsync(new() { ["grant_type"] = "client_credentials", ["client_id"] = TestClients.Researcher, ["client_secret"] = TestClients.Secret(TestClients.Researcher) });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("bearer", json.GetProperty("token_type").GetString());
        Assert.Equal("system/*.rs", json.GetProperty("scope").GetString());
        Assert.True(json.GetProperty("expires_in").GetInt32() is > 0 and <= 300);

        using var search = await _client.SendAsync(json.GetProperty("access_token").GetString(), HttpMethod.Get, "Patient");
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
    }

    [Fact]
    public async Task Client_secret_basic_works_and_a_wrong_secret_is_refused_with_invalid_client()
    {
        var good = await PostTokenAsync(new() { ["grant_type"] = "client_credentials" }, Basic(TestClients.Ehr, TestClients.Secret(TestClients.Ehr)));
        Assert.Equal(HttpStatusCode.OK, good.Status);

        var bad = await PostTokenAsync(new() { ["grant_type"] = "client_credentials" }, Basic(TestClients.Ehr, "not-the-secret"));
        Assert.Equal(HttpStatusCode.Unauthorized, bad.Status);
        Assert.Equal("invalid_client", bad.Json.GetProperty("error").GetString());

        var unknown = await PostTokenAsync(new() { ["grant_type"] = "client_credentials", ["client_id"] = "nobody", ["client_secret"] = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
    }

    [Fact]
    public async Task Only_allowed_scopes_are_granted_and_none_allowed_is_invalid_scope()
    {
        var narrowed = await PostTokenAsync(new()
        {
            ["grant_type"] = "client_credentials", ["client_id"] = TestClients.Ehr, ["client_secret"] = TestClients.Secret(TestClients.Ehr),
            ["scope"] = "system/Observation.rs system/Encounter.rs system/*.cruds",
        });
        Assert.Equal(HttpStatusCode.OK, narrowed.Status);
        Assert.Equal("system/Observation.rs", narrowed.Json.GetProperty("scope").GetString());

        var none = await PostTokenAsync(new()
        {
            ["grant_type"] = "client_credentials", ["client_id"] = TestClients.Ehr, ["client_secret"] = TestClients.Secret(TestClients.Ehr),
            ["scope"] = "system/Encounter.rs",
        });
        Assert.Equal(HttpStatusCode.BadRequest, none.Status);
        Assert.Equal("invalid_scope", none.Json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Other_grant_types_are_unsupported()
    {
        var result = await PostTokenAsync(new() { ["grant_type"] = "password", ["username"] = "u", ["password"] = "p" });
        Assert.Equal(HttpStatusCode.BadRequest, result.Status);
        Assert.Equal("unsupported_grant_type", result.Json.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData(TestClients.RsaBackend)]
    [InlineData(TestClients.EcBackend)]
    public async Task Backend_services_clients_authenticate_with_a_signed_assertion(string client)
    {
        var result = await PostTokenAsync(AssertionForm(Assertion(client)));
        Assert.Equal(HttpStatusCode.OK, result.Status);
        Assert.Equal(TestClients.Scopes[client], result.Json.GetProperty("scope").GetString());
    }

    [Fact]
    public async Task A_replayed_assertion_is_refused()
    {
        var assertion = Assertion(TestClients.RsaBackend);
        Assert.Equal(HttpStatusCode.OK, (await PostTokenAsync(AssertionForm(assertion))).Status);
        var replay = await PostTokenAsync(AssertionForm(assertion));
        Assert.Equal(HttpStatusCode.Unauthorized, replay.Status);
        Assert.Contains("replay", replay.Json.GetProperty("error_description").GetString());
    }

    [Fact]
    public async Task Assertions_with_a_wrong_audience_lifetime_subject_key_or_algorithm_are_refused()
    {
        var client = TestClients.RsaBackend;
        string[] bad =
        [
            Assertion(client, audience: "http://elsewhere/token"),
            Assertion(client, expires: DateTime.UtcNow.AddMinutes(-5)),
            Assertion(client, expires: DateTime.UtcNow.AddMinutes(30)), // longer than five minutes
            Assertion(client, subject: "someone-else"),
            Assertion(client, key: new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = TestClients.RsaSigningKey.KeyId }),
            Assertion(client, algorithm: SecurityAlgorithms.RsaSha256),
            Unsigned(client),
        ];
        foreach (var assertion in bad)
        {
            var result = await PostTokenAsync(AssertionForm(assertion));
            Assert.Equal(HttpStatusCode.Unauthorized, result.Status);
            Assert.Equal("invalid_client", result.Json.GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task Smart_configuration_is_public_and_names_the_token_endpoint()
    {
        using var root = server.CreateRootClient();
        using var response = await root.GetAsync(".well-known/smart-configuration");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(Endpoint, json.GetProperty("token_endpoint").GetString());
        Assert.Contains("private_key_jwt", json.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(e => e.GetString()));
    }

    internal static string Assertion(
        string client, string audience = Endpoint, DateTime? expires = null, string? subject = null, SecurityKey? key = null, string? algorithm = null,
        DateTime? notBefore = null)
    {
        key ??= client == TestClients.EcBackend ? TestClients.EcSigningKey : TestClients.RsaSigningKey;
        algorithm ??= client == TestClients.EcBackend ? SecurityAlgorithms.EcdsaSha384 : SecurityAlgorithms.RsaSha384;
        var expiry = expires ?? DateTime.UtcNow.AddMinutes(4);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = client,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject ?? client)]),
            Claims = new Dictionary<string, object> { ["jti"] = Guid.NewGuid().ToString("N") },
            IssuedAt = notBefore ?? expiry.AddMinutes(-5),
            NotBefore = notBefore ?? expiry.AddMinutes(-5),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    private static string Unsigned(string client)
    {
        static string Part(object o) => Base64UrlEncoder.Encode(JsonSerializer.Serialize(o));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return Part(new { alg = "none", typ = "JWT" }) + "." + Part(new { iss = client, sub = client, aud = Endpoint, jti = Guid.NewGuid().ToString("N"), exp = now + 240 }) + ".";
    }

    private static Dictionary<string, string> AssertionForm(string assertion) => new()
    {
        ["grant_type"] = "client_credentials",
        ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ["client_assertion"] = assertion,
    };

    private static AuthenticationHeaderValue Basic(string id, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(id) + ":" + Uri.EscapeDataString(secret))));

    private async Task<(HttpStatusCode Status, JsonElement Json)> PostTokenAsync(Dictionary<string, string> form, AuthenticationHeaderValue? authorization = null)
    {
        using var root = server.CreateRootClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "auth/token") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = authorization;
        using var response = await root.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}
