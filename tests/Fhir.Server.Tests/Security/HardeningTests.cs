using System.Net;
using Fhir.Server.Security;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Security;

/// <summary>A secure server with small limits, so that they are quick to reach.</summary>
public sealed class LimitedSecureServer : SqliteServer
{
    public const int RequestsPerMinute = 5;

    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [.. TestClients.SecureSettings(), new("Fhir:MaxRequestBodyBytes", "2048"), new("Auth:RequestsPerMinute", RequestsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}

public sealed class HardeningTests(LimitedSecureServer server) : IClassFixture<LimitedSecureServer>
{
    private readonly SecureClient _client = new(server);

    [Fact]
    public async Task An_oversized_body_is_refused_with_413_before_any_token_is_checked()
    {
        using var response = await _client.SendAsync(null, HttpMethod.Post, "Patient", new string(' ', 4096) + """{"resourceType":"Patient"}""");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_client_over_its_rate_gets_429_with_Retry_After_and_other_clients_do_not()
    {
        var token = await _client.TokenAsync(TestClients.Researcher);
        HttpStatusCode last = HttpStatusCode.OK;
        HttpResponseMessage? limited = null;
        for (var i = 0; i <= LimitedSecureServer.RequestsPerMinute && limited is null; i++)
        {
            var response = await _client.SendAsync(token, HttpMethod.Get, "Patient");
            last = response.StatusCode;
            if (last == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }
        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        limited.Dispose();

        using var other = await _client.SendAsAsync(TestClients.Ehr, HttpMethod.Get, "Patient");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Responses_carry_security_headers_and_errors_carry_no_internals()
    {
        using var response = await _client.SendAsync(null, HttpMethod.Get, "Patient");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", body); // no stack trace
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://*:8080", false)]
    [InlineData("http://+:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://10.1.2.3:8080", false)]
    public void Only_loopback_addresses_count_as_loopback(string address, bool loopback)
    {
        Assert.Equal(loopback, SecuritySetup.LoopbackCheck.IsLoopback(address));
    }

    [Fact]
    public async Task The_server_refuses_to_start_without_authentication_on_a_public_address()
    {
        var port = ServerProcess.FreePort();
        var (exit, output) = await ServerProcess.RunToExitAsync(ServerProcess.ServerDll(),
            new Dictionary<string, string> { ["Fhir__BaseUrl"] = $"http://127.0.0.1:{port}/fhir", ["Auth__Mode"] = "None" }, $"http://0.0.0.0:{port}");
        Assert.True(exit > 0, $"The server kept running (or failed otherwise) on 0.0.0.0 with Auth:Mode=None: {output}");
        Assert.Contains("loopback", output);
    }
}
