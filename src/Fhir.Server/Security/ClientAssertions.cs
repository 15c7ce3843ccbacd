using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fhir.Server.Security;

/// <summary>
/// SMART Backend Services client authentication (<c>private_key_jwt</c>): a JWT signed by the client
/// with RS384 or ES384, checked against the JWKS registered for it; <c>iss</c> and <c>sub</c> are the
/// client id, <c>aud</c> the token endpoint, it expires within five minutes, and its <c>jti</c> is
/// never accepted twice.
/// </summary>
internal sealed class ClientAssertions(TimeProvider clock, int clockSkewSeconds)
{
    /// <summary>The <c>client_assertion_type</c> of a JWT assertion (RFC 7523).</summary>
    public const string JwtBearerType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    // jti → expiry. In memory: a replay to another node of a cluster is caught only by its short lifetime.
    private readonly ConcurrentDictionary<string, DateTime> _seen = new(StringComparer.Ordinal);

    /// <summary>The client id the assertion authenticates, or an error description.</summary>
    public async Task<(string? ClientId, string? Error)> ValidateAsync(string assertion, IReadOnlyList<ClientOptions> clients, IReadOnlyList<string> audiences)
    {
        if (!UnverifiedJwt.TryReadIssuer(_handler, assertion, out var issuer))
        {
            return (null, "client_assertion is not a JWT.");
        }
        var client = clients.FirstOrDefault(c => c.ClientId == issuer && c.Jwks is not null);
        if (client is null)
        {
            return (null, "The assertion's issuer is not a client registered with a JWKS.");
        }
        JsonWebKeySet keys;
        try
        {
            keys = new JsonWebKeySet(client.Jwks);
        }
        catch (ArgumentException)
        {
            return (null, "The client's registered JWKS cannot be read.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var skew = TimeSpan.FromSeconds(clockSkewSeconds);
        var result = await _handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            ValidIssuer = client.ClientId,
            ValidAudiences = audiences,
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha384, SecurityAlgorithms.EcdsaSha384],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ClockSkew = skew,
            LifetimeValidator = (_, expires, _, _) => expires is { } e && e.ToUniversalTime() + skew >= now && e.ToUniversalTime() <= now + MaxLifetime + skew,
        });
        if (!result.IsValid)
        {
            return (null, "The client assertion is not valid (signature, audience, issuer or lifetime).");
        }
        var token = (JsonWebToken)result.SecurityToken;
        if (token.Subject != client.ClientId)
        {
            return (null, "The assertion's sub must be the client id.");
        }
        if (string.IsNullOrEmpty(token.Id))
        {
            return (null, "The assertion has no jti.");
        }
        Forget(now);
        if (!_seen.TryAdd(client.ClientId + " " + token.Id, token.ValidTo.Add(skew)))
        {
            return (null, "The assertion was used before (jti replay).");
        }
        return (client.ClientId, null);
    }

    private void Forget(DateTime now)
    {
        foreach (var (jti, expires) in _seen)
        {
            if (expires < now)
            {
                _seen.TryRemove(jti, out _);
            }
        }
    }
}
