using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Fhir.Server.Security;

/// <summary>
/// The authorisation codes handed out by <see cref="AuthorizeEndpoint"/>, in memory: each redeemable once, within a
/// minute, by the client and redirect URI it was issued to and with the PKCE verifier whose S256 challenge it carries
/// (RFC 7636 §4.6). A code is removed on the first attempt to redeem it, whatever the outcome.
/// </summary>
internal sealed class AuthorizationCodes(TimeProvider clock)
{
    /// <summary>How long a code may wait to be redeemed.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(60);

    private const int MaxPending = 10_000;

    private readonly ConcurrentDictionary<string, PendingCode> _codes = new(StringComparer.Ordinal);

    /// <summary>What a code stands for.</summary>
    internal sealed record PendingCode(string ClientId, string RedirectUri, string Challenge, string User, string Scopes, string? Patient, DateTimeOffset Expires);

    /// <summary>A new code for <paramref name="pending"/> (its expiry is set here).</summary>
    public string Issue(PendingCode pending)
    {
        var now = clock.GetUtcNow();
        if (_codes.Count >= MaxPending)
        {
            foreach (var (key, value) in _codes)
            {
                if (value.Expires < now)
                {
                    _codes.TryRemove(key, out _);
                }
            }
        }
        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        _codes[code] = pending with { Expires = now + Lifetime };
        return code;
    }

    /// <summary>The code's grant, or the reason it cannot be redeemed (OAuth <c>invalid_grant</c>).</summary>
    public (PendingCode? Grant, string? Error) Redeem(string code, string clientId, string redirectUri, string verifier)
    {
        if (!_codes.TryRemove(code, out var pending))
        {
            return (null, "The authorization code is unknown, expired or already used.");
        }
        if (pending.Expires < clock.GetUtcNow())
        {
            return (null, "The authorization code has expired.");
        }
        if (pending.ClientId != clientId || pending.RedirectUri != redirectUri)
        {
            return (null, "The authorization code was issued to another client or redirect_uri.");
        }
        // RFC 7636 §4.1: 43 to 128 characters of the unreserved set.
        if (verifier.Length is < 43 or > 128 || verifier.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~')))
        {
            return (null, "code_verifier must be 43 to 128 unreserved characters (RFC 7636).");
        }
        var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(challenge), Encoding.ASCII.GetBytes(pending.Challenge)))
        {
            return (null, "The code_verifier does not match the code_challenge (PKCE S256).");
        }
        return (pending, null);
    }
}
