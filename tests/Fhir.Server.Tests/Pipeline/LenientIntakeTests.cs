using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Fhir.Server.Tests.Security;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Pipeline;

/// <summary>Servers whose intake is lenient (<c>Fhir:Intake=Lenient</c>).</summary>
public sealed class LenientSqliteServer : SqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Fhir:Intake", "Lenient")];
}

public sealed class LenientPostgresServer : PostgresServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Fhir:Intake", "Lenient")];
}

/// <summary>Lenient intake that loses nothing (issue 14 item 2).</summary>
public abstract class LenientIntakeTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    private static string Unique() => Guid.NewGuid().ToString("N")[..12];

    private static string ObservationWithStop(string tag) => $$$"""
        {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"718-7"}],"text":"{{{tag}}}"},
         "effectivePeriod":{"start":"2024-01-01","stop":"2024-01-02"},"valueQuantity":{"value":13.50,"unit":"g/dL"}}
        """;

    private async Task<JsonElement> PostOutcomeAsync(string url, string body, string contentType = "application/fhir+json", HttpStatusCode status = HttpStatusCode.Created)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = Json(body, contentType) };
        request.Headers.Add("Prefer", "return=OperationOutcome");
        request.Headers.Accept.ParseAdd("application/fhir+json");
        var response = await Client.SendAsync(request);
        var outcome = await response.ExpectAsync(status);
        if (status == HttpStatusCode.Created)
        {
            outcome = outcome.Clone();
            LastLocation = response.Headers.Location!.AbsolutePath.Split("/fhir/")[1];
        }
        return outcome;
    }

    private string LastLocation { get; set; } = "";

    private async Task<(JsonElement Provenance, JsonElement Binary)> KeptAsync(string target)
    {
        var found = await (await Client.GetAsync($"Provenance?target={target}")).ExpectAsync(HttpStatusCode.OK);
        var provenance = Assert.Single(found.EntryResources());
        var source = provenance.GetProperty("entity")[0];
        Assert.Equal("source", source.GetProperty("role").GetString());
        var binary = await (await Client.GetAsync(source.GetProperty("what").GetProperty("reference").GetString()!)).ExpectAsync(HttpStatusCode.OK);
        return (provenance, binary);
    }

    private async Task<int> CountAsync(string type) =>
        (await (await Client.GetAsync($"{type}?_summary=count")).ExpectAsync(HttpStatusCode.OK)).GetProperty("total").GetInt32();

    [Fact]
    public async Task Issue14_item2_effectivePeriod_stop_is_dropped_with_a_warning_and_the_body_is_kept()
    {
        var body = ObservationWithStop(Unique());
        var outcome = await PostOutcomeAsync("Observation", body);
        var warning = outcome.GetProperty("issue").EnumerateArray().Single(i => i.GetProperty("severity").GetString() == "warning" && i.GetProperty("expression")[0].GetString() == "Observation.effectivePeriod.stop");
        Assert.Contains("dropped", warning.GetProperty("diagnostics").GetString());

        var id = LastLocation.Split('/')[1];
        var stored = await (await Client.GetAsync($"Observation/{id}")).ExpectAsync(HttpStatusCode.OK);
        Assert.False(stored.GetProperty("effectivePeriod").TryGetProperty("stop", out _));
        Assert.Equal("2024-01-01", stored.GetProperty("effectivePeriod").GetProperty("start").GetString());

        var (provenance, binary) = await KeptAsync($"Observation/{id}");
        Assert.Equal($"Observation/{id}/_history/1", provenance.GetProperty("target")[0].GetProperty("reference").GetString());
        Assert.Contains("Observation.effectivePeriod.stop", provenance.GetProperty("reason")[0].GetProperty("text").GetString());
        Assert.Equal("application/fhir+json", binary.GetProperty("contentType").GetString());
        Assert.Equal(body, Encoding.UTF8.GetString(Convert.FromBase64String(binary.GetProperty("data").GetString()!)));
    }

    [Fact]
    public async Task Unknown_choice_types_are_dropped_and_an_XML_body_is_kept_as_XML()
    {
        var xml = "<Observation xmlns=\"http://hl7.org/fhir\"><status value=\"final\"/><code><text value=\"" + Unique() + "\"/></code>"
            + "<valueFoo value=\"1\"/><note><text value=\"kept\"/><textile value=\"lost\"/></note></Observation>";
        var outcome = await PostOutcomeAsync("Observation", xml, "application/fhir+xml");
        var warnings = outcome.GetProperty("issue").EnumerateArray().Where(i => i.GetProperty("severity").GetString() == "warning").Select(i => i.GetProperty("expression")[0].GetString()).ToList();
        Assert.Contains("Observation.valueFoo", warnings);
        Assert.Contains("Observation.note[0].textile", warnings);
        var (_, binary) = await KeptAsync(LastLocation.Split("/_history")[0]);
        Assert.Equal("application/fhir+xml", binary.GetProperty("contentType").GetString());
        Assert.Equal(xml, Encoding.UTF8.GetString(Convert.FromBase64String(binary.GetProperty("data").GetString()!)));
    }

    [Fact]
    public async Task Issue14_item2_Attachment_link_in_a_transaction_is_reported_in_its_entry_and_kept_for_the_written_resource()
    {
        var patient = $"urn:uuid:{Guid.NewGuid()}";
        var bundle = $$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"{{{patient}}}","resource":{{{Samples.Patient(Unique())}}},"request":{"method":"POST","url":"Patient"}},
              {"fullUrl":"urn:uuid:{{{Guid.NewGuid()}}}","resource":{"resourceType":"DiagnosticReport","status":"final","code":{"text":"path"},"subject":{"reference":"{{{patient}}}"},
                "presentedForm":[{"contentType":"application/pdf","url":"http://example.org/r.pdf","link":"http://example.org/other"}]},"request":{"method":"POST","url":"DiagnosticReport"}}]}
            """;
        var response = await (await Client.PostAsync("", Json(bundle))).ExpectAsync(HttpStatusCode.OK);
        var entries = response.GetProperty("entry");
        Assert.False(entries[0].GetProperty("response").TryGetProperty("outcome", out _));
        var outcome = entries[1].GetProperty("response").GetProperty("outcome");
        Assert.Contains("Bundle.entry[1].resource.presentedForm[0].link", outcome.IssueExpressions());
        Assert.True(entries[1].TryGetProperty("resource", out _), "the written resource is still returned beside the outcome");

        var report = entries[1].GetProperty("response").GetProperty("location").GetString()!;
        var (provenance, binary) = await KeptAsync(report.Split("/_history")[0]);
        Assert.Equal(report, Assert.Single(provenance.GetProperty("target").EnumerateArray()).GetProperty("reference").GetString());
        Assert.Equal(bundle, Encoding.UTF8.GetString(Convert.FromBase64String(binary.GetProperty("data").GetString()!)));
    }

    [Fact]
    public async Task A_batch_keeps_the_body_once_for_all_its_entries_that_lost_elements()
    {
        var tag = Unique();
        var entry = $$$"""{"resource":{{{ObservationWithStop(tag)}}},"request":{"method":"POST","url":"Observation"}}""";
        var binaries = await CountAsync("Binary");
        var response = await (await Client.PostAsync("", Json($$$"""{"resourceType":"Bundle","type":"batch","entry":[{{{entry}}},{{{entry}}}]}"""))).ExpectAsync(HttpStatusCode.OK);
        var locations = response.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("response").GetProperty("location").GetString()!.Split("/_history")[0]).ToList();
        Assert.Equal(2, locations.Count);
        var kept = new List<string>();
        foreach (var location in locations)
        {
            var (provenance, _) = await KeptAsync(location);
            kept.Add(provenance.GetProperty("entity")[0].GetProperty("what").GetProperty("reference").GetString()!);
        }
        Assert.Single(kept.Distinct());
        Assert.Equal(binaries + 1, await CountAsync("Binary"));
    }

    [Fact]
    public async Task Validation_errors_stay_errors_and_a_refused_write_keeps_nothing()
    {
        var binaries = await CountAsync("Binary");
        var provenances = await CountAsync("Provenance");
        var invalid = ObservationWithStop(Unique()).Replace("\"final\"", "\"finished\"");
        var outcome = await PostOutcomeAsync("Observation", invalid, status: HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Observation.status", outcome.IssueExpressions());
        Assert.Equal(binaries, await CountAsync("Binary"));
        Assert.Equal(provenances, await CountAsync("Provenance"));
    }

    [Fact]
    public async Task Nothing_is_kept_when_nothing_was_dropped()
    {
        var provenances = await CountAsync("Provenance");
        await PostOutcomeAsync("Observation", ObservationWithStop(Unique()).Replace(",\"stop\":\"2024-01-02\"", ""));
        Assert.Equal(provenances, await CountAsync("Provenance"));
    }
}

public sealed class LenientIntakeTestsOnSqlite(LenientSqliteServer server) : LenientIntakeTests(server), IClassFixture<LenientSqliteServer>;

public sealed class LenientIntakeTestsOnPostgres(LenientPostgresServer server) : LenientIntakeTests(server), IClassFixture<LenientPostgresServer>;

/// <summary>A SMART server whose EHR client reads leniently (<c>Auth:Clients:0:Intake=Lenient</c>) while the server stays strict.</summary>
public sealed class PerClientIntakeServer : SqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [.. TestClients.SecureSettings(), new("Auth:Clients:0:Intake", "Lenient")];
}

public sealed class PerClientIntakeTests(PerClientIntakeServer server) : IClassFixture<PerClientIntakeServer>
{
    private readonly SecureClient _client = new(server);

    [Fact]
    public async Task A_client_set_to_lenient_has_unknown_elements_dropped_while_other_clients_stay_strict()
    {
        Assert.Equal(TestClients.Ehr, TestClients.Scopes.Keys.First());
        var body = """{"resourceType":"Observation","status":"final","code":{"text":"hb"},"effectivePeriod":{"start":"2024-01-01","stop":"2024-01-02"}}""";
        // The EHR's scopes name neither Binary nor Provenance: the kept body is the server's record, not the client's write.
        var lenient = await _client.SendAsAsync(TestClients.Ehr, HttpMethod.Post, "Observation", body);
        await lenient.ExpectAsync(HttpStatusCode.Created);
        var strict = await _client.SendAsAsync(TestClients.Seeder, HttpMethod.Post, "Observation", body);
        var outcome = await strict.ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Observation.effectivePeriod.stop", outcome.IssueExpressions());

        var location = lenient.Headers.Location!.AbsolutePath.Split("/fhir/")[1].Split("/_history")[0];
        var provenance = await (await _client.SendAsAsync(TestClients.Seeder, HttpMethod.Get, $"Provenance?target={location}")).ExpectAsync(HttpStatusCode.OK);
        var record = Assert.Single(provenance.EntryResources());
        Assert.Equal(TestClients.Ehr, record.GetProperty("agent")[0].GetProperty("who").GetProperty("identifier").GetProperty("value").GetString());
        // Reading the kept body passes the gate like any read: the EHR client may not read Binary.
        var binary = record.GetProperty("entity")[0].GetProperty("what").GetProperty("reference").GetString()!;
        await (await _client.SendAsAsync(TestClients.Ehr, HttpMethod.Get, binary)).ExpectAsync(HttpStatusCode.Forbidden);
        await (await _client.SendAsAsync(TestClients.Seeder, HttpMethod.Get, binary)).ExpectAsync(HttpStatusCode.OK);
    }
}
