using System.Net;
using System.Text.Json;
using Fhir.Server.Http;
using Fhir.Server.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Fhir.Server.Tests.Security;

/// <summary>A secure SQLite server published at <see cref="Base"/>.</summary>
public sealed class PublishedSecureServer : SqliteServer
{
    public const string Base = "https://fhir.example.org/fhir";

    protected override IEnumerable<KeyValuePair<string, string>> Settings => [.. TestClients.SecureSettings(), new("Fhir:BaseUrl", Base)];
}

/// <summary>
/// Issue 12 item 22: the server's URLs (token audience, Location, Bundle links, SMART configuration) come from
/// Fhir:BaseUrl, never from a Host header; without it only allowed hosts are answered.
/// </summary>
public sealed class PublishedUrlTests(PublishedSecureServer server) : IClassFixture<PublishedSecureServer>
{
    private const string Foreign = "http://other-server.example/";

    private HttpClient ClientFor(string root) => server.CreateServerClient(root);

    [Fact]
    public async Task Issue12_item22_an_assertion_for_another_servers_token_endpoint_sent_with_its_host_is_refused()
    {
        using var foreign = ClientFor(Foreign);
        var forOther = TokenEndpointTests.Assertion(TestClients.RsaBackend, audience: Foreign + "auth/token");

        using var refused = await foreign.PostAsync("auth/token", AssertionForm(forOther));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        // The configured endpoint is the audience, whatever Host the request names.
        using var accepted = await foreign.PostAsync("auth/token", AssertionForm(TokenEndpointTests.Assertion(TestClients.RsaBackend, audience: "https://fhir.example.org/auth/token")));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task Location_headers_bundle_links_and_the_smart_configuration_name_the_base_url_whatever_the_host()
    {
        using var foreign = ClientFor(Foreign);
        var token = await new SecureClient(server).TokenAsync(TestClients.Seeder);

        using var create = new HttpRequestMessage(HttpMethod.Post, "fhir/Patient") { Content = ServerFixture.Json(Samples.Patient("published")) };
        create.Headers.Authorization = new("Bearer", token);
        using var created = await foreign.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith(PublishedSecureServer.Base + "/Patient/", created.Headers.Location!.ToString());

        using var search = new HttpRequestMessage(HttpMethod.Get, "fhir/Patient?identifier=published");
        search.Headers.Authorization = new("Bearer", token);
        var bundle = await (await foreign.SendAsync(search)).ExpectAsync(HttpStatusCode.OK);
        Assert.StartsWith(PublishedSecureServer.Base + "/Patient", bundle.Link("self"));
        Assert.StartsWith(PublishedSecureServer.Base + "/Patient/", bundle.GetProperty("entry")[0].GetProperty("fullUrl").GetString());

        var smart = JsonDocument.Parse(await foreign.GetStringAsync(".well-known/smart-configuration")).RootElement;
        Assert.Equal("https://fhir.example.org/auth/token", smart.GetProperty("token_endpoint").GetString());
        Assert.Equal("https://fhir.example.org/auth/jwks", smart.GetProperty("jwks_uri").GetString());
    }

    [Theory]
    [InlineData("https://fhir.example.org/fhir", "https://fhir.example.org/auth/token")]
    [InlineData("https://example.org/api/fhir/", "https://example.org/api/auth/token")]
    [InlineData("http://example.org:8080/r4", "http://example.org:8080/auth/token")]
    [InlineData("https://fhir.example.org", "https://fhir.example.org/auth/token")]
    public void The_token_endpoint_is_the_base_urls_origin_without_its_last_segment(string baseUrl, string expected)
    {
        var urls = new PublicUrls(new FhirServerOptions { BaseUrl = baseUrl }, null);
        var http = new DefaultHttpContext();
        http.Request.Scheme = "http";
        http.Request.Host = new HostString("attacker.example");

        Assert.Equal(expected, urls.TokenEndpoint(http));
        Assert.Equal(baseUrl.TrimEnd('/'), urls.FhirBase(http));
        Assert.True(urls.IsAllowed(http)); // with a base URL the Host header is never used
    }

    internal static FormUrlEncodedContent AssertionForm(string assertion) => new(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ["client_assertion"] = assertion,
    });
}

/// <summary>Without Fhir:BaseUrl (outside Production): the request's host is used only when it is allowed.</summary>
public sealed class AllowedHostTests(SecureSqliteServer server) : IClassFixture<SecureSqliteServer>
{
    [Theory]
    [InlineData("fhir/Patient")]
    [InlineData("fhir/metadata")]
    [InlineData(".well-known/smart-configuration")]
    public async Task A_host_outside_the_default_loopback_allow_list_gets_400_and_is_echoed_nowhere(string path)
    {
        using var foreign = server.CreateServerClient("http://other-server.example/");

        using var response = await foreign.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var outcome = await response.BodyAsync();
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        Assert.Contains("AllowedHosts", outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString());
    }

    [Fact]
    public async Task A_token_request_with_a_foreign_host_never_reaches_the_assertion_check()
    {
        using var foreign = server.CreateServerClient("http://other-server.example/");
        var assertion = TokenEndpointTests.Assertion(TestClients.RsaBackend, audience: "http://other-server.example/auth/token");

        using var response = await foreign.PostAsync("auth/token", PublishedUrlTests.AssertionForm(assertion));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Configured_allowed_hosts_are_answered_and_echoed_and_others_are_not()
    {
        await using var node = server.CreateServer(new KeyValuePair<string, string>("AllowedHosts", "fhir.test;*.example.net"));
        using var allowed = node.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://a.example.net/") });
        using var other = node.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/") });

        var smart = JsonDocument.Parse(await allowed.GetStringAsync(".well-known/smart-configuration")).RootElement;
        Assert.Equal("http://a.example.net/auth/token", smart.GetProperty("token_endpoint").GetString());
        using var refused = await other.GetAsync(".well-known/smart-configuration");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    [Fact]
    public void In_the_Production_environment_the_server_refuses_to_start_without_a_base_url()
    {
        using var production = server.CreateServer(new KeyValuePair<string, string>("environment", "Production"));

        var error = Assert.ThrowsAny<Exception>(() => production.CreateClient());

        Assert.Contains("Fhir:BaseUrl is required in the Production environment", error.ToString());
    }
}
