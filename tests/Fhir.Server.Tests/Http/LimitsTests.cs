using System.Net;
using System.Text;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

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
}
