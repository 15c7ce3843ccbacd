using System.Net;
using System.Text;
using Fhir.Server.Audit;
using Fhir.Storage.Security;
using Microsoft.AspNetCore.Http;

namespace Fhir.Server.Security;

/// <summary>
/// <c>/auth/authorize</c>: a minimal authorisation endpoint for SMART App Launch's authorization code flow with PKCE
/// (S256 only) and public clients, so that people configured in <see cref="AuthOptions.Users"/> can sign in to the
/// dashboard without an external identity provider. GET shows the sign-in form; POST checks the password (failed
/// attempts back off per user, <see cref="ClientLockout"/>) and redirects to the client with a single-use code.
/// The token carries the requested scopes within the user's own: <c>user/</c> scopes are the user's grants.
/// </summary>
internal sealed class AuthorizeEndpoint(AuthOptions options, AuthorizationCodes codes, ClientLockout lockout, Http.PublicUrls urls)
{
    /// <summary>The path of the endpoint.</summary>
    public const string Path = "/auth/authorize";

    /// <summary>The built-in dashboard's client id: a public client (no secret) whose redirect URI is the app's own page.</summary>
    public const string DashboardClientId = "fhir-dashboard";

    /// <summary>The redirect URIs of <see cref="DashboardClientId"/>, relative to the server's origin.</summary>
    public const string DashboardRedirectPath = "/app/";

    private static readonly string[] Fields = ["response_type", "client_id", "redirect_uri", "scope", "state", "aud", "code_challenge", "code_challenge_method"];

    public async Task GetAsync(HttpContext http)
    {
        var query = Fields.ToDictionary(f => f, f => http.Request.Query[f].ToString());
        if (Check(http, query) is { } error)
        {
            await PageAsync(http, 400, query, error, form: false);
            return;
        }
        await PageAsync(http, 200, query, null, form: true);
    }

    public async Task PostAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType)
        {
            await PageAsync(http, 400, new Dictionary<string, string>(), "The sign-in must be posted as a form.", form: false);
            return;
        }
        var (form, status, refusal) = await Http.Forms.ReadAsync(http.Request, Http.Forms.TokenRequest, Http.Forms.MaxTokenRequestBytes, http.RequestAborted);
        if (form is null)
        {
            await PageAsync(http, status is 413 ? 413 : 400, new Dictionary<string, string>(), refusal!, form: false);
            return;
        }
        var values = Fields.ToDictionary(f => f, f => form[f].ToString());
        if (Check(http, values) is { } error)
        {
            await PageAsync(http, 400, values, error, form: false);
            return;
        }
        var name = form["username"].ToString();
        var password = form["password"].ToString();
        var source = SourceAddress.Of(http);
        var key = "user:" + name;
        if (await lockout.WaitAsync(key, source, http.RequestAborted) is { } wait)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await PageAsync(http, 429, values, $"Too many failed sign-ins; try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s.", form: true);
            return;
        }
        var user = options.Users.FirstOrDefault(u => u.UserName == name && name.Length > 0);
        // The hash is checked even for an unknown name, so that the time taken does not tell which names exist.
        var valid = PasswordHash.Verify(password, user?.PasswordHash ?? UnknownUserHash) && user is not null;
        if (!valid)
        {
            await lockout.FailedAsync(key, source, CancellationToken.None);
            AuditContext.Of(http)?.SetClient(key, "");
            await PageAsync(http, 401, values, "Unknown user name or wrong password.", form: true);
            return;
        }
        await lockout.SucceededAsync(key, source, CancellationToken.None);
        var scopes = Grant(values["scope"], user!.Scopes);
        if (scopes.Length == 0)
        {
            await PageAsync(http, 403, values, "None of the requested scopes is granted to this user.", form: false);
            return;
        }
        AuditContext.Of(http)?.SetClient(key, scopes);
        var code = codes.Issue(new AuthorizationCodes.PendingCode(
            values["client_id"], values["redirect_uri"], values["code_challenge"], user.UserName, scopes, user.Patient, DateTimeOffset.MinValue));
        var location = new StringBuilder(values["redirect_uri"]).Append("?code=").Append(Uri.EscapeDataString(code));
        if (values["state"].Length > 0)
        {
            location.Append("&state=").Append(Uri.EscapeDataString(values["state"]));
        }
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Redirect(location.ToString());
    }

    /// <summary>
    /// The scopes a token gets: each requested resource scope that one of the user's covers, and each of the user's that a
    /// requested one covers (the narrower of the two, so that asking for <c>user/*.cruds</c> gives a read-only user
    /// <c>user/*.rs</c>).
    /// </summary>
    internal static string Grant(string requested, string held)
    {
        var mine = SmartScope.ParseAll(held);
        var asked = requested.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => (Text: s, Scope: SmartScope.Parse(s))).Where(s => s.Scope is not null).ToList();
        var granted = new List<string>();
        foreach (var (text, scope) in asked)
        {
            if (mine.Any(m => m.Covers(scope!)) && !granted.Contains(text))
            {
                granted.Add(text);
            }
        }
        foreach (var text in held.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (SmartScope.Parse(text) is { } scope && asked.Any(a => a.Scope!.Covers(scope)) && !granted.Contains(text))
            {
                granted.Add(text);
            }
        }
        return string.Join(' ', granted);
    }

    // A hash of nothing anyone can type, checked for unknown names.
    private static readonly string UnknownUserHash = PasswordHash.Create(Guid.NewGuid().ToString("N"));

    private string? Check(HttpContext http, Dictionary<string, string> v)
    {
        if (options.Users.Count == 0)
        {
            return "Sign-in is not configured on this server (Auth:Users).";
        }
        if (v["client_id"] != DashboardClientId)
        {
            return $"Unknown client_id; this server signs users in for '{DashboardClientId}' only.";
        }
        if (v["redirect_uri"] != urls.Origin(http) + DashboardRedirectPath)
        {
            return "redirect_uri is not registered for this client.";
        }
        if (v["response_type"] != "code")
        {
            return "response_type must be 'code'.";
        }
        if (v["code_challenge_method"] != "S256" || v["code_challenge"].Length != 43)
        {
            return "PKCE is required: code_challenge (43 characters) with code_challenge_method=S256.";
        }
        if (v["aud"].Length > 0 && v["aud"].TrimEnd('/') != urls.FhirBase(http).TrimEnd('/'))
        {
            return "aud is not this server's FHIR base URL.";
        }
        return null;
    }

    private static async Task PageAsync(HttpContext http, int status, IReadOnlyDictionary<string, string> values, string? error, bool form)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/html; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.ContentSecurityPolicy = App.AppFiles.HtmlPolicy;
        var html = new StringBuilder()
            .Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>Sign in · FHIR trial server</title><link rel=\"stylesheet\" href=\"/app/app.css\"></head><body><main class=\"signin\">")
            .Append("<h1>Sign in</h1>");
        if (error is not null)
        {
            html.Append("<p class=\"error\" role=\"alert\">").Append(WebUtility.HtmlEncode(error)).Append("</p>");
        }
        if (form)
        {
            html.Append("<p>The study dashboard asks for: <code>").Append(WebUtility.HtmlEncode(values.GetValueOrDefault("scope") ?? "")).Append("</code></p>")
                .Append("<form method=\"post\" action=\"").Append(Path).Append("\">");
            foreach (var (name, value) in values)
            {
                html.Append("<input type=\"hidden\" name=\"").Append(name).Append("\" value=\"").Append(WebUtility.HtmlEncode(value)).Append("\">");
            }
            html.Append("<label>User name <input name=\"username\" autocomplete=\"username\" required autofocus></label>")
                .Append("<label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label>")
                .Append("<button type=\"submit\">Sign in</button></form>");
        }
        html.Append("<p><a href=\"/\">About this server</a></p></main></body></html>");
        await http.Response.WriteAsync(html.ToString(), http.RequestAborted);
    }
}
