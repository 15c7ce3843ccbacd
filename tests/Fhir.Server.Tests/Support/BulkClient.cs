using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Fhir.Server.Tests.Support;

/// <summary>
/// A Bulk Data client as the specification describes one: kicks off with <c>Prefer: respond-async</c>, polls the
/// <c>Content-Location</c> honouring <c>Retry-After</c>, checks each response's headers and status, and downloads the
/// manifest's files with its token. Every expectation of the spec it relies on is asserted on the way.
/// </summary>
public sealed class BulkClient(HttpClient http, string? token = null)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    /// <summary>Sends a kick-off (or any request) with the token, <c>Prefer: respond-async</c> unless told otherwise.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? body = null, string? prefer = "respond-async", string contentType = "application/fhir+json", string? accept = "application/fhir+json")
    {
        using var request = new HttpRequestMessage(method, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (prefer is not null)
        {
            request.Headers.TryAddWithoutValidation("Prefer", prefer);
        }
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }
        return await http.SendAsync(request);
    }

    /// <summary>Kicks off and returns the status URL (asserting 202 and an absolute Content-Location).</summary>
    public async Task<string> KickOffAsync(string url, HttpMethod? method = null, string? body = null, string? prefer = "respond-async", string contentType = "application/fhir+json")
    {
        using var response = await SendAsync(method ?? HttpMethod.Get, url, body, prefer, contentType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"kick-off {url}: {(int)response.StatusCode} {text}");
        var location = response.Content.Headers.ContentLocation ?? (response.Headers.TryGetValues("Content-Location", out var values) ? new Uri(values.Single()) : null);
        Assert.NotNull(location);
        Assert.True(location!.IsAbsoluteUri, "Content-Location must be an absolute URL.");
        return location.ToString();
    }

    /// <summary>Polls until complete: every 202 carries X-Progress (under 100 characters) and Retry-After; returns the manifest.</summary>
    public async Task<JsonElement> WaitAsync(string status)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var response = await SendAsync(HttpMethod.Get, status, prefer: null, accept: "application/json");
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(response.Content.Headers.Expires);
                return JsonDocument.Parse(text).RootElement.Clone();
            }
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"status {status}: {(int)response.StatusCode} {text}");
            var progress = Assert.Single(response.Headers.GetValues("X-Progress"));
            Assert.InRange(progress.Length, 1, 99);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.True(DateTime.UtcNow < deadline, "The bulk job did not complete in time.");
            await Task.Delay(50);
        }
    }

    /// <summary>Kicks off, waits and checks the manifest's required fields; returns it.</summary>
    public async Task<JsonElement> ExportAsync(string url, HttpMethod? method = null, string? body = null, string? prefer = "respond-async")
    {
        var manifest = await WaitAsync(await KickOffAsync(url, method, body, prefer));
        Assert.True(DateTimeOffset.TryParse(manifest.GetProperty("transactionTime").GetString(), out _));
        Assert.EndsWith(url.Split('?')[0], manifest.GetProperty("request").GetString()!.Split('?')[0]);
        // True when the files need the bearer token the kick-off needed; a server without authentication says false.
        Assert.Equal(token is not null, manifest.GetProperty("requiresAccessToken").GetBoolean());
        Assert.Equal(JsonValueKind.Array, manifest.GetProperty("output").ValueKind);
        Assert.Equal(JsonValueKind.Array, manifest.GetProperty("error").ValueKind);
        return manifest;
    }

    /// <summary>Downloads one file (asserting the NDJSON media type); its lines as JSON.</summary>
    public async Task<IReadOnlyList<JsonElement>> DownloadAsync(string url)
    {
        using var response = await SendAsync(HttpMethod.Get, url, prefer: null, accept: "application/fhir+ndjson");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"download {url}: {(int)response.StatusCode} {text}");
        Assert.Equal("application/fhir+ndjson", response.Content.Headers.ContentType?.MediaType);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    /// <summary>Every output file's resources, by the manifest's type, checking each file's count and that each line is of its type.</summary>
    public async Task<Dictionary<string, List<JsonElement>>> ResourcesAsync(JsonElement manifest, string array = "output")
    {
        var byType = new Dictionary<string, List<JsonElement>>();
        foreach (var item in manifest.GetProperty(array).EnumerateArray())
        {
            var type = item.GetProperty("type").GetString()!;
            var lines = await DownloadAsync(item.GetProperty("url").GetString()!);
            Assert.Equal(item.GetProperty("count").GetInt64(), lines.Count);
            Assert.All(lines, l => Assert.Equal(type, l.GetProperty("resourceType").GetString()));
            if (!byType.TryGetValue(type, out var list))
            {
                byType[type] = list = [];
            }
            list.AddRange(lines);
        }
        return byType;
    }
}
