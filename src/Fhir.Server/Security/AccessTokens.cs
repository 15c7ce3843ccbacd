using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Fhir.Server.Security;

/// <summary>
/// Issues the built-in token endpoint's access tokens and validates bearer tokens: those it issued
/// (its own key and issuer) and, when <see cref="AuthOptions.Authority"/> is set, those of an external
/// OpenID Connect provider (keys and issuer by discovery). Signatures, issuer, audience and lifetime
/// are all checked, with a small clock skew; unsigned tokens (<c>alg: none</c>) never pass.
/// </summary>
internal sealed class AccessTokens
{
    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384,
    ];

    private readonly AuthOptions _options;
    private readonly SigningKey _key;
    private readonly TimeProvider _clock;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _authority;

    public AccessTokens(AuthOptions options, SigningKey key, TimeProvider clock, HttpClient? backchannel = null)
    {
        _options = options;
        _key = key;
        _clock = clock;
        if (options.Authority is { Length: > 0 } authority)
        {
            var metadata = authority.TrimEnd('/') + "/.well-known/openid-configuration";
            _authority = new ConfigurationManager<OpenIdConnectConfiguration>(
                metadata, new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever(backchannel ?? new HttpClient()) { RequireHttps = authority.StartsWith("https:", StringComparison.OrdinalIgnoreCase) });
        }
    }

    /// <summary>
    /// A signed access token for <paramref name="clientId"/> with <paramref name="scopes"/> (and a launch patient); a
    /// signed-in user's token names the user as its subject and may live longer (<see cref="AuthOptions.UserSessionSeconds"/>).
    /// </summary>
    public (string Token, int ExpiresIn) Issue(string clientId, string scopes, string? patient, string? user = null, int? lifetimeSeconds = null)
    {
        var lifetime = lifetimeSeconds ?? _options.TokenLifetimeSeconds;
        var now = _clock.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            ["client_id"] = clientId,
            ["scope"] = scopes,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        };
        if (patient is not null)
        {
            claims["patient"] = patient;
        }
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, user ?? clientId)]),
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddSeconds(lifetime),
            SigningCredentials = _key.Credentials,
        });
        return (token, lifetime);
    }

    /// <summary>The grant a bearer token carries, or the reason it is refused (never the token itself).</summary>
    public async Task<(AccessGrant? Grant, string? Error)> ValidateAsync(string token, CancellationToken ct)
    {
        if (!UnverifiedJwt.TryReadIssuer(_handler, token, out var issuer))
        {
            return (null, "The token is not a JWT.");
        }
        var parameters = new TokenValidationParameters
        {
            ValidAudience = _options.Audience,
            ValidAlgorithms = Algorithms,
            ClockSkew = TimeSpan.FromSeconds(_options.ClockSkewSeconds),
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            LifetimeValidator = (notBefore, expires, _, p) => Lifetime(notBefore, expires, p.ClockSkew),
        };
        if (issuer == _options.Issuer)
        {
            parameters.ValidIssuer = _options.Issuer;
            parameters.IssuerSigningKey = _key.Key;
        }
        else if (_authority is not null)
        {
            OpenIdConnectConfiguration configuration;
            try
            {
                configuration = await _authority.GetConfigurationAsync(ct);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException)
            {
                return (null, "The identity provider's keys could not be retrieved.");
            }
            parameters.ValidIssuer = configuration.Issuer;
            parameters.IssuerSigningKeys = configuration.SigningKeys;
        }
        else
        {
            return (null, "The token was not issued by a trusted issuer.");
        }

        var result = await _handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return (null, result.Exception switch
            {
                SecurityTokenExpiredException => "The token has expired.",
                SecurityTokenInvalidAudienceException => "The token is not meant for this server (audience).",
                SecurityTokenInvalidIssuerException => "The token's issuer is not trusted.",
                SecurityTokenNotYetValidException => "The token is not valid yet.",
                SecurityTokenInvalidLifetimeException => "The token has expired or is not valid yet.",
                _ => "The token's signature or format is not valid.",
            });
        }
        var claims = result.Claims;
        var client = Claim(claims, "client_id") ?? Claim(claims, "azp") ?? Claim(claims, JwtRegisteredClaimNames.Sub) ?? "";
        if (issuer == _options.Issuer && Claim(claims, JwtRegisteredClaimNames.Sub) is { Length: > 0 } user && user != client)
        {
            // A signed-in person's token (the app is the client, the person the subject): the audit trail and the rate
            // limits name both, "fhir-dashboard/rita".
            client = client + "/" + user;
        }
        var scopes = Claim(claims, "scope") ?? Claim(claims, "scp");
        return (AccessGrant.FromToken(client, scopes, Claim(claims, "patient")), null);
    }

    private bool Lifetime(DateTime? notBefore, DateTime? expires, TimeSpan skew)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        return expires is { } e && e.ToUniversalTime() + skew >= now && (notBefore is null || notBefore.Value.ToUniversalTime() - skew <= now);
    }

    private static string? Claim(IDictionary<string, object> claims, string name) => claims.TryGetValue(name, out var value) switch
    {
        false => null,
        _ => value switch
        {
            string s => s,
            IEnumerable<object> list => string.Join(' ', list),
            _ => value.ToString(),
        },
    };
}
