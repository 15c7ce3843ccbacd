using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Security;

/// <summary>Gets tokens from a secure test server and sends FHIR requests with them.</summary>
public sealed class SecureClient(ServerFixture server, Func<string, string>? secretOf = null)
{
    private readonly Dictionary<string, string> _tokens = [];

    public ServerFixture Server => server;

    /// <summary>A token for <paramref name="client"/> by client_secret_post (cached per client and scope).</summary>
    public async Task<string> TokenAsync(string client, string? scope = null)
    {
        var key = client + "|" + scope;
        if (_tokens.TryGetValue(key, out var cached))
        {
            return cached;
        }
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client,
            ["client_secret"] = (secretOf ?? TestClients.Secret)(client),
        };
        if (scope is not null)
        {
            form["scope"] = scope;
        }
        using var root = server.CreateRootClient();
        using var response = await root.PostAsync("auth/token", new FormUrlEncodedContent(form));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token for {client}: {(int)response.StatusCode} {text}");
        var token = JsonDocument.Parse(text).RootElement.GetProperty("access_token").GetString()!;
        return _tokens[key] = token;
    }

    /// <summary>Sends a request to the FHIR base with <paramref name="token"/> (none when null).</summary>
    public async Task<HttpResponseMessage> SendAsync(string? token, HttpMethod method, string url, string? body = null, string contentType = "application/fhir+json")
    {
        using var request = new HttpRequestMessage(method, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }
        return await server.Client.SendAsync(request);
    }

    /// <summary>As <paramref name="client"/>.</summary>
    public async Task<HttpResponseMessage> SendAsAsync(string client, HttpMethod method, string url, string? body = null, string contentType = "application/fhir+json") =>
        await SendAsync(await TokenAsync(client), method, url, body, contentType);
}
