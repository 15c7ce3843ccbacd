using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Fhir.Server.Security;
using Fhir.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fhir.Server.Tests.Security;

public sealed class BearerTokenTests(SecureSqliteServer server) : IClassFixture<SecureSqliteServer>
{
    private readonly SecureClient _client = new(server);

    [Fact]
    public async Task A_request_without_a_token_gets_401_with_WWW_Authenticate_and_an_OperationOutcome()
    {
        using var response = await _client.SendAsync(null, HttpMethod.Get, "Patient");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString());
        var outcome = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        Assert.Equal("login", outcome.GetProperty("issue")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task The_capability_statement_is_public()
    {
        using var response = await _client.SendAsync(null, HttpMethod.Get, "metadata");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_token_signed_by_the_server_with_the_right_claims_is_accepted()
    {
        using var response = await _client.SendAsync(Token(), HttpMethod.Get, "Patient");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Expired_foreign_audience_foreign_issuer_badly_signed_and_unsigned_tokens_are_refused()
    {
        var other = new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)) { KeyId = "other" };
        string[] refused =
        [
            Token(expires: DateTime.UtcNow.AddMinutes(-2)),
            Token(audience: "another-server"),
            Token(issuer: "someone-else"),
            Token(key: other),
            Unsigned(),
            "not-a-jwt",
            Token()[..^4] + "AAAA", // signature bytes changed
        ];
        foreach (var token in refused)
        {
            using var response = await _client.SendAsync(token, HttpMethod.Get, "Patient");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task A_token_just_within_the_clock_skew_is_accepted()
    {
        using var response = await _client.SendAsync(Token(expires: DateTime.UtcNow.AddSeconds(-10)), HttpMethod.Get, "Patient");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private string Token(DateTime? expires = null, string audience = "fhir-server", string issuer = "fhir-server", SecurityKey? key = null)
    {
        var signing = server.Services.GetRequiredService<SigningKey>();
        var expiry = expires ?? DateTime.UtcNow.AddMinutes(5);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", "tester")]),
            Claims = new Dictionary<string, object> { ["scope"] = "system/*.rs", ["client_id"] = "tester" },
            IssuedAt = expiry.AddMinutes(-10),
            NotBefore = expiry.AddMinutes(-10),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(key ?? signing.Key, SecurityAlgorithms.RsaSha256),
        });
    }

    private static string Unsigned()
    {
        static string Part(object o) => Base64UrlEncoder.Encode(JsonSerializer.Serialize(o));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return Part(new { alg = "none", typ = "JWT" }) + "." + Part(new { iss = "fhir-server", aud = "fhir-server", sub = "x", scope = "system/*.cruds", exp = now + 240 }) + ".";
    }
}
