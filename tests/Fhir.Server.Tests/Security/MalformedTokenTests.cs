using System.Net;
using System.Text.Json;
using Fhir.Server.Security;
using Fhir.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fhir.Server.Tests.Security;

/// <summary>
/// Issue 12 item 14: whatever stands in a token's place, as a bearer token or as a <c>client_assertion</c>, gets 401
/// (<c>WWW-Authenticate: Bearer</c> with an OperationOutcome, or OAuth's <c>invalid_client</c>), never a 500.
/// </summary>
public sealed class MalformedTokenTests(SecureSqliteServer server) : IClassFixture<SecureSqliteServer>
{
    private readonly SecureClient _client = new(server);

    private static string B64(string text) => Base64UrlEncoder.Encode(text);

    private static readonly string[] Headers =
    [
        """{"alg":"RS384","typ":"JWT"}""", "{}", "[]", "[1,2]", "\"RS384\"", "1", "null", "true", "{", "not json", "",
        """{"alg":1}""", """{"alg":null}""", """{"alg":"none"}""", """{"alg":"RS384","kid":[1]}""", """{"alg":"RS384","kid":{}}""",
        """{"alg":"RS384","crit":"exp"}""", """{"alg":"RS384","x5c":"x"}""", """{"alg":"RS384","typ":7}""", """{"alg":"RSA-OAEP","enc":"A256GCM"}""",
        """{"alg":"RS384","jku":"http://127.0.0.1:9/keys"}""", "{\"alg\":\"RS384\",\"a\":" + new string('[', 200) + new string(']', 200) + "}",
        """{"alg":"RS384","x":"\ud800"}""", """{"alg":"RS384","alg":"HS256"}""",
    ];

    private static string Payload(string claims) => claims.Replace("ISS", "fhir-server", StringComparison.Ordinal);

    private static readonly string[] Payloads =
    [
        """{"iss":"ISS","aud":"fhir-server","exp":4102444800,"scope":"system/*.rs"}""", "{}", "[]", "\"s\"", "1", "null", "{", "not json", "",
        """{"iss":1}""", """{"iss":1.5e400}""", """{"iss":["ISS"]}""", """{"iss":{"a":"ISS"}}""", """{"iss":null}""", """{"iss":true}""",
        """{"iss":"ISS","exp":"tomorrow"}""", """{"iss":"ISS","exp":1e400}""", """{"iss":"ISS","exp":-1e30}""", """{"iss":"ISS","exp":[1]}""",
        """{"iss":"ISS","nbf":{}}""", """{"iss":"ISS","iat":"x"}""", """{"iss":"ISS","aud":5}""", """{"iss":"ISS","aud":[1,{}]}""",
        """{"iss":"ISS","sub":7}""", """{"iss":"ISS","jti":[]}""", """{"iss":"ISS","scope":{"a":1}}""", """{"iss":"ISS","patient":[1]}""",
        """{"iss":"\ud800"}""", """{"iss":"ISS","iss":"other"}""",
    ];

    private static readonly string[] Signatures = ["", "sig", "!!!", "====", Base64UrlEncoder.Encode(new byte[256])];

    /// <summary>Three-part tokens of every header, payload and signature shape, and tokens of other shapes.</summary>
    public static IEnumerable<string> MalformedTokens()
    {
        foreach (var header in Headers)
        {
            foreach (var payload in Payloads)
            {
                yield return B64(header) + "." + B64(Payload(payload)) + "." + Signatures[1];
            }
        }
        foreach (var signature in Signatures)
        {
            yield return B64(Headers[0]) + "." + B64(Payload(Payloads[0])) + "." + signature;
        }
        var valid = B64(Headers[0]) + "." + B64(Payload(Payloads[0]));
        foreach (var shape in new[]
        {
            "a.b.c.d.e", "a.b.c", "a.b", "a", ".", "..", "...", "....", "a..c", ".b.c", "a.b.", "=.=.=", "%%%.%%%.%%%", "é.é.é",
            valid + ".sig.extra", valid + ".sig.x.y", B64("""{"alg":"RSA-OAEP","enc":"A256GCM"}""") + ".a.b.c.d", valid + "..",
            "eyJ" + new string('A', 10_000) + ".eyJ.sig", "Bearer " + valid + ".sig", valid + ".sig ",
        })
        {
            yield return shape;
        }
    }

    [Fact]
    public async Task Issue_12_item_14_every_malformed_bearer_token_gets_401_with_WWW_Authenticate()
    {
        var count = 0;
        foreach (var token in MalformedTokens())
        {
            count++;
            using var response = await _client.SendAsync(token, HttpMethod.Get, "Patient");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{token}: {(int)response.StatusCode} {text}");
            Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.Equal("OperationOutcome", JsonDocument.Parse(text).RootElement.GetProperty("resourceType").GetString());
        }
        Assert.True(count > 700, $"{count} tokens");
    }

    [Fact]
    public async Task Issue_12_item_14_well_signed_tokens_with_malformed_claims_get_401_or_403()
    {
        var credentials = server.Services.GetRequiredService<SigningKey>().Credentials;
        var handler = new JsonWebTokenHandler();
        foreach (var payload in Payloads.Where(p => p.StartsWith('{') && p.EndsWith('}')))
        {
            string token;
            try
            {
                token = handler.CreateToken(Payload(payload), credentials);
            }
            catch (ArgumentException)
            {
                continue; // not a payload the library signs
            }
            using var response = await _client.SendAsync(token, HttpMethod.Get, "Patient");
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.OK,
                $"{payload}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task Issue_12_item_14_every_malformed_client_assertion_gets_401_invalid_client()
    {
        var clientTokens = MalformedTokens().Select(t => t.Replace(B64("\"fhir-server\""), B64("\"backend-rsa\""), StringComparison.Ordinal)).ToList();
        // And assertions signed by a registered client's own key, with claims of the wrong shape.
        var handler = new JsonWebTokenHandler();
        foreach (var payload in Payloads.Where(p => p.StartsWith('{') && p.EndsWith('}')))
        {
            try
            {
                clientTokens.Add(handler.CreateToken(payload.Replace("ISS", TestClients.RsaBackend, StringComparison.Ordinal).Replace("\"aud\":\"fhir-server\"", "\"aud\":\"http://localhost/auth/token\"", StringComparison.Ordinal),
                    new SigningCredentials(TestClients.RsaSigningKey, SecurityAlgorithms.RsaSha384)));
            }
            catch (ArgumentException)
            {
            }
        }
        using var root = server.CreateRootClient();
        foreach (var assertion in clientTokens)
        {
            using var response = await root.PostAsync("auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ["client_assertion"] = assertion,
            }));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{assertion}: {(int)response.StatusCode} {text}");
            Assert.Equal("invalid_client", JsonDocument.Parse(text).RootElement.GetProperty("error").GetString());
        }
    }

    [Fact]
    public void Issue_12_item_14_the_shapes_that_gave_500_are_read_as_no_JWT()
    {
        var handler = new JsonWebTokenHandler();
        foreach (var token in new[] { "a.b.c.d.e", B64("[]") + "." + B64("{}") + ".s", B64("x") + "." + B64("{}") + ".s", B64(Headers[0]) + "." + B64("""{"iss":1}""") + ".s" })
        {
            Assert.False(UnverifiedJwt.TryReadIssuer(handler, token, out _), token);
        }
        Assert.True(UnverifiedJwt.TryReadIssuer(handler, B64(Headers[0]) + "." + B64("""{"iss":"x"}""") + ".s", out var issuer));
        Assert.Equal("x", issuer);
    }
}
