using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Fhir.Cli.Remote;

/// <summary>
/// A FHIR server as the CLI talks to it: its base URL and an HTTP client that carries a bearer token when one is needed,
/// either given (<c>--token</c>) or obtained with OAuth 2.0 client credentials from the token endpoint the server's
/// <c>.well-known/smart-configuration</c> names, and obtained again before it expires.
/// </summary>
internal sealed class ServerConnection : IDisposable
{
    private static readonly TimeSpan Early = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private readonly string? _clientId;
    private readonly string? _clientSecret;
    private readonly bool _ownsClient;
    private string? _token;
    private DateTimeOffset _expires = DateTimeOffset.MaxValue;

    private ServerConnection(HttpClient http, Uri baseUrl, string? token, string? clientId, string? clientSecret, bool ownsClient)
    {
        Http = http;
        BaseUrl = baseUrl;
        _token = token;
        _clientId = clientId;
        _clientSecret = clientSecret;
        _ownsClient = ownsClient;
    }

    /// <summary>The FHIR base URL, ending with '/'.</summary>
    public Uri BaseUrl { get; }

    public HttpClient Http { get; }

    /// <summary>A connection over a new HTTP client.</summary>
    public static ServerConnection Open(string baseUrl, string? token, string? clientId, string? clientSecret)
    {
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = 64 })
        {
            Timeout = TimeSpan.FromMinutes(5),
        };
        return new ServerConnection(http, NormalizeBase(baseUrl), token, clientId, clientSecret, ownsClient: true);
    }

    /// <summary>A connection over a given client (an in-memory test server, say).</summary>
    public static ServerConnection Over(HttpClient http, string baseUrl, string? token = null, string? clientId = null, string? clientSecret = null) =>
        new(http, NormalizeBase(baseUrl), token, clientId, clientSecret, ownsClient: false);

    /// <summary>True when the text is an http(s) URL rather than a path.</summary>
    public static bool IsUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>Sends a request made by <paramref name="request"/> with the current token; on 401 gets a new token and sends it once more.</summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken)
    {
        var message = request();
        await AuthorizeAsync(message, renew: false, cancellationToken).ConfigureAwait(false);
        var response = await Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || _clientId is null)
        {
            return response;
        }
        response.Dispose();
        message = request();
        await AuthorizeAsync(message, renew: true, cancellationToken).ConfigureAwait(false);
        return await Http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }

    private async Task AuthorizeAsync(HttpRequestMessage message, bool renew, CancellationToken cancellationToken)
    {
        if (_clientId is not null && (renew || _token is null || DateTimeOffset.UtcNow > _expires - Early))
        {
            await _tokenLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (renew || _token is null || DateTimeOffset.UtcNow > _expires - Early)
                {
                    await RequestTokenAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _tokenLock.Release();
            }
        }
        if (_token is not null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        }
    }

    private async Task RequestTokenAsync(CancellationToken cancellationToken)
    {
        var endpoint = await TokenEndpointAsync(cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(_clientId!)}:{Uri.EscapeDataString(_clientSecret ?? "")}")));
        using var response = await Http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new RemoteException($"The token endpoint {endpoint} refused the client '{_clientId}': {(int)response.StatusCode} {Shorten(body)}");
        }
        using var json = JsonDocument.Parse(body);
        _token = json.RootElement.GetProperty("access_token").GetString();
        _expires = json.RootElement.TryGetProperty("expires_in", out var seconds) && seconds.TryGetInt32(out var s)
            ? DateTimeOffset.UtcNow.AddSeconds(s)
            : DateTimeOffset.MaxValue;
    }

    private async Task<Uri> TokenEndpointAsync(CancellationToken cancellationToken)
    {
        // SMART puts the configuration under the FHIR base; this server (and others) also answer at the host's root.
        foreach (var candidate in new[] { new Uri(BaseUrl, ".well-known/smart-configuration"), new Uri(BaseUrl, "/.well-known/smart-configuration") })
        {
            using var response = await Http.GetAsync(candidate, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                continue;
            }
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            if (json.RootElement.TryGetProperty("token_endpoint", out var endpoint) && endpoint.GetString() is { } url)
            {
                return new Uri(BaseUrl, url);
            }
        }
        throw new RemoteException($"The server at {BaseUrl} names no token endpoint in .well-known/smart-configuration");
    }

    internal static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "...";

    private static Uri NormalizeBase(string baseUrl) => new(baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/");

    public void Dispose()
    {
        _tokenLock.Dispose();
        if (_ownsClient)
        {
            Http.Dispose();
        }
    }
}
