using System.Net;
using System.Text.Json;
using Fhir.Server.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Security;

/// <summary>Registers authentication, authorisation and the audit trail, and maps the SMART discovery and token endpoints.</summary>
internal static class SecuritySetup
{
    public static IServiceCollection AddFhirSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        var auth = new AuthOptions();
        configuration.GetSection(AuthOptions.Section).Bind(auth);
        var audit = new AuditOptions();
        configuration.GetSection(AuditOptions.Section).Bind(audit);
        if (auth.Clients.Any(c => string.IsNullOrWhiteSpace(c.ClientId) || (c.ClientSecret is null && c.Jwks is null)))
        {
            throw new InvalidOperationException("Every Auth:Clients entry needs a ClientId and a ClientSecret or Jwks.");
        }
        if (auth.AnonymousRequestsPerMinute < 0 || auth.TokenFailuresBeforeBackoff < 0 || auth.TokenBackoffMaxSeconds < 1 || audit.FailureIntervalSeconds < 1 || audit.IndexBacklog < 0)
        {
            throw new InvalidOperationException(
                "Auth or Audit options out of range: Auth:AnonymousRequestsPerMinute >= 0, Auth:TokenFailuresBeforeBackoff >= 0, Auth:TokenBackoffMaxSeconds >= 1, Audit:FailureIntervalSeconds >= 1, Audit:IndexBacklog >= 0.");
        }
        services.AddSingleton(auth);
        services.AddSingleton(sp => AuthenticationChoice.Decide(auth, sp.GetRequiredService<IHostEnvironment>()));
        services.AddSingleton(audit);
        services.AddSingleton(_ => SigningKey.LoadOrCreate(auth.SigningKeyPath));
        services.AddSingleton(sp => new AccessTokens(auth, sp.GetRequiredService<SigningKey>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ClientAssertions(sp.GetRequiredService<TimeProvider>(), auth.ClockSkewSeconds, sp.GetRequiredService<Fhir.Storage.IFhirStore>()));
        services.AddSingleton(sp => new ClientLockout(auth, sp.GetRequiredService<Fhir.Storage.IFhirStore>(), sp.GetRequiredService<TimeProvider>()));
        if (auth.Users.Any(u => string.IsNullOrWhiteSpace(u.UserName) || !Fhir.Storage.Security.PasswordHash.IsWellFormed(u.PasswordHash)))
        {
            throw new InvalidOperationException("Every Auth:Users entry needs a UserName and a PasswordHash made by 'fhir auth hash-password'.");
        }
        services.AddSingleton<AuthorizationCodes>();
        services.AddSingleton<AuthorizeEndpoint>();
        services.AddSingleton<TokenEndpoint>();
        services.AddSingleton<ClientRateLimits>();
        services.AddHostedService(sp => sp.GetRequiredService<ClientRateLimits>());
        services.AddSingleton<AuditLog>();
        services.AddSingleton<AuditIndexer>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditIndexer>());
        services.AddSingleton<FailureAudit>();
        services.AddHostedService(sp => sp.GetRequiredService<FailureAudit>());
        services.AddSingleton<LoopbackCheck>();
        services.AddHostedService(sp => sp.GetRequiredService<LoopbackCheck>());
        services.AddRequestTimeouts(o => o.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = TimeSpan.FromSeconds(auth.RequestTimeoutSeconds),
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
            WriteTimeoutResponse = http => FhirServerSetup.WriteOutcome(http, StatusCodes.Status503ServiceUnavailable, Fhir.Core.Outcomes.IssueType.Timeout,
                $"The request took longer than {auth.RequestTimeoutSeconds} s and was cancelled; nothing it was writing was stored."),
        });
        return services;
    }

    public static WebApplication UseFhirSecurity(this WebApplication app)
    {
        app.UseMiddleware<SecurityMiddleware>();
        app.UseRequestTimeouts();
        return app;
    }

    public static IEndpointRouteBuilder MapFhirSecurity(this IEndpointRouteBuilder app)
    {
        app.MapPost(TokenEndpoint.Path, (HttpContext h, TokenEndpoint token) => token.HandleAsync(h));
        app.MapGet(AuthorizeEndpoint.Path, (HttpContext h, AuthorizeEndpoint authorize) => authorize.GetAsync(h));
        app.MapPost(AuthorizeEndpoint.Path, (HttpContext h, AuthorizeEndpoint authorize) => authorize.PostAsync(h));
        app.MapGet("/auth/jwks", (SigningKey key) => Results.Text(key.PublicJwks(), "application/json"));
        app.MapGet("/.well-known/smart-configuration", (HttpContext h, AuthOptions auth, Http.PublicUrls urls) => Results.Text(SmartConfiguration(h, auth, urls), "application/json"));
        return app;
    }

    // What a SMART client needs to find and use the token endpoint (SMART App Launch 2.0 §2.0.10).
    private static string SmartConfiguration(HttpContext http, AuthOptions auth, Http.PublicUrls urls)
    {
        var origin = urls.Origin(http);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["issuer"] = auth.Issuer,
            ["jwks_uri"] = origin + "/auth/jwks",
            ["token_endpoint"] = origin + TokenEndpoint.Path,
            ["authorization_endpoint"] = origin + AuthorizeEndpoint.Path,
            ["grant_types_supported"] = new[] { "client_credentials", "authorization_code" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["response_types_supported"] = new[] { "code" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post", "private_key_jwt" },
            ["token_endpoint_auth_signing_alg_values_supported"] = new[] { "RS384", "ES384" },
            ["scopes_supported"] = new[] { "system/*.cruds", "user/*.cruds", "patient/*.cruds", "system/*.rs", "system/*.read", "system/*.write" },
            ["capabilities"] = new[] { "client-confidential-symmetric", "client-confidential-asymmetric", "permission-v1", "permission-v2", "context-standalone-patient", "launch-standalone", "client-public", "permission-user", "permission-patient" },
        });
    }

    /// <summary>
    /// Running without authentication (<c>Auth:Mode=None</c>, or nothing configured in Development) is allowed only when
    /// every address the server listens on is loopback. The addresses are known once the server has started, so the
    /// check runs then and stops the host (exit code 1) before any request is served from a public address.
    /// </summary>
    internal sealed class LoopbackCheck(AuthenticationChoice choice, IServer server, IHostApplicationLifetime lifetime, ILogger<LoopbackCheck> logger) : IHostedService
    {
        /// <summary>Whether unauthenticated requests may be served: set once the addresses are known to be loopback.</summary>
        public bool Confirmed { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (choice.Mode == AuthMode.None)
            {
                lifetime.ApplicationStarted.Register(Check);
            }
            return Task.CompletedTask;
        }

        private void Check()
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var exposed = addresses.Where(a => !IsLoopback(a)).ToList();
            if (exposed.Count > 0)
            {
                if (choice.ByDefault)
                {
                    logger.LogCritical(
                        "No client or authority is configured, so the server would run without authentication, which it does on loopback addresses only; "
                        + "but it listens on {Addresses}. Listen on loopback only (--urls http://127.0.0.1:8080) or " + AuthenticationChoice.SettingsToAdd + ". Stopping.",
                        string.Join(", ", exposed));
                }
                else
                {
                    logger.LogCritical("Auth:Mode=None is allowed only on loopback addresses, but the server listens on {Addresses}; stopping.", string.Join(", ", exposed));
                }
                Environment.ExitCode = 1;
                lifetime.StopApplication();
                return;
            }
            Confirmed = true;
            logger.LogWarning("{Warning}", choice.Warning);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        internal static bool IsLoopback(string address)
        {
            if (!Uri.TryCreate(address.Replace("://+", "://plus", StringComparison.Ordinal).Replace("://*", "://star", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                return false;
            }
            return uri.Host == "localhost" || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        }
    }
}
