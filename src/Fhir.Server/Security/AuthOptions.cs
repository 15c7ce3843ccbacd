namespace Fhir.Server.Security;

/// <summary>Authentication and authorisation, bound from the <c>Auth</c> configuration section.</summary>
public sealed class AuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Auth";

    /// <summary>
    /// <c>Smart</c>: every FHIR request needs a bearer token. <c>None</c>: no checks, accepted only on loopback addresses.
    /// Not set (the default): <c>Smart</c> when a client or an authority is configured; otherwise <c>None</c> in the
    /// Development environment, and a refusal to start anywhere else (see <see cref="AuthenticationChoice"/>).
    /// </summary>
    public AuthMode? Mode { get; set; }

    /// <summary>An external OpenID Connect issuer whose tokens are accepted too (keys by JWKS discovery); null for none.</summary>
    public string? Authority { get; set; }

    /// <summary>The <c>aud</c> that tokens must carry. Default <c>fhir-server</c>; with an external authority, its audience for this server.</summary>
    public string Audience { get; set; } = "fhir-server";

    /// <summary>The <c>iss</c> of the tokens the built-in token endpoint issues. Default <c>fhir-server</c>.</summary>
    public string Issuer { get; set; } = "fhir-server";

    /// <summary>Lifetime of issued access tokens, in seconds. Default 300 (SMART backend services recommend at most five minutes).</summary>
    public int TokenLifetimeSeconds { get; set; } = 300;

    /// <summary>Allowed clock difference when checking token times, in seconds. Default 30.</summary>
    public int ClockSkewSeconds { get; set; } = 30;

    /// <summary>
    /// Where the token signing key is kept (a PKCS#8 PEM file, created on first start with owner-only
    /// permissions). Default <c>data/keys/token-signing-key.pem</c>, beside the default database and
    /// outside version control.
    /// </summary>
    public string SigningKeyPath { get; set; } = System.IO.Path.Combine("data", "keys", "token-signing-key.pem");

    /// <summary>The clients that may ask the built-in token endpoint for tokens.</summary>
    public IList<ClientOptions> Clients { get; } = [];

    /// <summary>People who may sign in at the built-in authorisation endpoint (<c>Auth:Users:&lt;n&gt;</c>), for SMART apps such as the dashboard.</summary>
    public IList<UserOptions> Users { get; } = [];

    /// <summary>Lifetime, in seconds, of a signed-in user's access token (the dashboard's session; sign in again after it). Default 1,800.</summary>
    public int UserSessionSeconds { get; set; } = 1_800;

    /// <summary>Requests per client and minute before 429; 0 turns the limit off. Default 6,000.</summary>
    public int RequestsPerMinute { get; set; } = 6_000;

    /// <summary>
    /// Requests per source address and minute that carry no valid token (401s, the public endpoints, the token endpoint)
    /// before 429; 0 turns the limit off. Default 600. IPv6 addresses count by their /64 network.
    /// </summary>
    public int AnonymousRequestsPerMinute { get; set; } = 600;

    /// <summary>Failed authentications of one client at the token endpoint before each further one delays the next. Default 5.</summary>
    public int TokenFailuresBeforeBackoff { get; set; } = 5;

    /// <summary>
    /// The longest delay, in seconds, that failed authentications of one client impose on its next attempt (the delay
    /// doubles from 1 s with each failure beyond <see cref="TokenFailuresBeforeBackoff"/>). Default 300.
    /// </summary>
    public int TokenBackoffMaxSeconds { get; set; } = 300;

    /// <summary>Longest time a request may run, in seconds, before it is cancelled with 503. Default 120.</summary>
    public int RequestTimeoutSeconds { get; set; } = 120;
}

/// <summary>How requests are authenticated.</summary>
public enum AuthMode
{
    /// <summary>SMART on FHIR bearer tokens.</summary>
    Smart,

    /// <summary>No authentication (development on loopback only).</summary>
    None,
}

/// <summary>One client of the built-in token endpoint (<c>Auth:Clients:&lt;n&gt;</c>).</summary>
public sealed class ClientOptions
{
    /// <summary>The OAuth <c>client_id</c>.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The shared secret for <c>client_secret_basic</c>/<c>client_secret_post</c>; keep it out of files under version control (environment or a secret store).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The client's public keys (a JWKS as JSON) for <c>private_key_jwt</c> (SMART Backend Services).</summary>
    public string? Jwks { get; set; }

    /// <summary>Space-separated SMART scopes the client may ask for.</summary>
    public string Scopes { get; set; } = "";

    /// <summary>The patient that <c>patient/</c> scopes of this client are confined to (its launch context), as a Patient id.</summary>
    public string? Patient { get; set; }

    /// <summary>How this client's bodies are read (<c>Strict</c> or <c>Lenient</c>); null for the server's <c>Fhir:Intake</c>.</summary>
    public Pipeline.IntakeMode? Intake { get; set; }
}

/// <summary>One person of the built-in sign-in (<c>Auth:Users:&lt;n&gt;</c>).</summary>
public sealed class UserOptions
{
    /// <summary>The name to sign in with.</summary>
    public string UserName { get; set; } = "";

    /// <summary>The password's hash (<c>pbkdf2-sha256$…</c>, made by <c>fhir auth hash-password</c>); never the password.</summary>
    public string PasswordHash { get; set; } = "";

    /// <summary>Space-separated SMART scopes the user holds (<c>user/*.rs</c>: read and search everything); a token carries the requested ones among them.</summary>
    public string Scopes { get; set; } = "";

    /// <summary>The patient that the user's <c>patient/</c> scopes are confined to, as a Patient id.</summary>
    public string? Patient { get; set; }
}
