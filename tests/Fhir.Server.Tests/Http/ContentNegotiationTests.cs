using System.Net;
using System.Net.Http.Headers;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;
using static Fhir.Server.Tests.Support.XmlResponses;

namespace Fhir.Server.Tests.Http;

public abstract class ContentNegotiationTests(ServerFixture server)
{
    private const string XmlMedia = "application/fhir+xml";
    private const string JsonMedia = "application/fhir+json";

    private HttpClient Client => server.Client;

    [Fact]
    public async Task XML_is_served_for_XML_accept_headers_and_format_parameters()
    {
        foreach (var accept in new[] { "application/fhir+xml", "application/xml", "text/xml", "application/fhir+xml; fhirVersion=4.0" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "metadata");
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
            await ExpectXmlAsync(await Client.SendAsync(request), "CapabilityStatement");
        }
        foreach (var format in new[] { "xml", "text/xml", "application/xml", "application/fhir+xml", "application/fhir%2Bxml" })
        {
            await ExpectXmlAsync(await Client.GetAsync($"metadata?_format={format}"), "CapabilityStatement");
        }
    }

    [Fact]
    public async Task Accept_q_values_choose_the_preferred_format()
    {
        Assert.Equal(XmlMedia, await MediaTypeForAsync("application/fhir+json;q=0.5, application/fhir+xml"));
        Assert.Equal(JsonMedia, await MediaTypeForAsync("application/fhir+xml;q=0.2, application/fhir+json;q=0.9"));
        Assert.Equal(JsonMedia, await MediaTypeForAsync("application/fhir+xml;q=0, */*"));
        Assert.Equal(XmlMedia, await MediaTypeForAsync("text/html, application/xml;q=0.9, */*;q=0.8"));
        var refused = new HttpRequestMessage(HttpMethod.Get, "metadata");
        refused.Headers.Accept.ParseAdd("text/html, application/fhir+json;q=0");
        await (await Client.SendAsync(refused)).ExpectAsync(HttpStatusCode.NotAcceptable);
    }

    [Fact]
    public async Task The_format_parameter_wins_over_Accept()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "metadata?_format=xml");
        request.Headers.Accept.ParseAdd("application/fhir+json");
        await ExpectXmlAsync(await Client.SendAsync(request), "CapabilityStatement");
        await (await Client.GetAsync("metadata?_format=html")).ExpectAsync(HttpStatusCode.NotAcceptable);
    }

    [Fact]
    public async Task Without_Accept_an_XML_body_gets_an_XML_answer_and_errors_come_as_XML_OperationOutcomes()
    {
        var created = await Client.PostAsync("Patient", Json("<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\"/></Patient>", "application/fhir+xml"));
        var patient = await ExpectXmlAsync(created, "Patient", HttpStatusCode.Created);
        Assert.True(patient.GetProperty("active").GetBoolean());
        var refused = await Client.PostAsync("Patient", Json("<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\"></Patient>", "application/fhir+xml"));
        var outcome = await ExpectXmlAsync(refused, "OperationOutcome", HttpStatusCode.BadRequest);
        Assert.Contains("line 1", outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString());
    }

    [Fact]
    public async Task A_body_in_another_format_is_415()
    {
        await (await Client.PostAsync("Patient", Json("active: true", "text/plain"))).ExpectAsync(HttpStatusCode.UnsupportedMediaType);
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
        var xml = await (await Client.GetAsync("metadata?_format=xml&_pretty=true")).Content.ReadAsStringAsync();
        Assert.Contains("\n  <", xml);
        var compact = await (await Client.GetAsync("metadata?_format=xml")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("\n  <", compact);
    }

    private async Task<string?> MediaTypeForAsync(string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "metadata");
        request.Headers.Accept.ParseAdd(accept);
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Content.Headers.ContentType?.MediaType;
    }
}

public sealed class ContentNegotiationTestsOnSqlite(SqliteServer server) : ContentNegotiationTests(server), IClassFixture<SqliteServer>;
