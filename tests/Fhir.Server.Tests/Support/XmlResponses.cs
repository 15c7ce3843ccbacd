using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fhir.Xml;

namespace Fhir.Server.Tests.Support;

/// <summary>Helpers for FHIR XML requests and responses in tests: XML is read back through Fhir.Xml into JSON to assert on.</summary>
public static class XmlResponses
{
    public const string Xml = "application/fhir+xml";

    /// <summary>Asserts the status, the XML content type and the resource type; returns the body as FHIR JSON.</summary>
    public static async Task<JsonElement> ExpectXmlAsync(HttpResponseMessage response, string resourceType, HttpStatusCode status = HttpStatusCode.OK)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        Assert.Equal(Xml, response.Content.Headers.ContentType?.MediaType);
        var json = FhirXmlReader.ToJson(bytes);
        Assert.True(json.IsSuccess, string.Join("; ", json.Issues.Select(i => i.Message)));
        var body = JsonDocument.Parse(json.Json!).RootElement.Clone();
        Assert.Equal(resourceType, body.GetProperty("resourceType").GetString());
        return body;
    }

    /// <summary>An XML request body.</summary>
    public static StringContent XmlBody(string xml)
    {
        var content = new StringContent(xml, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(Xml);
        return content;
    }

    /// <summary>A request with an XML body that asks for XML back.</summary>
    public static HttpRequestMessage XmlRequest(HttpMethod method, string url, string? xml = null)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Accept.ParseAdd(Xml);
        if (xml is not null)
        {
            request.Content = XmlBody(xml);
        }
        return request;
    }

    /// <summary>JSON as FHIR XML (through Fhir.Xml), for request bodies.</summary>
    public static string ToXml(string json) => Encoding.UTF8.GetString(FhirXmlWriter.FromJson(Encoding.UTF8.GetBytes(json)));
}
