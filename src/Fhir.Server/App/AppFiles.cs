using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Fhir.Server.App;

/// <summary>
/// The landing page (<c>/</c>) and the study dashboard (<c>/app/</c>): static files embedded in the server's assembly
/// (no build step, nothing to deploy beside it). They hold no data, so anyone may fetch them; the app reads through the
/// FHIR API with its user's token, past the one access gate. Responses revalidate by ETag, and HTML pages get a
/// Content-Security-Policy that lets only the app's own scripts and styles run (no inline script or style).
/// </summary>
internal static class AppFiles
{
    /// <summary>The policy of every HTML page the server sends (the app, the landing page, the sign-in form).</summary>
    public const string HtmlPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
        + "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

    private const string Prefix = "wwwroot/";

    private static readonly FrozenDictionary<string, StaticFile> Files = Load();

    /// <summary>A file as served: its bytes, media type and ETag.</summary>
    private sealed record StaticFile(byte[] Content, string ContentType, string ETag);

    /// <summary>Whether <paramref name="path"/> is one of the app's (public) paths.</summary>
    public static bool Serves(string path) => path is "/" or "/app" || path.StartsWith("/app/", StringComparison.Ordinal);

    /// <summary>Maps <c>/</c>, <c>/app</c> (redirected to <c>/app/</c>) and the files under <c>/app/</c>.</summary>
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpContext h) => ServeAsync(h, "index.html"));
        // The catch-all matches /app too: that one is sent to /app/, the app's one URL (its SMART redirect URI).
        app.MapGet("/app/{**file}", (HttpContext h, string? file) =>
        {
            if (h.Request.Path.Value == "/app")
            {
                h.Response.Redirect("/app/" + h.Request.QueryString);
                return Task.CompletedTask;
            }
            return ServeAsync(h, "app/" + (string.IsNullOrEmpty(file) ? "index.html" : file));
        });
        return app;
    }

    private static async Task ServeAsync(HttpContext http, string name)
    {
        if (AuditContext(http) is { } audit)
        {
            // A static file carries no data of anyone's: not worth an AuditEvent per request.
            audit.Recorded = true;
        }
        if (!Files.TryGetValue(name, out var file))
        {
            http.Response.StatusCode = 404;
            return;
        }
        var headers = http.Response.Headers;
        headers.ETag = file.ETag;
        headers.CacheControl = "no-cache";
        if (file.ContentType.StartsWith("text/html", StringComparison.Ordinal))
        {
            headers.ContentSecurityPolicy = HtmlPolicy;
        }
        if (http.Request.Headers.IfNoneMatch.ToString() == file.ETag)
        {
            http.Response.StatusCode = 304;
            return;
        }
        http.Response.ContentType = file.ContentType;
        http.Response.ContentLength = file.Content.Length;
        await http.Response.Body.WriteAsync(file.Content, http.RequestAborted);
    }

    private static Audit.AuditContext? AuditContext(HttpContext http) => Audit.AuditContext.Of(http);

    private static FrozenDictionary<string, StaticFile> Load()
    {
        var assembly = typeof(AppFiles).Assembly;
        var files = new Dictionary<string, StaticFile>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var etag = "\"" + Convert.ToHexString(SHA256.HashData(content))[..20].ToLowerInvariant() + "\"";
            files[resource[Prefix.Length..]] = new StaticFile(content, ContentType(resource), etag);
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string name) => System.IO.Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
