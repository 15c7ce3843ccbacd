using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Interactions;

/// <summary>
/// Search end to end on both stores: composites, chains, _has, meta parameters, modifiers indexed under their own
/// code, sort with keyset paging links both ways, _total, and 400s for malformed values. Each test writes its own
/// resources, told apart from the other tests' by a unique marker.
/// </summary>
public abstract class SearchSemanticsTests(ServerFixture server)
{
    private const string Loinc = "http://loinc.org";

    private HttpClient Client => server.Client;

    private static string Unique() => "u" + Guid.NewGuid().ToString("N")[..10];

    private async Task<JsonElement> SearchAsync(string query) => await (await Client.GetAsync(query)).ExpectAsync(HttpStatusCode.OK);

    private async Task<IReadOnlyList<string>> IdsAsync(string query) => [.. (await SearchAsync(query)).EntryResources().Select(r => r.Id())];

    private async Task<string> CreateAsync(string json) =>
        (await (await Client.PostAsync(JsonDocument.Parse(json).RootElement.GetProperty("resourceType").GetString(), Json(json))).ExpectAsync(HttpStatusCode.Created)).Id();

    private async Task<string> PatientAsync(string family, string given = "Jane", string? extra = null) =>
        await CreateAsync($$"""{"resourceType":"Patient","name":[{"family":"{{family}}","given":["{{given}}"]}]{{extra}}}""");

    private static string CopyNumber(string patient, params (string Code, decimal Value)[] components) => $$"""
        {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"{{Loinc}}","code":"69548-6"}]},
         "subject":{"reference":"Patient/{{patient}}"},
         "component":[{{string.Join(",", components.Select(c =>
            $$$"""{"code":{"coding":[{"system":"{{{Loinc}}}","code":"{{{c.Code}}}"}]},"valueQuantity":{"value":{{{c.Value}}},"system":"http://unitsofmeasure.org","code":"1"}}"""))}}]}
        """;

    [Fact]
    public async Task Composite_finds_copy_number_at_least_8_in_the_same_component_only()
    {
        var patient = await PatientAsync(Unique());
        var amplified = await CreateAsync(CopyNumber(patient, ("82155-3", 12m), ("48018-6", 1m)));
        var low = await CreateAsync(CopyNumber(patient, ("82155-3", 5m), ("99999-9", 12m)));

        var query = $"Observation?subject=Patient/{patient}&code={Loinc}|69548-6&component-code-value-quantity={Loinc}|82155-3$ge8";
        Assert.Equal([amplified], await IdsAsync(query));
        Assert.Equal([low], await IdsAsync($"Observation?subject=Patient/{patient}&component-code-value-quantity={Loinc}|82155-3$lt8"));
        Assert.Equal([amplified, low], await IdsAsync($"Observation?subject=Patient/{patient}&combo-code-value-quantity={Loinc}|82155-3$ge8,{Loinc}|99999-9$12"));
        Assert.Equal([amplified, low], await IdsAsync($"Observation?subject=Patient/{patient}&component-code-value-quantity:missing=false"));
    }

    [Fact]
    public async Task Chains_and_reverse_chains_follow_references_both_ways()
    {
        var family = Unique();
        var organization = await CreateAsync($$"""{"resourceType":"Organization","name":"{{family}} Hospital"}""");
        var withOrg = await PatientAsync(family, extra: $$""","managingOrganization":{"reference":"Organization/{{organization}}"}""");
        var without = await PatientAsync(family);
        var other = await PatientAsync(Unique());
        var o1 = await CreateAsync(CopyNumber(withOrg, ("82155-3", 9m)));
        var o2 = await CreateAsync(CopyNumber(without, ("82155-3", 3m)));
        await CreateAsync(CopyNumber(other, ("82155-3", 9m)));

        Assert.Equal([o1, o2], await IdsAsync($"Observation?subject:Patient.family={family}"));
        Assert.Equal([o1, o2], await IdsAsync($"Observation?subject.family={family}"));
        Assert.Equal([o1], await IdsAsync($"Observation?subject:Patient.organization.name={family}%20hosp"));
        Assert.Equal([o1], await IdsAsync($"Observation?patient:Patient.organization:Organization._id={organization}"));

        Assert.Equal([withOrg, without], await IdsAsync($"Patient?family={family}&_has:Observation:subject:code={Loinc}|69548-6"));
        Assert.Equal([withOrg], await IdsAsync($"Patient?family={family}&_has:Observation:subject:component-code-value-quantity={Loinc}|82155-3$ge8"));
        Assert.Equal([organization], await IdsAsync($"Organization?_has:Patient:organization:_has:Observation:subject:component-code-value-quantity={Loinc}|82155-3$ge8&name={family}"));
    }

    [Fact]
    public async Task Meta_parameters_search_tag_profile_security_source_id_and_lastUpdated()
    {
        var marker = Unique();
        var meta = $$""","meta":{"tag":[{"system":"urn:tags","code":"{{marker}}"}],"security":[{"system":"urn:sec","code":"R"}],"profile":["http://acme.org/fhir/StructureDefinition/{{marker}}"],"source":"urn:source:{{marker}}"}""";
        var tagged = await PatientAsync(marker, extra: meta);
        var plain = await PatientAsync(marker);

        Assert.Equal([tagged], await IdsAsync($"Patient?_tag=urn:tags|{marker}"));
        Assert.Equal([plain], await IdsAsync($"Patient?family={marker}&_tag:not=urn:tags|{marker}"));
        Assert.Equal([tagged], await IdsAsync($"Patient?family={marker}&_security=urn:sec|R"));
        Assert.Equal([tagged], await IdsAsync($"Patient?_profile=http://acme.org/fhir/StructureDefinition/{marker}"));
        Assert.Equal([tagged], await IdsAsync($"Patient?_source=urn:source:{marker}"));
        Assert.Equal([plain], await IdsAsync($"Patient?family={marker}&_profile:missing=true"));
        Assert.Equal([tagged, plain], await IdsAsync($"Patient?_id={plain},{tagged}&_lastUpdated=ge2020-01-01"));
        Assert.Empty(await IdsAsync($"Patient?_id={plain}&_lastUpdated=lt2020"));
    }

    [Fact]
    public async Task Reference_modifiers_identifier_of_type_and_absolute_urls_on_this_server()
    {
        var marker = Unique();
        var patient = await PatientAsync(marker, extra: $$$""","identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"system":"urn:mrn","value":"{{{marker}}}"}]""");
        var observation = await CreateAsync($$$"""
            {"resourceType":"Observation","status":"final","code":{"text":"Tumour response {{{marker}}}"},
             "subject":{"reference":"Patient/{{{patient}}}"},"performer":[{"identifier":{"system":"urn:staff","value":"{{{marker}}}"}}]}
            """);

        Assert.Equal([patient], await IdsAsync($"Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|MR|{marker}"));
        Assert.Empty(await IdsAsync($"Patient?identifier:of-type=http://terminology.hl7.org/CodeSystem/v2-0203|SS|{marker}"));
        Assert.Equal([observation], await IdsAsync($"Observation?performer:identifier=urn:staff|{marker}"));
        Assert.Equal([observation], await IdsAsync($"Observation?subject=http://localhost/fhir/Patient/{patient}"));
        Assert.Equal([observation], await IdsAsync($"Observation?subject=Patient/{patient}/_history/1"));
        var absolute = await CreateAsync($$$"""{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"http://localhost/fhir/Patient/{{{patient}}}"}}""");
        Assert.Equal([observation, absolute], await IdsAsync($"Observation?subject=Patient/{patient}"));
        Assert.Equal([observation, absolute], await IdsAsync($"Observation?subject=http://localhost/fhir/Patient/{patient}"));
        Assert.Equal([observation], await IdsAsync($"Observation?code:text=response%20{marker[..6]}"));
    }

    [Fact]
    public async Task Sorted_pages_link_next_and_previous_and_report_the_total()
    {
        var family = Unique();
        var givens = new[] { "Eve", "Bob", "Dan", "Ann", "Cid" };
        var ids = new Dictionary<string, string>();
        foreach (var given in givens) ids[given] = await PatientAsync(family, given);
        var expected = givens.OrderByDescending(g => g, StringComparer.Ordinal).Select(g => ids[g]).ToList();

        var seen = new List<string>();
        var pages = new List<JsonElement>();
        string? url = $"Patient?family={family}&_sort=-given&_count=2&_total=accurate";
        while (url is not null)
        {
            var page = await SearchAsync(url);
            Assert.Equal(5, page.GetProperty("total").GetInt32());
            pages.Add(page);
            seen.AddRange(page.EntryResources().Select(r => r.Id()));
            url = page.Link("next");
        }
        Assert.Equal(expected, seen);
        Assert.Equal(3, pages.Count);
        Assert.Null(pages[0].Link("previous"));
        Assert.NotNull(pages[2].Link("first"));

        // Back from the last page.
        var previous = await SearchAsync(pages[2].Link("previous")!);
        Assert.Equal(expected.Skip(2).Take(2), previous.EntryResources().Select(r => r.Id()));
        var first = await SearchAsync(previous.Link("previous")!);
        Assert.Equal(expected.Take(2), first.EntryResources().Select(r => r.Id()));
        Assert.Null(first.Link("previous"));
        Assert.Equal(expected.Take(2), (await SearchAsync(pages[2].Link("first")!)).EntryResources().Select(r => r.Id()));
    }

    [Theory]
    [InlineData("Observation?date=2024-13-01", "date")]
    [InlineData("Observation?value-quantity=abc", "value-quantity")]
    [InlineData("Observation?value-quantity=xx5", "value-quantity")]
    [InlineData("Patient?birthdate=zz2020", "birthdate")]
    [InlineData("Observation?component-code-value-quantity=http://loinc.org|82155-3", "component-code-value-quantity")]
    [InlineData("Observation?component-code-value-quantity=http://loinc.org|82155-3$high", "component-code-value-quantity")]
    [InlineData("Observation?subject:Patient.birthdate=soon", "subject:Patient.birthdate")]
    [InlineData("Patient?_sort=nonsense", "_sort")]
    [InlineData("Patient?_total=all", "_total")]
    [InlineData("Patient?_cursor=not-a-cursor", "_cursor")]
    [InlineData("Patient?_count=-1", "_count")]
    public async Task A_malformed_value_is_400_naming_the_parameter(string query, string parameter)
    {
        var outcome = await (await Client.GetAsync(query)).ExpectAsync(HttpStatusCode.BadRequest);

        Assert.Contains(parameter, outcome.IssueExpressions());
    }
}

public sealed class SearchSemanticsTestsOnSqlite(SqliteServer server) : SearchSemanticsTests(server), IClassFixture<SqliteServer>;

public sealed class SearchSemanticsTestsOnPostgres(PostgresServer server) : SearchSemanticsTests(server), IClassFixture<PostgresServer>;
