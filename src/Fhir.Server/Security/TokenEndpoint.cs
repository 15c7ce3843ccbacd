using Fhir.Server.Audit;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Fhir.Server.Security;

/// <summary>
/// <c>POST /auth/token</c>: OAuth 2.0 <c>client_credentials</c> (RFC 6749 §4.4) for the clients of
/// <see cref="AuthOptions.Clients"/>, authenticated by <c>client_secret_basic</c>,
/// <c>client_secret_post</c> or SMART Backend Services <c>private_key_jwt</c>. The token carries the
/// requested scopes that the client is allowed (all of them when none are asked for). Failed authentications of a
/// client slow down further attempts for it (<see cref="ClientLockout"/>).
/// </summary>
internal sealed class TokenEndpoint(AuthOptions options, AccessTokens tokens, ClientAssertions assertions, Http.PublicUrls urls, ClientLockout lockout, AuthorizationCodes codes)
{
    /// <summary>The path of the endpoint.</summary>
    public const string Path = "/auth/token";

    public async Task HandleAsync(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        if (!http.Request.HasFormContentType)
        {
            await Error(http, 400, "invalid_request", "The token request must be form-encoded (application/x-www-form-urlencoded).");
            return;
        }
        var (form, status, refusal) = await Http.Forms.ReadAsync(http.Request, Http.Forms.TokenRequest, Http.Forms.MaxTokenRequestBytes, http.RequestAborted);
        if (form is null)
        {
            await Error(http, status is 413 ? 413 : 400, "invalid_request", refusal!);
            return;
        }
        var audit = AuditContext.Of(http);
        if (form["grant_type"] == "authorization_code")
        {
            await RedeemCodeAsync(http, form, audit);
            return;
        }
        if (form["grant_type"] != "client_credentials")
        {
            await Error(http, 400, "unsupported_grant_type", "Only grant_type=client_credentials and authorization_code are supported.");
            return;
        }

        // The client the request claims to be, before any credential is checked: a client in backoff is refused
        // whatever it sends, so the answer says nothing about the credentials.
        var claimed = ClaimedClientId(http, form);
        var source = SourceAddress.Of(http);
        if (claimed is not null && await lockout.WaitAsync(claimed, source, http.RequestAborted) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Error(http, 429, "temporarily_unavailable", $"Too many failed authentications for this client; retry after {seconds} s.");
            return;
        }

        var (client, failure, usedBasic) = await AuthenticateAsync(http, form);
        if (client is null)
        {
            if (claimed is not null)
            {
                await lockout.FailedAsync(claimed, source, CancellationToken.None);
            }
            if (usedBasic)
            {
                http.Response.Headers.WWWAuthenticate = "Basic realm=\"fhir-server\"";
            }
            await Error(http, 401, "invalid_client", failure!);
            return;
        }
        await lockout.SucceededAsync(client.ClientId, source, CancellationToken.None);
        audit?.SetClient(client.ClientId, "");

        var allowed = SmartScope.ParseAll(client.Scopes);
        var requested = form["scope"].ToString();
        var granted = new List<string>();
        foreach (var scope in (requested.Length == 0 ? client.Scopes : requested).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (SmartScope.Parse(scope) is { } parsed && allowed.Any(a => a.Covers(parsed)) && !granted.Contains(scope))
            {
                granted.Add(scope);
            }
        }
        if (granted.Count == 0)
        {
            await Error(http, 400, "invalid_scope", "None of the requested scopes is allowed for this client.");
            return;
        }
        var scopes = string.Join(' ', granted);
        audit?.SetClient(client.ClientId, scopes);
        var (token, expiresIn) = tokens.Issue(client.ClientId, scopes, client.Patient);
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            access_token = token,
            token_type = "bearer",
            expires_in = expiresIn,
            scope = scopes,
        }), http.RequestAborted);
    }

    // SMART App Launch's token request of a public client: the code from /auth/authorize with its PKCE verifier.
    private async Task RedeemCodeAsync(HttpContext http, IFormCollection form, AuditContext? audit)
    {
        var (grant, error) = codes.Redeem(form["code"].ToString(), form["client_id"].ToString(), form["redirect_uri"].ToString(), form["code_verifier"].ToString());
        if (grant is null)
        {
            await Error(http, 400, "invalid_grant", error!);
            return;
        }
        audit?.SetClient(grant.ClientId + "/" + grant.User, grant.Scopes);
        var (token, expiresIn) = tokens.Issue(grant.ClientId, grant.Scopes, grant.Patient, grant.User, options.UserSessionSeconds);
        var body = new Dictionary<string, object>
        {
            ["access_token"] = token,
            ["token_type"] = "bearer",
            ["expires_in"] = expiresIn,
            ["scope"] = grant.Scopes,
        };
        if (grant.Patient is not null)
        {
            body["patient"] = grant.Patient;
        }
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(body), http.RequestAborted);
    }

    /// <summary>The client id a token request names (Basic user, <c>client_id</c>, or the assertion's unverified issuer), or null.</summary>
    private static string? ClaimedClientId(HttpContext http, IFormCollection form)
    {
        if (form["client_assertion"].ToString() is { Length: > 0 } assertion)
        {
            return ClientAssertions.UnverifiedIssuer(assertion);
        }
        var authorization = http.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            var (id, _) = BasicCredentials(authorization);
            return id;
        }
        return form["client_id"].ToString() is { Length: > 0 } clientId ? clientId : null;
    }

    private async Task<(ClientOptions? Client, string? Failure, bool UsedBasic)> AuthenticateAsync(HttpContext http, IFormCollection form)
    {
        var assertionType = form["client_assertion_type"].ToString();
        if (assertionType.Length > 0)
        {
            if (assertionType != ClientAssertions.JwtBearerType)
            {
                return (null, "Unsupported client_assertion_type.", false);
            }
            // From Fhir:BaseUrl when set: an assertion made for another server, sent with that server's Host header, fails.
            var endpoint = urls.TokenEndpoint(http);
            var (clientId, error) = await assertions.ValidateAsync(form["client_assertion"].ToString(), options.Clients.ToList(), [endpoint]);
            return clientId is null ? (null, error, false) : (options.Clients.First(c => c.ClientId == clientId), null, false);
        }

        string? id = null, secret = null;
        var basic = false;
        var authorization = http.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            basic = true;
            (id, secret) = BasicCredentials(authorization);
            if (id is null)
            {
                return (null, "The Basic credentials are not valid (base64 of client_id:client_secret).", true);
            }
        }
        else
        {
            id = form["client_id"].ToString();
            secret = form["client_secret"].ToString();
        }
        var client = options.Clients.FirstOrDefault(c => c.ClientId == id);
        if (client?.ClientSecret is not { Length: > 0 } expected || secret is null || !SecretsEqual(expected, secret))
        {
            return (null, "Unknown client or wrong secret.", basic);
        }
        return (client, null, basic);
    }

    // RFC 6749 §2.3.1: base64 of the form-encoded id and secret joined by a colon; (null, null) when unreadable.
    private static (string? Id, string? Secret) BasicCredentials(string authorization)
    {
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
            var colon = pair.IndexOf(':');
            return colon > 0
                ? (Uri.UnescapeDataString(pair[..colon].Replace('+', ' ')), Uri.UnescapeDataString(pair[(colon + 1)..].Replace('+', ' ')))
                : (null, null);
        }
        catch (FormatException)
        {
            return (null, null);
        }
    }

    // Constant time: how much of a secret matched must not show in the response time.
    private static bool SecretsEqual(string expected, string given) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(expected)), SHA256.HashData(Encoding.UTF8.GetBytes(given)));

    /// <summary>An OAuth error response (RFC 6749 §5.2).</summary>
    internal static async Task Error(HttpContext http, int status, string error, string description)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(new { error, error_description = description }), http.RequestAborted);
    }
}
