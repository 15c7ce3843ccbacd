using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Search;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Interactions;

/// <summary>
/// Compartment search and $everything over a corpus made per test:
///   Patient p, Patient q, Practitioner dr, Organization org, Medication med
///   Observation o1: subject p, performer dr, 2020;  o2: subject q, performer p, 2022;  o3: subject q
///   Condition c1: subject p;  MedicationRequest mr: subject p, medication med;  Encounter e: subject p, serviceProvider org, 2019
/// </summary>
public abstract class CompartmentTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    [Fact]
    public async Task A_compartment_search_returns_only_resources_in_the_compartment_through_any_of_its_parameters()
    {
        var c = await CorpusAsync();

        Assert.Equal([c.O1, c.O2], await IdsAsync($"Patient/{c.P}/Observation"));
        Assert.Equal([c.O2], await IdsAsync($"Patient/{c.P}/Observation?date=ge2021"));
        Assert.Equal([c.O2, c.O3], await IdsAsync($"Patient/{c.Q}/Observation"));
        Assert.Equal([c.C1], await IdsAsync($"Patient/{c.P}/Condition"));
        Assert.Empty(await IdsAsync($"Patient/{c.Q}/Condition"));
        Assert.Equal([c.O1], await IdsAsync($"Practitioner/{c.Dr}/Observation"));
        Assert.Equal(2, (await GetAsync($"Patient/{c.P}/Observation?_summary=count")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_compartment_search_of_every_type_pages_through_the_whole_compartment()
    {
        var c = await CorpusAsync();
        var expected = new[] { $"Condition/{c.C1}", $"Encounter/{c.E}", $"MedicationRequest/{c.Mr}", $"Observation/{c.O1}", $"Observation/{c.O2}", $"Patient/{c.P}" };

        Assert.Equal(expected, IncludeResolverTests.Keys(await GetAsync($"Patient/{c.P}/*"), "match"));
        Assert.Equal(expected, await FollowAsync($"Patient/{c.P}/*?_count=2"));
        Assert.Equal(6, (await GetAsync($"Patient/{c.P}/*?_summary=count")).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Types_outside_the_compartment_and_types_without_one_are_errors()
    {
        var c = await CorpusAsync();

        await (await Client.GetAsync($"Patient/{c.P}/Medication")).ExpectAsync(HttpStatusCode.BadRequest);
        await (await Client.GetAsync($"Observation/{c.O1}/Observation")).ExpectAsync(HttpStatusCode.NotFound);
        await (await Client.GetAsync($"Patient/{c.P}/NotAType")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_compartment_search_by_POST_equals_the_GET()
    {
        var c = await CorpusAsync();
        var form = new FormUrlEncodedContent([new("date", "ge2021")]);

        var post = await (await Client.PostAsync($"Patient/{c.P}/Observation/_search", form)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([c.O2], IncludeResolverTests.Ids(post, "match"));
    }

    [Fact]
    public async Task Everything_returns_the_compartment_and_the_resources_it_references()
    {
        var c = await CorpusAsync();

        var bundle = await GetAsync($"Patient/{c.P}/$everything");

        Assert.Equal(
            new[] { $"Condition/{c.C1}", $"Encounter/{c.E}", $"MedicationRequest/{c.Mr}", $"Observation/{c.O1}", $"Observation/{c.O2}", $"Patient/{c.P}" },
            IncludeResolverTests.Keys(bundle, "match"));
        var included = IncludeResolverTests.Keys(bundle, "include");
        Assert.Subset(included.ToHashSet(), new HashSet<string> { $"Practitioner/{c.Dr}", $"Organization/{c.Org}", $"Medication/{c.Med}" });
        Assert.DoesNotContain($"Observation/{c.O3}", included);
        Assert.Equal(included.Count, included.Distinct().Count());
    }

    [Fact]
    public async Task Everything_filters_by_type_care_dates_and_last_update()
    {
        var c = await CorpusAsync();

        Assert.Equal([$"Condition/{c.C1}", $"Observation/{c.O1}", $"Observation/{c.O2}"],
            IncludeResolverTests.Keys(await GetAsync($"Patient/{c.P}/$everything?_type=Observation,Condition"), "match"));

        var recent = IncludeResolverTests.Keys(await GetAsync($"Patient/{c.P}/$everything?start=2021-01-01&_type=Observation,Encounter,Condition"), "match");
        Assert.Equal([$"Condition/{c.C1}", $"Observation/{c.O2}"], recent);

        var early = IncludeResolverTests.Keys(await GetAsync($"Patient/{c.P}/$everything?end=2020-06&_type=Observation,Encounter"), "match");
        Assert.Equal([$"Encounter/{c.E}", $"Observation/{c.O1}"], early);

        Assert.Empty(IncludeResolverTests.Keys(await GetAsync($"Patient/{c.P}/$everything?_since=2999-01-01T00:00:00Z"), "match"));
        await (await Client.GetAsync($"Patient/{c.P}/$everything?start=notadate")).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Everything_pages_through_next_links_without_losing_or_repeating_resources()
    {
        var c = await CorpusAsync();
        var whole = IncludeResolverTests.Keys(await GetAsync($"Patient/{c.P}/$everything"), "match");

        Assert.Equal(whole, await FollowAsync($"Patient/{c.P}/$everything?_count=2"));
        Assert.Equal(whole, await FollowAsync($"Patient/{c.P}/$everything?_count=1"));
    }

    [Fact]
    public async Task Everything_of_an_unknown_patient_is_404()
    {
        await (await Client.GetAsync($"Patient/{Guid.NewGuid():N}/$everything")).ExpectAsync(HttpStatusCode.NotFound);
    }

    private async Task<JsonElement> GetAsync(string url) => await (await Client.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);

    private async Task<IReadOnlyList<string>> IdsAsync(string url) => IncludeResolverTests.Ids(await GetAsync(url), "match");

    private async Task<List<string>> FollowAsync(string url)
    {
        var seen = new List<string>();
        for (string? next = url; next is not null;)
        {
            var page = await GetAsync(next);
            seen.AddRange(IncludeResolverTests.Keys(page, "match"));
            next = page.Link("next");
        }
        return seen;
    }

    private async Task<string> CreateAsync(string json) =>
        (await (await Client.PostAsync(JsonDocument.Parse(json).RootElement.GetProperty("resourceType").GetString(), Json(json))).ExpectAsync(HttpStatusCode.Created)).Id();

    private static string Ref(string type, string id) => $$$"""{"reference":"{{{type}}}/{{{id}}}"}""";

    private async Task<Corpus> CorpusAsync()
    {
        var p = await CreateAsync("""{"resourceType":"Patient","name":[{"family":"Comp"}]}""");
        var q = await CreateAsync("""{"resourceType":"Patient","name":[{"family":"Other"}]}""");
        var dr = await CreateAsync("""{"resourceType":"Practitioner"}""");
        var org = await CreateAsync("""{"resourceType":"Organization","name":"Hospital"}""");
        var med = await CreateAsync("""{"resourceType":"Medication","code":{"text":"milademetan"}}""");
        const string code = "\"status\":\"final\",\"code\":{\"text\":\"x\"}";
        var o1 = await CreateAsync($$$"""{"resourceType":"Observation",{{{code}}},"subject":{{{Ref("Patient", p)}}},"performer":[{{{Ref("Practitioner", dr)}}}],"effectiveDateTime":"2020-01-01"}""");
        var o2 = await CreateAsync($$$"""{"resourceType":"Observation",{{{code}}},"subject":{{{Ref("Patient", q)}}},"performer":[{{{Ref("Patient", p)}}}],"effectiveDateTime":"2022-01-01"}""");
        var o3 = await CreateAsync($$$"""{"resourceType":"Observation",{{{code}}},"subject":{{{Ref("Patient", q)}}}}""");
        var c1 = await CreateAsync($$$"""{"resourceType":"Condition","subject":{{{Ref("Patient", p)}}}}""");
        var mr = await CreateAsync($$$"""{"resourceType":"MedicationRequest","status":"active","intent":"order","medicationReference":{{{Ref("Medication", med)}}},"subject":{{{Ref("Patient", p)}}}}""");
        var e = await CreateAsync($$$"""{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"subject":{{{Ref("Patient", p)}}},"serviceProvider":{{{Ref("Organization", org)}}},"period":{"start":"2019-05-01","end":"2019-05-02"}}""");
        return new Corpus(p, q, dr, org, med, o1, o2, o3, c1, mr, e);
    }

    private sealed record Corpus(string P, string Q, string Dr, string Org, string Med, string O1, string O2, string O3, string C1, string Mr, string E);
}

public sealed class CompartmentTestsOnSqlite(SqliteServer server) : CompartmentTests(server), IClassFixture<SqliteServer>;

public sealed class CompartmentTestsOnPostgres(PostgresServer server) : CompartmentTests(server), IClassFixture<PostgresServer>;
