using System.Net;
using System.Text;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;
using static Fhir.Server.Tests.Support.XmlResponses;

namespace Fhir.Server.Tests.Http;

/// <summary>A server with small limits, so that the limits can be crossed cheaply.</summary>
public sealed class SmallLimitsServer : SqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Fhir:MaxRequestBodyBytes", "65536"),
        new("Fhir:MaxJsonDepth", "16"),
        new("Fhir:MaxBundleEntries", "3"),
    ];
}

public sealed class LimitsTests(SmallLimitsServer server) : IClassFixture<SmallLimitsServer>
{
    private HttpClient Client => server.Client;

    [Fact]
    public async Task A_body_over_the_size_limit_is_413_and_stores_nothing()
    {
        var family = "Big" + Guid.NewGuid().ToString("N")[..8];
        var json = Samples.Patient("big", family).Replace("\"gender\"", $"\"text\":{{\"status\":\"generated\",\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">{new string('x', 70_000)}</div>\"}},\"gender\"");
        await (await Client.PostAsync("Patient", Json(json))).ExpectAsync(HttpStatusCode.RequestEntityTooLarge);
        var bundle = await (await Client.GetAsync($"Patient?family={family}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(bundle.EntryResources());
    }

    [Fact]
    public async Task Nesting_deeper_than_the_limit_is_400()
    {
        var sb = new StringBuilder("""{"resourceType":"Questionnaire","status":"draft","item":[""");
        for (var i = 0; i < 20; i++)
        {
            sb.Append($$$"""{"linkId":"{{{i}}}","type":"group","item":[""");
        }
        sb.Append("""{"linkId":"leaf","type":"string"}""");
        for (var i = 0; i < 20; i++)
        {
            sb.Append("]}");
        }
        sb.Append("]}");
        await (await Client.PostAsync("Questionnaire", Json(sb.ToString()))).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_bundle_over_the_entry_limit_is_413()
    {
        var entries = string.Join(",", Enumerable.Range(0, 4).Select(i => $$$"""{"resource":{{{Samples.Patient("e" + i)}}},"request":{"method":"POST","url":"Patient"}}"""));
        await (await Client.PostAsync("", Json($$$"""{"resourceType":"Bundle","type":"batch","entry":[{{{entries}}}]}"""))).ExpectAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task XML_follows_the_same_size_depth_and_entry_limits_as_JSON()
    {
        var family = "BigXml" + Guid.NewGuid().ToString("N")[..8];
        var big = $"<Patient xmlns=\"http://hl7.org/fhir\"><text><status value=\"generated\"/><div xmlns=\"http://www.w3.org/1999/xhtml\">{new string('x', 70_000)}</div></text><name><family value=\"{family}\"/></name></Patient>";
        await ExpectXmlErrorAsync(await Client.PostAsync("Patient", XmlBody(big)), HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty((await (await Client.GetAsync($"Patient?family={family}")).ExpectAsync(HttpStatusCode.OK)).EntryResources());

        // The same Questionnaire as the JSON test, nested 20 deep: refused with the JSON limit's message.
        var deep = new StringBuilder("<Questionnaire xmlns=\"http://hl7.org/fhir\"><status value=\"draft\"/>");
        for (var i = 0; i < 20; i++)
        {
            deep.Append($"<item><linkId value=\"{i}\"/><type value=\"group\"/>");
        }
        deep.Append("<item><linkId value=\"leaf\"/><type value=\"string\"/></item>");
        for (var i = 0; i < 20; i++)
        {
            deep.Append("</item>");
        }
        deep.Append("</Questionnaire>");
        var outcome = await ExpectXmlErrorAsync(await Client.PostAsync("Questionnaire", XmlBody(deep.ToString())), HttpStatusCode.BadRequest);
        Assert.Contains("maximum depth of 16", outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString());

        var entries = string.Concat(Enumerable.Range(0, 4).Select(i => $"<entry><resource><Patient><active value=\"true\"/></Patient></resource><request><method value=\"POST\"/><url value=\"Patient\"/></request></entry>"));
        await ExpectXmlErrorAsync(await Client.PostAsync("", XmlBody($"<Bundle xmlns=\"http://hl7.org/fhir\"><type value=\"batch\"/>{entries}</Bundle>")), HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task An_entity_expansion_bomb_is_refused_unexpanded_within_the_limits()
    {
        // Small on the wire (within 64 KiB), a billion "lol"s if expanded: the DTD is refused before any entity is read.
        var lols = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (var i = 1; i <= 9; i++)
        {
            lols.Append($"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat($"&lol{(i == 1 ? "" : (i - 1).ToString(System.Globalization.CultureInfo.InvariantCulture))};", 10))}\">");
        }
        lols.Append("]><Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&lol9;\"/></name></Patient>");
        var outcome = await ExpectXmlErrorAsync(await Client.PostAsync("Patient", XmlBody(lols.ToString())), HttpStatusCode.BadRequest);
        Assert.Equal("security", outcome.GetProperty("issue")[0].GetProperty("code").GetString());
    }

    private static async Task<System.Text.Json.JsonElement> ExpectXmlErrorAsync(HttpResponseMessage response, HttpStatusCode status) =>
        await XmlResponses.ExpectXmlAsync(response, "OperationOutcome", status);
}
