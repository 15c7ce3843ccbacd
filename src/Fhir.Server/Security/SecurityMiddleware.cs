using System.Threading.RateLimiting;
using Fhir.Core.Outcomes;
using Fhir.Server.Audit;
using Fhir.Server.Outcomes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Security;

/// <summary>
/// The front door of every request, in this order: security headers; an audit context; the Host header (400 unless
/// allowed, <see cref="Http.PublicUrls"/>); the size limit (before any authentication work is spent); the bearer
/// token (401 without a valid one, except on the public endpoints); the rate limits (429): per client for requests
/// with a valid token, per source address for every other request (<see cref="AuthOptions.AnonymousRequestsPerMinute"/>);
/// then the request; and finally the AuditEvent of a request that no interaction recorded itself, refusals folded
/// per source and interval (<see cref="FailureAudit"/>).
/// </summary>
internal sealed class SecurityMiddleware(
    RequestDelegate next, AuthOptions auth, FhirServerOptions fhir, AccessTokens tokens, AuditLog audit, FailureAudit failures,
    SecuritySetup.LoopbackCheck loopback, Http.PublicUrls urls, TimeProvider clock, ILogger<SecurityMiddleware> logger)
{
    private readonly PartitionedRateLimiter<string>? _limiter = Limiter(auth.RequestsPerMinute);

    // Requests without a valid token, per source address: a flood of them is refused cheaply, before any token work.
    private readonly PartitionedRateLimiter<string>? _anonymous = Limiter(auth.AnonymousRequestsPerMinute);

    private static PartitionedRateLimiter<string>? Limiter(int perMinute) => perMinute <= 0 ? null :
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute,
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
                    var status = http.Response.StatusCode;
                    await (FailureAudit.Folds(context, status) ? failures.RecordAsync(context, status) : audit.RecordAsync(context, status));
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
        if (!urls.IsAllowed(http))
        {
            // Nothing may echo a Host header the server does not answer to (Location, links, token audience).
            if (!await RefusedAsAnonymousFloodAsync(http))
            {
                await FhirServerSetup.WriteOutcome(http, 400, IssueType.Invalid,
                    $"This server does not answer to the host '{http.Request.Host}' (AllowedHosts, or set Fhir:BaseUrl).");
            }
            return;
        }
        // $import streams its NDJSON body to disk and holds it to Import:MaxUploadBytes itself.
        if (http.Request.ContentLength > fhir.MaxRequestBodyBytes && http.Request.Path.Value != ImportPath)
        {
            if (!await RefusedAsAnonymousFloodAsync(http))
            {
                await FhirServerSetup.WriteOutcome(http, 413, IssueType.TooCostly, $"The request body is larger than the limit of {fhir.MaxRequestBodyBytes} bytes.");
            }
            return;
        }

        AccessGrant grant;
        if (IsPublic(http.Request))
        {
            if (await RefusedAsAnonymousFloodAsync(http))
            {
                return;
            }
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
                if (!await RefusedAsAnonymousFloodAsync(http))
                {
                    http.Response.Headers.WWWAuthenticate = "Bearer realm=\"fhir-server\"";
                    await FhirServerSetup.WriteOutcome(http, 401, IssueType.Login, "A bearer token is required (SMART on FHIR; see /.well-known/smart-configuration).");
                }
                return;
            }
            var (validated, error) = await tokens.ValidateAsync(header[7..].Trim(), http.RequestAborted);
            if (validated is null)
            {
                if (!await RefusedAsAnonymousFloodAsync(http))
                {
                    http.Response.Headers.WWWAuthenticate = $"Bearer realm=\"fhir-server\", error=\"invalid_token\", error_description=\"{error}\"";
                    await FhirServerSetup.WriteOutcome(http, 401, IssueType.Login, error!);
                }
                return;
            }
            grant = validated;
        }
        context?.SetClient(grant.ClientId, grant.ScopeText);
        http.Features.Set(grant);

        if (_limiter is not null && grant.ClientId.Length > 0)
        {
            using var lease = _limiter.AttemptAcquire("client:" + grant.ClientId);
            if (!lease.IsAcquired)
            {
                await TooManyAsync(http, lease, "Too many requests from this client");
                return;
            }
        }
        await next(http);
    }

    /// <summary>
    /// Counts a request without a valid token against its source address; when the address is over its limit,
    /// answers 429 (an OAuth error at the token endpoint, an OperationOutcome elsewhere) and returns true.
    /// </summary>
    private async Task<bool> RefusedAsAnonymousFloodAsync(HttpContext http)
    {
        if (_anonymous is null)
        {
            return false;
        }
        using var lease = _anonymous.AttemptAcquire(SourceAddress.Of(http));
        if (lease.IsAcquired)
        {
            return false;
        }
        await TooManyAsync(http, lease, "Too many requests without a valid token from this address");
        return true;
    }

    private static async Task TooManyAsync(HttpContext http, RateLimitLease lease, string what)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;
        http.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = $"{what}; retry after {retryAfter} s.";
        if (http.Request.Path.Value == TokenEndpoint.Path)
        {
            await TokenEndpoint.Error(http, 429, "temporarily_unavailable", message);
            return;
        }
        await FhirServerSetup.WriteOutcome(http, 429, IssueType.Throttled, message);
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
