using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Security;

/// <summary>
/// 10,000 malformed requests of many kinds (broken JSON, wrong types, huge strings, deep nesting,
/// bad references, bad ids, bad search values, wrong media types, broken patches), generated from a
/// fixed seed: none may get a 5xx, every error must be an OperationOutcome, and nothing stored may change.
/// </summary>
public sealed class FuzzTests(SqliteServer server) : IClassFixture<SqliteServer>
{
    private const int Requests = 10_000;

    private static readonly string[] Valid =
    [
        """{"resourceType":"Patient","id":"f1","active":true,"name":[{"family":"Ng","given":["Li"]}],"birthDate":"1970-01-02","gender":"female"}""",
        """{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"82155-3"}]},"subject":{"reference":"Patient/f1"},"valueQuantity":{"value":12.5,"unit":"1","system":"http://unitsofmeasure.org","code":"1"},"effectiveDateTime":"2024-05-01T10:00:00Z"}""",
        """{"resourceType":"AdverseEvent","actuality":"actual","subject":{"reference":"Patient/f1"},"date":"2024-05-02","event":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/mdr","code":"10035528"}]}}""",
    ];

    private static readonly string[] WrongTypes =
    [
        """{"resourceType":"Patient","birthDate":19700102}""",
        """{"resourceType":"Patient","active":"yes"}""",
        """{"resourceType":"Patient","name":{"family":"Ng"}}""",
        """{"resourceType":"Patient","gender":["female"]}""",
        """{"resourceType":"Patient","gender":"robot"}""",
        """{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":"12"}}""",
        """{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1},"valueString":"two values[x]"}""",
        """{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":5}}""",
        """{"resourceType":"Observation","status":"final","code":"x"}""",
        """{"resourceType":"Observation","status":"final","code":{"text":"x"},"effectiveDateTime":"2024-13-45"}""",
        """{"resourceType":"NotAType"}""",
        """{"resourceType":"Patient","id":"has space"}""",
        """{"resourceType":"Patient","_birthDate":{"extension":"x"}}""",
        """{"resourceType":"Patient","birthDate":null}""",
        """[{"resourceType":"Patient"}]""",
        """{"resourceType":"Patient","contained":[{"resourceType":"Patient","contained":[{"resourceType":"Patient"}]}]}""",
    ];

    private static readonly string[] BadXml =
    [
        "<Patient xmlns=\"http://hl7.org/fhir\"/>",
        "<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"true\">",
        "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><Patient xmlns=\"http://hl7.org/fhir\"><name><family value=\"&b;\"/></name></Patient>",
        "<Patient xmlns=\"urn:not-fhir\"><active value=\"true\"/></Patient>",
        "<Patient xmlns=\"http://hl7.org/fhir\"><active value=\"maybe\"/></Patient>",
    ];

    private static readonly string[] BadSearches =
    [
        "Observation?date=2024-13-45", "Observation?value-quantity=abc", "Observation?value-quantity=ge", "Patient?birthdate=yesterday",
        "Patient?_count=-1", "Patient?_count=abc", "Observation?code:unknownmodifier=x", "Patient?_sort=", "Observation?subject=Patient/",
        "Observation?date=gt", "Observation?_lastUpdated=2024-02-30", "Patient?_id=" + new string('x', 300), "Patient?name:missing=maybe",
        "Observation?combo-code-value-quantity=a$b$c$d", "Patient?_summary=sometimes", "Patient?_elements=", "Observation?value-quantity=1|2|3|4",
    ];

    [Fact]
    public async Task Ten_thousand_malformed_requests_get_no_5xx_only_OperationOutcomes_and_change_nothing()
    {
        using (var seed = await server.Client.PutAsync("Patient/f1", ServerFixture.Json(Valid[0])))
        {
            Assert.True(seed.IsSuccessStatusCode);
        }
        var before = await StoredAsync();
        var random = new Random(20261121);
        var failures = new List<string>();
        for (var i = 0; i < Requests && failures.Count < 20; i++)
        {
            using var request = Malformed(random, i);
            var sent = request.Content is null ? "" : await request.Content.ReadAsStringAsync();
            var description = $"#{i} {request.Method} {request.RequestUri} {sent[..Math.Min(sent.Length, 160)]}";
            using var response = await server.Client.SendAsync(request);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            if (status >= 500)
            {
                failures.Add($"{description}: {status}");
            }
            else if (status >= 400 && !IsOperationOutcome(body))
            {
                failures.Add($"{description}: {status} without an OperationOutcome");
            }
            else if (status is >= 200 and < 300 && request.Method != HttpMethod.Get && !request.RequestUri!.OriginalString.EndsWith("_search", StringComparison.Ordinal))
            {
                failures.Add($"{description}: accepted ({status})");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await StoredAsync());
    }

    private HttpRequestMessage Malformed(Random random, int i)
    {
        switch (i % 10)
        {
            case 0: // truncated JSON: every proper prefix of an object is invalid
            {
                var json = Valid[random.Next(Valid.Length)];
                return Post(json[..random.Next(1, json.Length - 1)]);
            }
            case 1: // a structural character replaced by a letter
            {
                var json = new StringBuilder(Valid[random.Next(Valid.Length)]);
                var positions = Enumerable.Range(0, json.Length).Where(p => json[p] is '{' or '}' or '[' or ']' or ':' or ',' or '"').ToList();
                json[positions[random.Next(positions.Count)]] = (char)('a' + random.Next(26));
                return Post(json.ToString());
            }
            case 2:
                return Post(WrongTypes[random.Next(WrongTypes.Length)]);
            case 3: // huge strings in places that cannot take them
                return random.Next(2) == 0
                    ? Post($$"""{"resourceType":"Patient","id":"{{new string('a', 5000 + random.Next(50_000))}}"}""")
                    : Post($$"""{"resourceType":"Patient","unknownElement{{random.Next()}}":"{{new string('b', 10_000 + random.Next(100_000))}}"}""");
            case 4: // nesting deeper than the limit
            {
                var depth = 70 + random.Next(200);
                var json = new StringBuilder("""{"resourceType":"Patient","extension":""");
                for (var d = 0; d < depth; d++)
                {
                    json.Append("""[{"url":"http://x","extension":""");
                }
                json.Append("[]");
                for (var d = 0; d < depth; d++)
                {
                    json.Append("}]");
                }
                json.Append('}');
                return Post(json.ToString());
            }
            case 5: // bad references inside transactions (and a transaction that fails half-way)
                return random.Next(2) == 0
                    ? Send(HttpMethod.Post, "", $$$"""{"resourceType":"Bundle","type":"transaction","entry":[{"fullUrl":"urn:uuid:6f5b1e5c-0000-4000-8000-{{{random.Next(100000, 999999)}}}000000","resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}},{"resource":{{{WrongTypes[random.Next(WrongTypes.Length)]}}},"request":{"method":"POST","url":"Observation"}}]}""")
                    : Send(HttpMethod.Post, "", """{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient?identifier=nobody|none"}},"request":{"method":"POST","url":"Observation"}}]}""");
            case 6: // bad search values, strictly handled
            {
                var message = new HttpRequestMessage(HttpMethod.Get, BadSearches[random.Next(BadSearches.Length)]);
                message.Headers.Add("Prefer", "handling=strict");
                return message;
            }
            case 7: // bad ids and routes
                return random.Next(4) switch
                {
                    0 => new HttpRequestMessage(HttpMethod.Get, "Patient/" + Uri.EscapeDataString(new string('!', 1 + random.Next(80)))),
                    1 => Send(HttpMethod.Put, "Patient/f2", """{"resourceType":"Patient","id":"other"}"""),
                    2 => new HttpRequestMessage(HttpMethod.Delete, "NoSuchType/" + random.Next()),
                    _ => Send(HttpMethod.Put, "Patient/" + new string('y', 65 + random.Next(100)), """{"resourceType":"Patient"}"""),
                };
            case 8: // wrong media types and empty bodies
                return random.Next(4) switch
                {
                    0 => Send(HttpMethod.Post, "Patient", Valid[0], "text/plain"),
                    // XML is a format of the server since issue 14: these are bodies no format allows.
                    1 => Send(HttpMethod.Post, "Patient", BadXml[random.Next(BadXml.Length)], "application/fhir+xml"),
                    2 => new HttpRequestMessage(HttpMethod.Post, "Patient") { Content = new ByteArrayContent([]) },
                    _ => new HttpRequestMessage(HttpMethod.Post, "Patient/_search"),
                };
            default: // broken patches of an existing resource
                return random.Next(3) switch
                {
                    0 => Send(HttpMethod.Patch, "Patient/f1", """[{"op":"replace","path":"/birthDate","value":"not a date"}]""", "application/json-patch+json"),
                    1 => Send(HttpMethod.Patch, "Patient/f1", """[{"op":"explode","path":"/x"}]""", "application/json-patch+json"),
                    _ => Send(HttpMethod.Patch, "Patient/f1", """{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"delete"},{"name":"path","valueString":"Patient.name.where("}]}]}"""),
                };
        }
    }

    private static HttpRequestMessage Post(string json) => Send(HttpMethod.Post, "Patient", json);

    private static HttpRequestMessage Send(HttpMethod method, string url, string body, string mediaType = "application/fhir+json")
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        return new HttpRequestMessage(method, url) { Content = content };
    }

    private static bool IsOperationOutcome(string body)
    {
        try
        {
            // An XML body gets its answer in XML: read it back as JSON to look at it.
            var json = body.StartsWith('<') ? Fhir.Xml.FhirXmlReader.ToJson(body).Json ?? [] : System.Text.Encoding.UTF8.GetBytes(body);
            return JsonDocument.Parse(json).RootElement.GetProperty("resourceType").GetString() == "OperationOutcome";
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }

    private async Task<string> StoredAsync()
    {
        using var response = await server.Client.GetAsync("_history?_count=1000");
        var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return string.Join(",", bundle.TryGetProperty("entry", out var entries)
            ? entries.EnumerateArray().Select(e => e.GetProperty("fullUrl").GetString() + "@" + e.GetProperty("resource").GetProperty("meta").GetProperty("versionId").GetString())
            : []);
    }
}
