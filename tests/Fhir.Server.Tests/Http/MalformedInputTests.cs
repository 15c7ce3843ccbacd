using System.Net;
using System.Text;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Http;

/// <summary>
/// Issue 12 items 15, 16 and 17 on both stores: numbers of any size, text that is not Unicode or holds control
/// characters, and resources nested as deep as the reader allows get a 4xx with an OperationOutcome or are stored and
/// served, never a 500.
/// </summary>
public abstract class MalformedInputTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    // Decimals FHIR allows (its JSON numbers have no bounds) at and beyond what System.Decimal holds.
    private static readonly string[] ExtremeNumbers =
    [
        "79228162514264337593543950335", "-79228162514264337593543950335", "79228162514264337593543950336", "7.9e28", "-7.9e28",
        "1e28", "1E+28", "1e29", "1e400", "-1e400", "1e-28", "1e-29", "1e-400", "0.00000000000000000000000000001",
        "1.0000000000000000000000000001", "123456789012345678901234567890.123456789", "0e99999", "5e-324", "1.7976931348623157e308",
    ];

    // Where a resource holds a decimal that a search parameter indexes.
    private static readonly (string Type, string Json, string Search)[] NumberPositions =
    [
        ("Observation", """{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":N,"system":"http://unitsofmeasure.org","code":"km"}}""", "value-quantity"),
        ("Observation", """{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":N,"unit":"mystery"}}""", "value-quantity"),
        ("Observation", """{"resourceType":"Observation","status":"final","code":{"text":"x"},"component":[{"code":{"coding":[{"system":"http://loinc.org","code":"82155-3"}]},"valueQuantity":{"value":N,"system":"http://unitsofmeasure.org","code":"{copies}"}}]}""", "component-value-quantity"),
        ("RiskAssessment", """{"resourceType":"RiskAssessment","status":"final","subject":{"reference":"Patient/x"},"prediction":[{"probabilityDecimal":N}]}""", "probability"),
        ("Observation", """{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueRange":{"low":{"value":N,"system":"http://unitsofmeasure.org","code":"mg"},"high":{"value":1,"system":"http://unitsofmeasure.org","code":"mg"}}}""", "value-quantity"),
        ("Observation", """{"resourceType":"Observation","status":"final","code":{"text":"x"},"extension":[{"url":"http://example.org/n","valueDecimal":N}],"valueString":"x"}""", "_id"),
    ];

    [Fact]
    public async Task Issue_12_item_15_resources_with_numbers_of_any_size_are_stored_exactly_or_refused_never_a_500()
    {
        foreach (var number in ExtremeNumbers)
        {
            foreach (var (type, template, search) in NumberPositions)
            {
                var response = await Client.PostAsync(type, Json(template.Replace("N", number, StringComparison.Ordinal)));
                var status = (int)response.StatusCode;
                Assert.True(status is 201 or 400 or 422, $"{number} in {template}: {status} {await response.Content.ReadAsStringAsync()}");
                if (status != 201)
                {
                    await response.ExpectAsync(response.StatusCode);
                    continue;
                }
                // Stored as written, readable, and its index does not break a search.
                var id = (await response.BodyAsync()).Id();
                var read = await (await Client.GetAsync($"{type}/{id}")).Content.ReadAsStringAsync();
                Assert.Contains(number, read, StringComparison.Ordinal);
                await (await Client.GetAsync($"{type}/{id}?_pretty=true")).ExpectAsync(HttpStatusCode.OK);
                await (await Client.GetAsync($"{type}?_id={id}&{search}:missing=false")).ExpectAsync(HttpStatusCode.OK);
            }
        }
    }

    [Fact]
    public async Task Issue_12_item_15_search_numbers_of_any_size_get_200_or_400_never_a_500()
    {
        string[] parameters = ["value-quantity", "component-value-quantity", "copy-number", "RiskAssessment:probability", "code-value-quantity"];
        string[] prefixes = ["", "eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"];
        string[] units = ["", "|http://unitsofmeasure.org|km", "|http://unitsofmeasure.org|Tm", "|http://unitsofmeasure.org|ug", "||mystery"];
        foreach (var number in ExtremeNumbers.Append("1.5").Append("-0"))
        {
            foreach (var parameter in parameters)
            {
                foreach (var prefix in prefixes)
                {
                    foreach (var unit in parameter is "RiskAssessment:probability" or "copy-number" ? [""] : units)
                    {
                        var (type, name) = parameter.Contains(':') ? (parameter.Split(':')[0], parameter.Split(':')[1]) : ("Observation", parameter);
                        var value = name == "code-value-quantity" ? $"http://loinc.org|82155-3${prefix}{number}{unit}" : prefix + number + unit;
                        var response = await Client.GetAsync($"{type}?{name}={Uri.EscapeDataString(value)}");
                        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{name}={value}: {(int)response.StatusCode}");
                        var outcome = await response.ExpectAsync(response.StatusCode);
                        if (response.StatusCode == HttpStatusCode.BadRequest)
                        {
                            Assert.Contains(name, outcome.IssueExpressions());
                        }
                    }
                }
            }
        }
        // In range: answered.
        await (await Client.GetAsync("Observation?value-quantity=1e27|http://unitsofmeasure.org|km")).ExpectAsync(HttpStatusCode.OK);
        await (await Client.GetAsync("RiskAssessment?probability=ap1e-28")).ExpectAsync(HttpStatusCode.OK);
        // Beyond it: a 400 that says why.
        var beyond = await (await Client.GetAsync("Observation?value-quantity=7.9e28")).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("beyond the numbers this server searches", beyond.GetProperty("issue")[0].GetProperty("diagnostics").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issue_12_item_16_a_lone_surrogate_is_a_400_at_its_element_on_every_write()
    {
        const string patient = """{"resourceType":"Patient","name":[{"family":"\ud800"}]}""";
        var created = await (await Client.PostAsync("Patient", Json(patient))).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Patient.name[0].family", created.IssueExpressions());
        await (await Client.PutAsync("Patient/sur", Json(patient.Replace("{\"resourceType\":\"Patient\",", "{\"resourceType\":\"Patient\",\"id\":\"sur\",", StringComparison.Ordinal)))).ExpectAsync(HttpStatusCode.BadRequest);
        var bundle = $$$"""{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{{{patient}}},"request":{"method":"POST","url":"Patient"}}]}""";
        var inBundle = await (await Client.PostAsync("", Json(bundle))).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Bundle.entry[0].resource.name[0].family", inBundle.IssueExpressions());
        await (await Client.PostAsync("Patient", Json("""{"resourceType":"Patient","\udc00":1}"""))).ExpectAsync(HttpStatusCode.BadRequest);

        var id = (await (await Client.PostAsync("Patient", Json(Samples.Patient("sur-" + Guid.NewGuid().ToString("N"))))).ExpectAsync(HttpStatusCode.Created)).Id();
        using var jsonPatch = new HttpRequestMessage(HttpMethod.Patch, $"Patient/{id}") { Content = Json("""[{"op":"add","path":"/name/0/family","value":"\ud800"}]""", "application/json-patch+json") };
        Assert.True((int)(await Client.SendAsync(jsonPatch)).StatusCode is 400 or 422);
        using var fhirPathPatch = new HttpRequestMessage(HttpMethod.Patch, $"Patient/{id}")
        {
            Content = Json("""{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"replace"},{"name":"path","valueString":"Patient.gender"},{"name":"value","valueCode":"\ud800"}]}]}"""),
        };
        await (await Client.SendAsync(fhirPathPatch)).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Issue_12_item_16_every_control_character_is_refused_in_a_resource_and_a_search_alike_on_both_stores()
    {
        var family = "Ctl" + Guid.NewGuid().ToString("N")[..8];
        for (var c = 0; c < 0x20; c++)
        {
            var json = $$"""{"resourceType":"Patient","name":[{"family":"{{family}}\u{{c:x4}}x"}]}""";
            var search = $"Patient?family:exact={Uri.EscapeDataString(family + (char)c + "x")}";
            if (c is 9 or 10 or 13)
            {
                // FHIR strings may hold tab, CR and LF: stored, and found again by the same text.
                await (await Client.PostAsync("Patient", Json(json))).ExpectAsync(HttpStatusCode.Created);
                Assert.Single((await (await Client.GetAsync(search)).ExpectAsync(HttpStatusCode.OK)).EntryResources());
                continue;
            }
            var refused = await (await Client.PostAsync("Patient", Json(json))).ExpectAsync(HttpStatusCode.BadRequest);
            Assert.Contains("Patient.name[0].family", refused.IssueExpressions());
            var searched = await (await Client.GetAsync(search)).ExpectAsync(HttpStatusCode.BadRequest);
            Assert.Contains("family:exact", searched.IssueExpressions());
        }
    }

    [Fact]
    public async Task Issue_12_item_17_the_deepest_resource_the_server_accepts_reads_back_pretty_or_not()
    {
        // Extensions nested one level more each time, until the reader's depth limit refuses one.
        string? deepest = null;
        for (var depth = 1; depth < 200; depth++)
        {
            var extension = new StringBuilder();
            for (var i = 0; i < depth; i++) extension.Append("{\"url\":\"http://example.org/nest\",\"extension\":[");
            extension.Append("{\"url\":\"http://example.org/leaf\",\"valueString\":\"leaf\"}");
            for (var i = 0; i < depth; i++) extension.Append("]}");
            var response = await Client.PostAsync("Basic", Json($$"""{"resourceType":"Basic","code":{"text":"deep"},"extension":[{{extension}}]}"""));
            if (response.StatusCode != HttpStatusCode.Created)
            {
                await response.ExpectAsync(HttpStatusCode.BadRequest);
                break;
            }
            deepest = (await response.BodyAsync()).Id();
        }
        Assert.NotNull(deepest);
        var plainResponse = await Client.GetAsync($"Basic/{deepest}");
        Assert.Equal(HttpStatusCode.OK, plainResponse.StatusCode);
        var plain = JsonDocument.Parse(await plainResponse.Content.ReadAsStringAsync(), new JsonDocumentOptions { MaxDepth = 1000 }).RootElement;
        foreach (var url in new[] { $"Basic/{deepest}?_pretty=true", $"Basic/{deepest}/_history/1?_pretty=true", $"Basic?_id={deepest}&_pretty=true", $"Basic/{deepest}/_history?_pretty=true" })
        {
            var response = await Client.GetAsync(url);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
            Assert.Contains("\n", text, StringComparison.Ordinal);
            var body = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 1000 }).RootElement;
            var resource = body.GetProperty("resourceType").GetString() == "Bundle" ? body.GetProperty("entry")[0].GetProperty("resource") : body;
            Assert.Equal(plain.GetProperty("extension").GetRawText().Replace(" ", "", StringComparison.Ordinal),
                resource.GetProperty("extension").GetRawText().Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal));
        }
    }
}

public sealed class MalformedInputTestsOnSqlite(SqliteServer server) : MalformedInputTests(server), IClassFixture<SqliteServer>;

public sealed class MalformedInputTestsOnPostgres(PostgresServer server) : MalformedInputTests(server), IClassFixture<PostgresServer>;
