using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Interactions;

/// <summary>System-level search (<c>GET [base]?params</c>, <c>POST [base]/_search</c>) across types, with and without <c>_type</c>.</summary>
public abstract class SearchSystemTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    /// <summary>Two Patients, a Practitioner, an Observation and an Encounter sharing one tag (created in that order).</summary>
    private sealed record Corpus(string Tag, string Name, string[] All)
    {
        public string Patient1 => All[0];
        public string Patient2 => All[1];
        public string Practitioner => All[2];
        public string Observation => All[3];
        public string Encounter => All[4];
    }

    private async Task<Corpus> SeedAsync()
    {
        var run = Guid.NewGuid().ToString("N")[..10];
        var tag = "urn:sys|" + run;
        var name = "Zed" + run;
        var meta = $$"""{"tag":[{"system":"urn:sys","code":"{{run}}"}]}""";
        string[] all = [$"Patient/{run}-p1", $"Patient/{run}-p2", $"Practitioner/{run}-dr", $"Observation/{run}-o", $"Encounter/{run}-e"];
        await PutAsync(all[0], $$"""{"resourceType":"Patient","id":"{{run}}-p1","meta":{{meta}},"name":[{"family":"{{name}}"}]}""");
        await PutAsync(all[1], $$"""{"resourceType":"Patient","id":"{{run}}-p2","meta":{{meta}},"name":[{"family":"{{name}}b"}]}""");
        await PutAsync(all[2], $$"""{"resourceType":"Practitioner","id":"{{run}}-dr","meta":{{meta}},"name":[{"family":"{{name}}"}]}""");
        // Later than the three above by a clear margin, for _lastUpdated.
        await Task.Delay(30);
        await PutAsync(all[3], $$$"""{"resourceType":"Observation","id":"{{{run}}}-o","meta":{{{meta}}},"status":"final","code":{"text":"x"},"subject":{"reference":"{{{all[0]}}}"}}""");
        await PutAsync(all[4], $$$"""{"resourceType":"Encounter","id":"{{{run}}}-e","meta":{{{meta}}},"status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"AMB"},"subject":{"reference":"{{{all[1]}}}"}}""");
        return new Corpus(tag, name, all);
    }

    [Fact]
    public async Task Without_type_a_common_parameter_finds_resources_of_every_type()
    {
        var corpus = await SeedAsync();

        Assert.Equal(Sorted(corpus.All), await RefsAsync($"?_tag={corpus.Tag}"));
    }

    [Fact]
    public async Task Type_restricts_the_search_to_one_or_several_types()
    {
        var corpus = await SeedAsync();

        Assert.Equal(Sorted(corpus.Patient1, corpus.Patient2), await RefsAsync($"?_type=Patient&_tag={corpus.Tag}"));
        Assert.Equal(Sorted(corpus.Observation, corpus.Encounter), await RefsAsync($"?_type=Observation,Encounter&_tag={corpus.Tag}"));
    }

    [Fact]
    public async Task Id_and_last_updated_search_across_types()
    {
        var corpus = await SeedAsync();
        var observation = await (await Client.GetAsync(corpus.Observation)).ExpectAsync(HttpStatusCode.OK);
        var since = observation.GetProperty("meta").GetProperty("lastUpdated").GetString()!;

        var ids = string.Join(",", corpus.Patient1, corpus.Observation).Replace("Patient/", "", StringComparison.Ordinal).Replace("Observation/", "", StringComparison.Ordinal);
        Assert.Equal(Sorted(corpus.Patient1, corpus.Observation), await RefsAsync($"?_id={ids}"));
        Assert.Equal(Sorted(corpus.Observation, corpus.Encounter), await RefsAsync($"?_tag={corpus.Tag}&_lastUpdated=ge{Uri.EscapeDataString(since)}"));
        Assert.Equal(Sorted(corpus.Patient1, corpus.Patient2, corpus.Practitioner), await RefsAsync($"?_tag={corpus.Tag}&_lastUpdated=lt{Uri.EscapeDataString(since)}"));
    }

    [Fact]
    public async Task Summary_count_gives_the_number_of_matches_over_all_or_the_listed_types()
    {
        using var root = server.CreateRootClient();
        var before = await TotalAsync(root, "fhir?_summary=count");
        var corpus = await SeedAsync();

        Assert.Equal(before + 5, await TotalAsync(root, "fhir?_summary=count"));
        Assert.Equal(5, await TotalAsync(root, $"fhir?_tag={corpus.Tag}&_summary=count"));
        Assert.Equal(2, await TotalAsync(root, $"fhir?_type=Observation,Encounter&_tag={corpus.Tag}&_summary=count"));
        Assert.Equal(5, await TotalAsync(root, $"fhir?_tag={corpus.Tag}&_lastUpdated=ge2000-01-01&_summary=count"));
        Assert.Equal(5, await TotalAsync(root, $"fhir/?_tag={corpus.Tag}&_total=accurate&_count=1", counted: false));
    }

    [Fact]
    public async Task Pages_run_across_types_forward_and_back_with_every_match_once()
    {
        var corpus = await SeedAsync();
        foreach (var sort in new[] { "", "&_sort=-_lastUpdated" })
        {
            var pages = new List<List<string>>();
            string? url = $"?_tag={corpus.Tag}&_count=2{sort}";
            string? last = null;
            while (url is not null)
            {
                var page = await (await Client.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
                pages.Add([.. page.EntryResources().Select(Ref)]);
                last = url;
                url = page.Link("next");
            }
            var expected = sort.Length == 0 ? corpus.All : Enumerable.Reverse(corpus.All).ToArray();
            Assert.Equal(expected, pages.SelectMany(p => p).ToArray());
            Assert.Equal([2, 2, 1], pages.Select(p => p.Count));

            var lastPage = await (await Client.GetAsync(last)).ExpectAsync(HttpStatusCode.OK);
            Assert.StartsWith("http://localhost/fhir?", lastPage.Link("self"), StringComparison.Ordinal);
            var previous = await (await Client.GetAsync(lastPage.Link("previous"))).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(pages[1], previous.EntryResources().Select(Ref));
            var first = await (await Client.GetAsync(lastPage.Link("first"))).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(pages[0], first.EntryResources().Select(Ref));
        }
    }

    [Fact]
    public async Task A_type_specific_parameter_without_type_is_a_400_naming_it_when_strict_and_ignored_when_lenient()
    {
        var corpus = await SeedAsync();
        using var strict = new HttpRequestMessage(HttpMethod.Get, $"?_tag={corpus.Tag}&name={corpus.Name}");
        strict.Headers.Add("Prefer", "handling=strict");
        var error = await (await Client.SendAsync(strict)).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["name"], error.IssueExpressions());

        var lenient = await (await Client.GetAsync($"?_tag={corpus.Tag}&name={corpus.Name}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(Sorted(corpus.All), Sorted([.. lenient.EntryResources().Where(r => r.GetProperty("resourceType").GetString() != "OperationOutcome").Select(Ref)]));
        var outcome = lenient.GetProperty("entry").EnumerateArray().Last();
        Assert.Equal("outcome", outcome.GetProperty("search").GetProperty("mode").GetString());
        Assert.Contains("name", outcome.GetProperty("resource").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_parameter_every_listed_type_defines_searches_them_all()
    {
        var corpus = await SeedAsync();

        Assert.Equal(Sorted(corpus.Patient1, corpus.Patient2, corpus.Practitioner), await RefsAsync($"?_type=Patient,Practitioner&name={corpus.Name}"));
        Assert.Equal(Sorted(corpus.Patient1, corpus.Practitioner), await RefsAsync($"?_type=Patient,Practitioner&name:exact={corpus.Name}&_sort=name"));
        Assert.Equal(Sorted(corpus.Observation), await RefsAsync($"?_type=Observation,Encounter&subject:Patient.name:exact={corpus.Name}"));

        using var strict = new HttpRequestMessage(HttpMethod.Get, $"?_type=Patient,Observation&name={corpus.Name}");
        strict.Headers.Add("Prefer", "handling=strict");
        var error = await (await Client.SendAsync(strict)).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["name"], error.IssueExpressions());
    }

    [Fact]
    public async Task An_unknown_type_or_a_type_specific_sort_is_a_400()
    {
        var unknown = await (await Client.GetAsync("?_type=Patient,Nonsense")).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["_type"], unknown.IssueExpressions());
        var sort = await (await Client.GetAsync("?_sort=birthdate")).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["_sort"], sort.IssueExpressions());
    }

    [Fact]
    public async Task Post_search_takes_the_parameters_from_a_form()
    {
        var corpus = await SeedAsync();
        using var form = new FormUrlEncodedContent([new("_type", "Patient,Encounter"), new("_tag", corpus.Tag)]);

        var bundle = await (await Client.PostAsync("_search", form)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(Sorted(corpus.Patient1, corpus.Patient2, corpus.Encounter), Sorted([.. bundle.EntryResources().Select(Ref)]));
    }

    [Fact]
    public async Task Includes_add_the_referenced_resources_of_matches_of_any_type()
    {
        var corpus = await SeedAsync();

        var bundle = await (await Client.GetAsync($"?_type=Observation,Encounter&_tag={corpus.Tag}&_include=Observation:subject&_include=Encounter:subject")).ExpectAsync(HttpStatusCode.OK);

        var entries = bundle.GetProperty("entry").EnumerateArray()
            .Select(e => (Ref(e.GetProperty("resource")), e.GetProperty("search").GetProperty("mode").GetString()))
            .OrderBy(e => e.Item1, StringComparer.Ordinal).ToList();
        Assert.Equal(
            [(corpus.Encounter, "match"), (corpus.Observation, "match"), (corpus.Patient1, "include"), (corpus.Patient2, "include")],
            entries);
    }

    [Fact]
    public async Task The_capability_statement_lists_system_search_and_its_parameters()
    {
        var statement = await (await Client.GetAsync("metadata")).ExpectAsync(HttpStatusCode.OK);
        var rest = statement.GetProperty("rest")[0];

        Assert.Contains("search-system", rest.GetProperty("interaction").EnumerateArray().Select(i => i.GetProperty("code").GetString()));
        var parameters = rest.GetProperty("searchParam").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["_id", "_lastUpdated", "_profile", "_security", "_source", "_tag"], parameters.Order(StringComparer.Ordinal));
    }

    private async Task PutAsync(string url, string json)
    {
        var response = await Client.PutAsync(url, Json(json));
        Assert.True(response.IsSuccessStatusCode, $"PUT {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<string[]> RefsAsync(string query)
    {
        var bundle = await (await Client.GetAsync(query)).ExpectAsync(HttpStatusCode.OK);
        return Sorted([.. bundle.EntryResources().Select(Ref)]);
    }

    private static async Task<int> TotalAsync(HttpClient client, string url, bool counted = true)
    {
        var bundle = await (await client.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(counted, !bundle.TryGetProperty("entry", out _));
        return bundle.GetProperty("total").GetInt32();
    }

    private static string Ref(JsonElement resource) => resource.GetProperty("resourceType").GetString() + "/" + resource.Id();

    private static string[] Sorted(params string[] refs) => [.. refs.Order(StringComparer.Ordinal)];
}

public sealed class SearchSystemTestsOnSqlite(SqliteServer server) : SearchSystemTests(server), IClassFixture<SqliteServer>;

public sealed class SearchSystemTestsOnPostgres(PostgresServer server) : SearchSystemTests(server), IClassFixture<PostgresServer>;
