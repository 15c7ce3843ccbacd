using System.Threading.RateLimiting;
using Fhir.Core.Outcomes;
using Fhir.Server.Audit;
using Fhir.Server.Outcomes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Security;

/// <summary>
/// The front door of every request, in this order: security headers; an audit context; the size
/// limit (before any authentication work is spent); the bearer token (401 without a valid one,
/// except on the public endpoints); the client's rate limit (429); then the request; and finally
/// the AuditEvent of a request that no interaction recorded itself (401s, unknown routes...).
/// </summary>
internal sealed class SecurityMiddleware(
    RequestDelegate next, AuthOptions auth, FhirServerOptions fhir, AccessTokens tokens, AuditLog audit, SecuritySetup.LoopbackCheck loopback,
    TimeProvider clock, ILogger<SecurityMiddleware> logger)
{
    private readonly PartitionedRateLimiter<string>? _limiter = auth.RequestsPerMinute <= 0 ? null :
        PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = auth.RequestsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public async Task InvokeAsync(HttpContext http)
    {
        AddSecurityHeaders(http.Response);
        AuditContext? context = null;
        if (audit.Enabled)
        {
            context = new AuditContext(http, audit, clock.GetUtcNow());
            http.Features.Set(context);
        }
        try
        {
            await AuthoriseAndRunAsync(http, context);
        }
        finally
        {
            if (context is { Recorded: false })
            {
                try
                {
                    context.Interaction ??= Interaction(http);
                    await audit.RecordAsync(context, http.Response.StatusCode);
                }
                catch (Exception e)
                {
                    logger.LogError(e, "The audit event of {Method} {Path} could not be stored.", http.Request.Method, http.Request.Path);
                }
            }
        }
    }

    private async Task AuthoriseAndRunAsync(HttpContext http, AuditContext? context)
    {
        // $import streams its NDJSON body to disk and holds it to Import:MaxUploadBytes itself.
        if (http.Request.ContentLength > fhir.MaxRequestBodyBytes && http.Request.Path.Value != ImportPath)
        {
            await FhirServerSetup.WriteOutcome(http, 413, IssueType.TooCostly, $"The request body is larger than the limit of {fhir.MaxRequestBodyBytes} bytes.");
            return;
        }

        AccessGrant grant;
        if (IsPublic(http.Request))
        {
            grant = AccessGrant.Nobody;
        }
        else if (auth.Mode == AuthMode.None)
        {
            if (!loopback.Confirmed)
            {
                await FhirServerSetup.WriteOutcome(http, 503, IssueType.Transient, "The server is starting.");
                return;
            }
            grant = AccessGrant.Unrestricted("anonymous");
        }
        else
        {
            var header = http.Request.Headers.Authorization.ToString();
            if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                http.Response.Headers.WWWAuthenticate = "Bearer realm=\"fhir-server\"";
                await FhirServerSetup.WriteOutcome(http, 401, IssueType.Login, "A bearer token is required (SMART on FHIR; see /.well-known/smart-configuration).");
                return;
            }
            var (validated, error) = await tokens.ValidateAsync(header[7..].Trim(), http.RequestAborted);
            if (validated is null)
            {
                http.Response.Headers.WWWAuthenticate = $"Bearer realm=\"fhir-server\", error=\"invalid_token\", error_description=\"{error}\"";
                await FhirServerSetup.WriteOutcome(http, 401, IssueType.Login, error!);
                return;
            }
            grant = validated;
        }
        context?.SetClient(grant.ClientId, grant.ScopeText);
        http.Features.Set(grant);

        if (_limiter is not null)
        {
            var partition = grant.ClientId.Length > 0 ? "client:" + grant.ClientId : "ip:" + http.Connection.RemoteIpAddress;
            using var lease = _limiter.AttemptAcquire(partition);
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;
                http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await FhirServerSetup.WriteOutcome(http, 429, IssueType.Throttled, $"Too many requests from this client; retry after {retryAfter} s.");
                return;
            }
        }
        await next(http);
    }

    private const string ImportPath = "/fhir/$import";

    /// <summary>Endpoints anyone may call: the capability statement, SMART discovery, the token endpoint and its keys.</summary>
    private static bool IsPublic(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        return path is "/fhir/metadata" or "/fhir/metadata/" or "/.well-known/smart-configuration" or TokenEndpoint.Path or "/auth/jwks";
    }

    private static string Interaction(HttpContext http) => (http.Request.Path.Value ?? "") switch
    {
        TokenEndpoint.Path => "authenticate",
        "/fhir/metadata" => "capabilities",
        _ => "unknown",
    };

    private static void AddSecurityHeaders(HttpResponse response)
    {
        var headers = response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
        headers["Referrer-Policy"] = "no-referrer";
        if (response.HttpContext.Request.IsHttps)
        {
            headers.StrictTransportSecurity = "max-age=31536000";
        }
    }
}
