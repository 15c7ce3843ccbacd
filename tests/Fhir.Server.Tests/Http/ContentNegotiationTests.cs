using System.Net;
using System.Net.Http.Headers;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Http;

public abstract class ContentNegotiationTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    [Fact]
    public async Task Asking_for_XML_is_406()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "metadata");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+xml"));
        await (await Client.SendAsync(request)).ExpectAsync(HttpStatusCode.NotAcceptable);
        await (await Client.GetAsync("metadata?_format=xml")).ExpectAsync(HttpStatusCode.NotAcceptable);
    }

    [Fact]
    public async Task Json_is_served_for_json_accept_headers_and_format_parameters()
    {
        foreach (var accept in new[] { "application/fhir+json", "application/json", "*/*" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "metadata");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            await (await Client.SendAsync(request)).ExpectAsync(HttpStatusCode.OK);
        }
        await (await Client.GetAsync("metadata?_format=json")).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_XML_body_is_415()
    {
        await (await Client.PostAsync("Patient", Json("<Patient xmlns=\"http://hl7.org/fhir\"/>", "application/fhir+xml"))).ExpectAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Malformed_JSON_is_400()
    {
        await (await Client.PostAsync("Patient", Json("{\"resourceType\":\"Patient\","))).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_wrong_method_is_405_with_an_outcome()
    {
        await (await Client.PostAsync("metadata", Json("{}"))).ExpectAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task An_unknown_path_is_404_with_an_outcome()
    {
        await (await Client.GetAsync("Patient/1/_history/1/extra")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Pretty_printing_is_available()
    {
        var text = await (await Client.GetAsync("metadata?_pretty=true")).Content.ReadAsStringAsync();
        Assert.Contains("\n", text);
    }
}

public sealed class ContentNegotiationTestsOnSqlite(SqliteServer server) : ContentNegotiationTests(server), IClassFixture<SqliteServer>;
