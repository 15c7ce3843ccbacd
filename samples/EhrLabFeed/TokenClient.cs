using System.Net.Http.Headers;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace EhrLabFeed;

/// <summary>
/// Gets an access token from a SMART authorisation server with the client-credentials grant: with a client secret
/// (<c>client_secret_basic</c>), or as SMART Backend Services do, with a signed JWT (<c>private_key_jwt</c>, RS384).
/// </summary>
internal sealed class TokenClient(HttpClient http)
{
    public async Task<string> GetTokenAsync(FeedOptions options, CancellationToken ct = default)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = options.Scope };
        using var request = new HttpRequestMessage(HttpMethod.Post, options.TokenEndpoint);
        if (options.PrivateKeyPem is { } pem)
        {
            form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
            form["client_assertion"] = Assertion(options, pem);
        }
        else
        {
            var secret = options.ClientSecret ?? throw new InvalidOperationException("A client secret or a private key is needed.");
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(options.ClientId)}:{Uri.EscapeDataString(secret)}")));
        }
        request.Content = new FormUrlEncodedContent(form);
        using var response = await http.SendAsync(request, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The token endpoint answered {(int)response.StatusCode}: {body}");
        }
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The client's assertion: issuer and subject the client, audience the token endpoint, five minutes at most, a fresh jti.</summary>
    private static string Assertion(FeedOptions options, string pem)
    {
        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.ClientId,
            Audience = options.TokenEndpoint.ToString(),
            Subject = new ClaimsIdentity([new Claim("sub", options.ClientId)]),
            Claims = new Dictionary<string, object> { ["jti"] = Guid.NewGuid().ToString("N") },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(4),
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = options.KeyId }, SecurityAlgorithms.RsaSha384),
        });
    }
}
