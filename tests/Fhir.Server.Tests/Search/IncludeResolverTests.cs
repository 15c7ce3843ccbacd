using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Search;

/// <summary>
/// _include and _revinclude over a fixed corpus made per test (its codes are unique to the test):
///   Observation o1 (code X) -> subject p, performer dr;   Observation o2 (code X) -> subject gone (deleted)
///   Patient p -> generalPractitioner dr, managingOrganization org;   Practitioner dr at version 2
///   Observations c1 (code Y) -> hasMember c2 -> hasMember c3 -> hasMember c1 (a cycle)
///   Provenance prov -> target o1;   Provenance old (deleted) -> target o1
/// </summary>
public abstract class IncludeResolverTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    [Fact]
    public async Task Include_adds_the_referenced_resources_marked_include_and_not_counted_as_matches()
    {
        var c = await CorpusAsync();

        var bundle = await GetAsync($"Observation?code={c.X}&_include=Observation:subject");

        Assert.Equal([c.O1, c.O2], Ids(bundle, "match"));
        Assert.Equal([$"Patient/{c.P}"], Keys(bundle, "include"));
        if (bundle.TryGetProperty("total", out var total)) Assert.Equal(2, total.GetInt32());
    }

    [Fact]
    public async Task Include_star_follows_every_reference_to_current_versions_only()
    {
        var c = await CorpusAsync();

        foreach (var star in new[] { "Observation:*", "*" })
        {
            var bundle = await GetAsync($"Observation?code={c.X}&_include={star}");
            Assert.Equal(new[] { $"Patient/{c.P}", $"Practitioner/{c.Dr}" }.Order(), Keys(bundle, "include").Order());
            var practitioner = Resources(bundle, "include").Single(r => r.GetProperty("resourceType").GetString() == "Practitioner");
            Assert.Equal("2", practitioner.VersionId());
        }
    }

    [Fact]
    public async Task A_typed_include_follows_only_references_to_that_type()
    {
        var c = await CorpusAsync();

        Assert.Equal([$"Practitioner/{c.Dr}"], Keys(await GetAsync($"Observation?code={c.X}&_include=Observation:performer:Practitioner"), "include"));
        Assert.Empty(Keys(await GetAsync($"Observation?code={c.X}&_include=Observation:performer:Organization"), "include"));
        var outcome = await (await Client.GetAsync($"Observation?code={c.X}&_include=Observation:subject:Practitioner")).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("_include", outcome.IssueExpressions());
    }

    [Fact]
    public async Task Iterate_follows_references_of_included_resources_and_plain_include_does_not()
    {
        var c = await CorpusAsync();

        var plain = await GetAsync($"Observation?code={c.X}&_include=Observation:subject&_include=Patient:general-practitioner");
        Assert.Equal([$"Patient/{c.P}"], Keys(plain, "include"));

        var iterated = await GetAsync($"Observation?code={c.X}&_include=Observation:subject&_include:iterate=Patient:general-practitioner&_include:iterate=Patient:organization");
        Assert.Equal([$"Patient/{c.P}", $"Practitioner/{c.Dr}", $"Organization/{c.Org}"], Keys(iterated, "include"));
    }

    [Fact]
    public async Task Iterate_ends_on_a_cycle_with_each_resource_once()
    {
        var c = await CorpusAsync();

        var once = await GetAsync($"Observation?code={c.Y}&_include=Observation:has-member");
        Assert.Equal([c.C1], Ids(once, "match"));
        Assert.Equal([c.C2], Ids(once, "include"));

        var all = await GetAsync($"Observation?code={c.Y}&_include:iterate=Observation:has-member");
        Assert.Equal([c.C1], Ids(all, "match"));
        Assert.Equal([c.C2, c.C3], Ids(all, "include"));
    }

    [Fact]
    public async Task RevInclude_adds_current_resources_that_reference_the_matches()
    {
        var c = await CorpusAsync();

        Assert.Equal([$"Provenance/{c.Prov}"], Keys(await GetAsync($"Observation?code={c.X}&_revinclude=Provenance:target"), "include"));
        Assert.Equal([$"Observation/{c.O1}"], Keys(await GetAsync($"Patient?_id={c.P}&_revinclude=Observation:subject"), "include"));
        Assert.Equal(
            new[] { $"Observation/{c.O1}", $"Patient/{c.P}" }.Order(),
            Keys(await GetAsync($"Practitioner?_id={c.Dr}&_revinclude=*"), "include").Order());

        // The observation of the revinclude reaches its provenance only with :iterate.
        var iterated = await GetAsync($"Patient?_id={c.P}&_revinclude=Observation:subject&_revinclude:iterate=Provenance:target");
        Assert.Equal([$"Observation/{c.O1}", $"Provenance/{c.Prov}"], Keys(iterated, "include"));
    }

    [Fact]
    public async Task An_unknown_include_parameter_is_ignored_with_a_warning_or_rejected_when_strict()
    {
        var c = await CorpusAsync();

        var lenient = await GetAsync($"Observation?code={c.X}&_include=Observation:nonsense");
        Assert.Equal([c.O1, c.O2], Ids(lenient, "match"));
        var outcome = Resources(lenient, "outcome").Single();
        Assert.Contains("_include", outcome.IssueExpressions());

        var request = new HttpRequestMessage(HttpMethod.Get, $"Observation?code={c.X}&_include=Observation:nonsense");
        request.Headers.Add("Prefer", "handling=strict");
        var error = await (await Client.SendAsync(request)).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("_include", error.IssueExpressions());

        await (await Client.GetAsync($"Observation?code={c.X}&_include=subject")).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Each_page_includes_what_its_own_matches_reference()
    {
        var c = await CorpusAsync();

        var first = await GetAsync($"Observation?code={c.X}&_include=Observation:subject&_count=1");
        Assert.Equal([c.O1], Ids(first, "match"));
        Assert.Equal([$"Patient/{c.P}"], Keys(first, "include"));
        var next = first.Link("next")!;
        Assert.Contains("_include=Observation%3Asubject", next, StringComparison.Ordinal);
        var second = await GetAsync(next);
        Assert.Equal([c.O2], Ids(second, "match"));
        Assert.Empty(Keys(second, "include")); // its subject was deleted
    }

    private async Task<JsonElement> GetAsync(string url) => await (await Client.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);

    internal static IEnumerable<JsonElement> Resources(JsonElement bundle, string mode) =>
        bundle.TryGetProperty("entry", out var entries)
            ? entries.EnumerateArray().Where(e => e.GetProperty("search").GetProperty("mode").GetString() == mode).Select(e => e.GetProperty("resource"))
            : [];

    internal static IReadOnlyList<string> Ids(JsonElement bundle, string mode) => [.. Resources(bundle, mode).Select(r => r.Id())];

    internal static IReadOnlyList<string> Keys(JsonElement bundle, string mode) =>
        [.. Resources(bundle, mode).Select(r => $"{r.GetProperty("resourceType").GetString()}/{r.Id()}")];

    private async Task<string> CreateAsync(string json) =>
        (await (await Client.PostAsync(JsonDocument.Parse(json).RootElement.GetProperty("resourceType").GetString(), Json(json))).ExpectAsync(HttpStatusCode.Created)).Id();

    private async Task<Corpus> CorpusAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var org = await CreateAsync("""{"resourceType":"Organization","name":"Site"}""");
        var dr = await CreateAsync("""{"resourceType":"Practitioner","name":[{"family":"House"}]}""");
        (await Client.PutAsync($"Practitioner/{dr}", Json($$$"""{"resourceType":"Practitioner","id":"{{{dr}}}","name":[{"family":"House","given":["Greg"]}]}"""))).EnsureSuccessStatusCode();
        var p = await CreateAsync($$$"""{"resourceType":"Patient","generalPractitioner":[{"reference":"Practitioner/{{{dr}}}"}],"managingOrganization":{"reference":"Organization/{{{org}}}"}}""");
        var gone = await CreateAsync("""{"resourceType":"Patient"}""");
        var o1 = await CreateAsync(Observation("x" + tag, $"\"subject\":{{\"reference\":\"Patient/{p}\"}},\"performer\":[{{\"reference\":\"Practitioner/{dr}\"}}]"));
        var o2 = await CreateAsync(Observation("x" + tag, $"\"subject\":{{\"reference\":\"Patient/{gone}\"}}"));
        (await Client.DeleteAsync($"Patient/{gone}")).EnsureSuccessStatusCode();
        var c1 = await CreateAsync(Observation("y" + tag, null));
        var c2 = await CreateAsync(Observation("z" + tag, null));
        var c3 = await CreateAsync(Observation("z" + tag, null));
        foreach (var (from, to, code) in new[] { (c1, c2, "y"), (c2, c3, "z"), (c3, c1, "z") })
        {
            (await Client.PutAsync($"Observation/{from}", Json(Observation(code + tag, $"\"hasMember\":[{{\"reference\":\"Observation/{to}\"}}]", from)))).EnsureSuccessStatusCode();
        }
        var prov = await CreateAsync(Provenance(o1));
        var old = await CreateAsync(Provenance(o1));
        (await Client.DeleteAsync($"Provenance/{old}")).EnsureSuccessStatusCode();
        return new Corpus("x" + tag, "y" + tag, org, dr, p, o1, o2, c1, c2, c3, prov);
    }

    private static string Observation(string code, string? more, string? id = null) =>
        $$$"""{"resourceType":"Observation",{{{(id is null ? "" : $"\"id\":\"{id}\",")}}}"status":"final","code":{"coding":[{"system":"urn:test","code":"{{{code}}}"}]}{{{(more is null ? "" : "," + more)}}}}""";

    private static string Provenance(string observation) =>
        $$$"""{"resourceType":"Provenance","target":[{"reference":"Observation/{{{observation}}}"}],"recorded":"2024-01-01T00:00:00Z","agent":[{"who":{"display":"lab"}}]}""";

    private sealed record Corpus(string X, string Y, string Org, string Dr, string P, string O1, string O2, string C1, string C2, string C3, string Prov);
}

public sealed class IncludeResolverTestsOnSqlite(SqliteServer server) : IncludeResolverTests(server), IClassFixture<SqliteServer>;

public sealed class IncludeResolverTestsOnPostgres(PostgresServer server) : IncludeResolverTests(server), IClassFixture<PostgresServer>;

/// <summary>A server that adds at most two included resources to a page.</summary>
public sealed class TwoIncludesServer : SqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Fhir:MaxIncludedResources", "2")];
}

public sealed class IncludeLimitTests(TwoIncludesServer server) : IClassFixture<TwoIncludesServer>
{
    [Fact]
    public async Task Includes_beyond_the_maximum_are_cut_with_a_warning_outcome()
    {
        var client = server.Client;
        var code = "lim" + Guid.NewGuid().ToString("N")[..8];
        var patients = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var patient = (await (await client.PostAsync("Patient", Json(Samples.Patient("lim" + i)))).ExpectAsync(HttpStatusCode.Created)).Id();
            patients.Add(patient);
            var observation = $$$"""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"urn:test","code":"{{{code}}}"}]},"subject":{"reference":"Patient/{{{patient}}}"}}""";
            await (await client.PostAsync("Observation", Json(observation))).ExpectAsync(HttpStatusCode.Created);
        }

        var bundle = await (await client.GetAsync($"Observation?code={code}&_include=Observation:subject")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, IncludeResolverTests.Ids(bundle, "match").Count);
        Assert.Equal(patients.Take(2), IncludeResolverTests.Ids(bundle, "include"));
        var outcome = IncludeResolverTests.Resources(bundle, "outcome").Single();
        Assert.Equal(["too-costly"], outcome.IssueCodes());

        var exact = await (await client.GetAsync($"Observation?code={code}&_include=Observation:subject&_count=2")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(2, IncludeResolverTests.Ids(exact, "include").Count);
        Assert.Empty(IncludeResolverTests.Resources(exact, "outcome"));
    }
}
