using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Fhir.Server.Http;

/// <summary>
/// The server's own public URLs, for everything that names them: Location headers and Bundle links (the FHIR base),
/// the SMART configuration and the audience a client assertion must name (the token endpoint). With
/// <see cref="FhirServerOptions.BaseUrl"/> they come from it and never from a request. Without it (allowed outside
/// the Production environment only) they come from the request, and only requests whose Host header is allowed get
/// that far (<see cref="IsAllowed"/>): <c>AllowedHosts</c> when configured, else the loopback names.
/// </summary>
internal sealed class PublicUrls
{
    /// <summary>The hosts a server without a base URL and without <c>AllowedHosts</c> answers to: its own machine.</summary>
    public static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    private readonly string? _base;
    private readonly string? _origin;
    private readonly StringSegment[]? _allowedHosts;

    /// <param name="options">The server options (<see cref="FhirServerOptions.BaseUrl"/>).</param>
    /// <param name="allowedHosts">The <c>AllowedHosts</c> setting (ASP.NET Core's: host patterns separated by <c>;</c>, <c>*</c> for any); null when not set.</param>
    public PublicUrls(FhirServerOptions options, string? allowedHosts)
    {
        _base = options.BaseUrl?.TrimEnd('/');
        _origin = _base is null ? null : OriginOf(_base);
        var patterns = (allowedHosts ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (patterns.Length > 0)
        {
            _allowedHosts = patterns.Contains("*") ? null : [.. patterns.Select(p => new StringSegment(p))];
        }
        else
        {
            // With a base URL the Host header is never used, so any is accepted (behind a proxy it is often internal).
            _allowedHosts = _base is null ? [.. LoopbackHosts.Select(h => new StringSegment(h))] : null;
        }
    }

    /// <summary>True when the request's Host may be answered: always, unless an allow-list applies and the host is not on it.</summary>
    public bool IsAllowed(HttpContext http) =>
        _allowedHosts is null || (http.Request.Host.HasValue && HostString.MatchesAny(http.Request.Host.Host, _allowedHosts));

    /// <summary>The FHIR base (<c>https://example.org/fhir</c>): configured, or this request's scheme, host and <c>/fhir</c>.</summary>
    public string FhirBase(HttpContext http) => _base ?? RequestOrigin(http) + "/fhir";

    /// <summary>
    /// Where the server's root is published (its <c>/auth/token</c>, <c>/.well-known/…</c>): the base URL without its
    /// last path segment (the server's own <c>/fhir</c>), or this request's scheme and host.
    /// </summary>
    public string Origin(HttpContext http) => _origin ?? RequestOrigin(http);

    /// <summary>The token endpoint's URL: what a client assertion's <c>aud</c> must be.</summary>
    public string TokenEndpoint(HttpContext http) => Origin(http) + Security.TokenEndpoint.Path;

    private static string RequestOrigin(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    // https://example.org/api/fhir → https://example.org/api; https://example.org/fhir → https://example.org.
    private static string OriginOf(string baseUrl)
    {
        var uri = new Uri(baseUrl);
        var path = uri.AbsolutePath.TrimEnd('/');
        var slash = path.LastIndexOf('/');
        return uri.GetLeftPart(UriPartial.Authority) + (slash > 0 ? path[..slash] : "");
    }
}
