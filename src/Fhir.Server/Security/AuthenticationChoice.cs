using Microsoft.Extensions.Hosting;

namespace Fhir.Server.Security;

/// <summary>
/// How the server authenticates, decided once at start from <c>Auth:Mode</c>, the configured clients and authority, and
/// the host environment (ASP.NET Core's <c>ASPNETCORE_ENVIRONMENT</c>; <c>dotnet run</c> uses Development through
/// <c>Properties/launchSettings.json</c>, anything else runs as Production):
/// <list type="bullet">
/// <item><c>Auth:Mode</c> given: that mode (<c>None</c> still only on loopback addresses, <see cref="SecuritySetup.LoopbackCheck"/>).</item>
/// <item>Not given, with a client or an authority: <c>Smart</c>.</item>
/// <item>Not given, with neither, in Development: <c>None</c>, so that the first <c>dotnet run</c> gives a usable server;
/// loopback only, and said loudly at start and in the CapabilityStatement.</item>
/// <item>Otherwise (any other environment, or <c>Smart</c> with no way to get a token) the server refuses to start and says
/// which settings to add: a server nobody can authenticate to is a misconfiguration, not a secure default.</item>
/// </list>
/// </summary>
internal sealed class AuthenticationChoice
{
    private AuthenticationChoice(AuthMode mode, bool byDefault)
    {
        Mode = mode;
        ByDefault = byDefault;
    }

    /// <summary>The mode the server runs in.</summary>
    public AuthMode Mode { get; }

    /// <summary>True when <see cref="AuthMode.None"/> was chosen because nothing was configured (Development only).</summary>
    public bool ByDefault { get; }

    /// <summary>What to add for the server to authenticate requests, named as environment variables.</summary>
    public const string SettingsToAdd =
        "add a client of the built-in token endpoint (Auth__Clients__0__ClientId=<id>, Auth__Clients__0__ClientSecret=<secret> "
        + "or Auth__Clients__0__Jwks=<JWKS JSON>, and Auth__Clients__0__Scopes=\"system/*.rs\"), or an external OpenID Connect issuer "
        + "(Auth__Authority=https://issuer.example.org)";

    /// <summary>What the server says at start (and in its CapabilityStatement) when it runs without authentication.</summary>
    public string? Warning => Mode != AuthMode.None ? null : ByDefault
        ? "AUTHENTICATION IS OFF: no client or authority is configured, so in the Development environment the server accepts every "
          + "request without a token, from loopback addresses only. To turn it on, " + SettingsToAdd + "."
        : "AUTHENTICATION IS OFF (Auth:Mode=None): every request is accepted without a token, from loopback addresses only. "
          + "Use this only for local development.";

    /// <summary>Decides; throws <see cref="StartupException"/> when the server must not start as configured.</summary>
    public static AuthenticationChoice Decide(AuthOptions auth, IHostEnvironment environment)
    {
        var configured = auth.Clients.Count > 0 || !string.IsNullOrWhiteSpace(auth.Authority);
        switch (auth.Mode)
        {
            case AuthMode.None:
                return new(AuthMode.None, byDefault: false);
            case AuthMode.Smart when configured || environment.IsDevelopment():
                return new(AuthMode.Smart, byDefault: false);
            case AuthMode.Smart:
                throw new StartupException(
                    $"Auth:Mode is Smart but no client or authority is configured, so no request could ever be authenticated: {SettingsToAdd}.");
            case null when configured:
                return new(AuthMode.Smart, byDefault: false);
            case null when environment.IsDevelopment():
                return new(AuthMode.None, byDefault: true);
            default:
                throw new StartupException(
                    $"No client or authority is configured, and in the {environment.EnvironmentName} environment the server does not run "
                    + $"without authentication: {SettingsToAdd}. To try the server without authentication, run it in the Development "
                    + "environment (ASPNETCORE_ENVIRONMENT=Development, as dotnet run does) on a loopback address.");
        }
    }
}
