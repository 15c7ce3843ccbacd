using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Fhir.Server.Http;
using Fhir.Server.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Tests.Http;

/// <summary>The server on Kestrel at a loopback port (the in-memory host does not run Kestrel's parser), with short timeouts.</summary>
public sealed class KestrelServer : IAsyncLifetime
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fhir-kestrel-tests-" + Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program>? _factory;

    public int Port { get; private set; }

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in ServerFixture.TestDefaults)
            {
                web.UseSetting(key, value);
            }
            web.UseSetting("Storage:Provider", "Sqlite");
            web.UseSetting("Storage:ConnectionString", $"Data Source={System.IO.Path.Combine(_folder, "fhir.db")}");
            web.UseSetting("Auth:RequestTimeoutSeconds", "2");
            web.UseSetting("Auth:SigningKeyPath", System.IO.Path.Combine(_folder, "keys", "token-signing-key.pem"));
            // The raw requests here say "Host: x": what is tested is Kestrel's parsing, not the host allow-list (PublicUrlTests).
            web.UseSetting("AllowedHosts", "*");
        });
        factory.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(2);
        });
        factory.StartServer();
        _factory = factory;
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// Issue 12 item 21: Kestrel's own rejections (a request it cannot parse, over its limits, too slow) and the request
/// timeout's 503 answer with an OperationOutcome, over a real socket.
/// </summary>
public sealed class KestrelRejectionsTests(KestrelServer server) : IClassFixture<KestrelServer>
{
    private async Task<(int Status, Dictionary<string, string> Headers, string Body)> SendAsync(byte[] request, TimeSpan? pause = null, byte[]? after = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(request);
        if (pause is { } wait)
        {
            await Task.Delay(wait);
            if (after is not null)
            {
                try
                {
                    await stream.WriteAsync(after);
                }
                catch (IOException)
                {
                    // The server may have answered and closed already.
                }
            }
        }
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0) break;
            received.Write(buffer, 0, read);
            if (Complete(received.ToArray())) break;
        }
        return Parse(received.ToArray());
    }

    // A whole response: its head and Content-Length bytes of body, or a chunked body to its last chunk.
    private static bool Complete(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0) return false;
        if (text[..end].Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) return text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal);
        var length = text[..end].Split("\r\n").Skip(1).Select(h => h.Split(':', 2)).Where(h => h[0].Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => int.Parse(h[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault(-1);
        return length >= 0 && bytes.Length >= Encoding.UTF8.GetByteCount(text[..(end + 4)]) + length;
    }

    private static (int Status, Dictionary<string, string> Headers, string Body) Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, "no response head: " + text);
        var lines = text[..end].Split("\r\n");
        var headers = lines.Skip(1).Select(h => h.Split(':', 2)).ToDictionary(h => h[0].Trim(), h => h[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = text[(end + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding == "chunked")
        {
            var decoded = new StringBuilder();
            for (var at = 0; ;)
            {
                var line = body.IndexOf("\r\n", at, StringComparison.Ordinal);
                var size = int.Parse(body[at..line], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
                if (size == 0) break;
                decoded.Append(body, line + 2, size);
                at = line + 2 + size + 2;
            }
            body = decoded.ToString();
        }
        return (int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), headers, body);
    }

    private static void AssertOutcome((int Status, Dictionary<string, string> Headers, string Body) response, int status, string code)
    {
        Assert.True(status == response.Status, $"expected {status}, got {response.Status}: {response.Body}");
        Assert.StartsWith("application/fhir+json", response.Headers["Content-Type"], StringComparison.Ordinal);
        var outcome = JsonDocument.Parse(response.Body).RootElement;
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        Assert.Equal(code, outcome.GetProperty("issue")[0].GetProperty("code").GetString());
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    public static TheoryData<string, int, string> Malformed => new()
    {
        { "GARBAGE\r\n\r\n", 400, "invalid" },
        { "GET /fhir/metadata HTTP/1.1\r\n\r\n", 400, "invalid" }, // no Host
        { "GET /fhir/metadata HTTP/1.1\r\nHost: localhost\r\nHost: y\r\n\r\n", 400, "invalid" },
        { "GET /fhir/Patient/%00 HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, "invalid" },
        { "GET fhir/metadata HTTP/1.1\r\nHost: localhost\r\n\r\n", 400, "invalid" },
        { "GET /fhir/metadata HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n", 400, "invalid" },
        { "POST /fhir/Patient HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400, "invalid" },
        { "POST /fhir/Patient HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n", 400, "invalid" },
        { "GET /fhir/metadata HTTP/9.9\r\nHost: localhost\r\n\r\n", 505, "not-supported" },
        { "GET /fhir/Patient?name=" + new string('a', 20_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n", 414, "too-long" },
        { "GET /fhir/metadata HTTP/1.1\r\nHost: localhost\r\nX-Big: " + new string('a', 40_000) + "\r\n\r\n", 431, "too-long" },
        { "GET /fhir/metadata HTTP/1.1\r\nHost: localhost\r\n" + string.Concat(Enumerable.Range(0, 150).Select(i => $"X-H{i}: 1\r\n")) + "\r\n", 431, "too-long" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Issue_12_item_21_a_request_Kestrel_cannot_parse_gets_an_OperationOutcome(string request, int status, string code)
    {
        AssertOutcome(await SendAsync(Ascii(request)), status, code);
    }

    [Theory]
    [InlineData("/fhir/Patient/_search", "application/x-www-form-urlencoded", "FFFFFFFFFFFFFFFF")]
    [InlineData("/fhir/Patient/_search", "application/x-www-form-urlencoded", "ZZ")]
    [InlineData("/fhir/Patient", "application/fhir+json", "FFFFFFFFFFFFFFFF")]
    [InlineData("/fhir/Patient", "application/fhir+json", "-1")]
    [InlineData("/fhir", "application/fhir+json", "1;" + "x")]
    public async Task Issue_12_item_18_and_21_a_malformed_chunk_size_gets_400_with_an_OperationOutcome(string path, string type, string size)
    {
        var request = $"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {type}\r\nTransfer-Encoding: chunked\r\n\r\n{size}\r\nname=x\r\n0\r\n\r\n";
        AssertOutcome(await SendAsync(Ascii(request)), 400, "invalid");
    }

    [Fact]
    public async Task Issue_12_item_18_a_malformed_chunk_size_at_the_token_endpoint_gets_an_OAuth_error()
    {
        var response = await SendAsync(Ascii("POST /auth/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFF\r\nx\r\n0\r\n\r\n"));
        Assert.Equal(400, response.Status);
        Assert.Equal("invalid_request", JsonDocument.Parse(response.Body).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Issue_12_item_21_headers_that_do_not_arrive_in_time_get_408_with_an_OperationOutcome()
    {
        AssertOutcome(await SendAsync(Ascii("GET /fhir/metadata HTTP/1.1\r\nHost: localhost\r\n"), TimeSpan.FromSeconds(4)), 408, "timeout");
    }

    [Fact]
    public async Task Issue_12_item_21_the_request_timeout_answers_503_with_an_OperationOutcome()
    {
        // The body never comes: the request timeout (2 s here) cancels the request while it waits for it.
        var response = await SendAsync(Ascii("POST /fhir/Patient HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/fhir+json\r\nContent-Length: 100\r\n\r\n{"), TimeSpan.FromSeconds(4));
        AssertOutcome(response, 503, "timeout");
    }

    [Fact]
    public async Task Responses_of_the_application_pass_through_untouched()
    {
        var response = await SendAsync(Ascii("GET /fhir/Patient?_count=1 HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        Assert.Equal(200, response.Status);
        Assert.Equal("Bundle", JsonDocument.Parse(response.Body).RootElement.GetProperty("resourceType").GetString());
        var missing = await SendAsync(Ascii("GET /fhir/Patient/nope HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        AssertOutcome(missing, 404, "not-found");
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")]
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Length: 5\r\nConnection: close\r\n\r\n")]
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n")]
    [InlineData("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\nbody")]
    [InlineData("{\"resourceType\":\"Bundle\"}")]
    public void Only_a_bodiless_closing_error_head_is_replaced(string written)
    {
        Assert.Null(KestrelRejections.Replace(Encoding.ASCII.GetBytes(written)));
        Assert.NotNull(KestrelRejections.Replace(Encoding.ASCII.GetBytes("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\nDate: x\r\nServer: Kestrel\r\n\r\n")));
    }
}
