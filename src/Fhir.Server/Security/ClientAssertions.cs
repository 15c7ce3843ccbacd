using Fhir.Storage.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Fhir.Server.Security;

/// <summary>
/// SMART Backend Services client authentication (<c>private_key_jwt</c>): a JWT signed by the client
/// with RS384 or ES384, checked against the JWKS registered for it; <c>iss</c> and <c>sub</c> are the
/// client id, <c>aud</c> the token endpoint, it is valid now (<c>nbf</c> and <c>exp</c>, with the configured clock
/// skew) and expires within five minutes, and its <c>jti</c> is never accepted twice: used ones are kept in the
/// database until they expire (<see cref="ISingleUseStore"/>), so a replay fails on every server process and after
/// a restart.
/// </summary>
internal sealed class ClientAssertions(TimeProvider clock, int clockSkewSeconds, ISingleUseStore used)
{
    /// <summary>The <c>client_assertion_type</c> of a JWT assertion (RFC 7523).</summary>
    public const string JwtBearerType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>The <c>iss</c> of an assertion, unverified (to know which client it claims to be); null when it is not a readable JWT.</summary>
    public static string? UnverifiedIssuer(string assertion)
    {
        try
        {
            var handler = new JsonWebTokenHandler();
            return handler.CanReadToken(assertion) ? handler.ReadJsonWebToken(assertion).Issuer : null;
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException or System.Text.Json.JsonException or FormatException)
        {
            return null;
        }
    }

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
            ValidateLifetime = false, // below, with messages that say which time is wrong
        });
        if (!result.IsValid)
        {
            return (null, "The client assertion is not valid (signature, audience or issuer).");
        }
        var token = (JsonWebToken)result.SecurityToken;
        if (LifetimeError(token, now, skew) is { } lifetime)
        {
            return (null, lifetime);
        }
        if (token.Subject != client.ClientId)
        {
            return (null, "The assertion's sub must be the client id.");
        }
        if (string.IsNullOrEmpty(token.Id))
        {
            return (null, "The assertion has no jti.");
        }
        // Kept until the assertion can no longer pass the expiry check above.
        var keepUntil = new DateTimeOffset(token.ValidTo.Add(skew), TimeSpan.Zero);
        if (!await used.TryUseOnceAsync("jti " + client.ClientId + " " + token.Id, keepUntil, new DateTimeOffset(now, TimeSpan.Zero)))
        {
            return (null, "The assertion was used before (jti replay).");
        }
        return (client.ClientId, null);
    }

    // SMART Backend Services: exp is required and at most five minutes ahead; nbf, when present, has passed.
    private static string? LifetimeError(JsonWebToken token, DateTime now, TimeSpan skew)
    {
        if (token.ValidTo == DateTime.MinValue)
        {
            return "The assertion has no exp.";
        }
        var expires = token.ValidTo;
        if (expires + skew < now)
        {
            return "The assertion has expired (exp).";
        }
        if (expires > now + MaxLifetime + skew)
        {
            return "The assertion's exp is more than five minutes in the future.";
        }
        if (token.ValidFrom != DateTime.MinValue && token.ValidFrom - skew > now)
        {
            return "The assertion is not valid yet (nbf).";
        }
        return null;
    }
}
