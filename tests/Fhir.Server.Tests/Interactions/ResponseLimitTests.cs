using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Interactions;

/// <summary>
/// Issue 12 item 10: no response Bundle grows past Fhir:MaxResponseBytes: search pages (with their includes), history
/// pages, compartment pages and $everything stop at it and page on; batch entries beyond it answer 413 unprocessed;
/// a transaction's writes commit whole and its response leaves out what does not fit.
/// </summary>
public abstract class ResponseLimitTests(ServerFixture server) : IAsyncLifetime
{
    public const int Limit = 128 * 1024;
    private const int Observations = 40;

    // Each test class run gets its own patient, so that the searches below see only this class's data.
    private readonly string _patient = "rl-" + Guid.NewGuid().ToString("N")[..12];

    private HttpClient Client => server.Client;

    private static string Big(int size) => new('x', size);

    public async Task InitializeAsync()
    {
        await (await Client.PutAsync($"Patient/{_patient}", Json($$$"""{"resourceType":"Patient","id":"{{{_patient}}}","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">{{{Big(6000)}}}</div>"}}"""))).ExpectAsync(HttpStatusCode.Created);
        for (var i = 0; i < Observations; i++)
        {
            await (await Client.PostAsync("Observation", Json(ObservationJson(i)))).ExpectAsync(HttpStatusCode.Created);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // About 5 KB each.
    private string ObservationJson(int i) =>
        $$$"""{"resourceType":"Observation","status":"final","code":{"text":"rl"},"subject":{"reference":"Patient/{{{_patient}}}"},"valueString":"{{{i:D3}}}{{{Big(5000)}}}"}""";

    private static async Task<(JsonElement Body, int Length)> GetAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
        return (JsonDocument.Parse(bytes).RootElement.Clone(), bytes.Length);
    }

    private static JsonElement? OutcomeEntry(JsonElement bundle) =>
        bundle.TryGetProperty("entry", out var entries)
            ? entries.EnumerateArray().Where(e => e.GetProperty("search").GetProperty("mode").GetString() == "outcome").Select(e => e.GetProperty("resource")).Cast<JsonElement?>().FirstOrDefault()
            : null;

    [Fact]
    public async Task Issue12_item10_a_batch_of_big_searches_stays_within_the_limit_and_the_entries_beyond_it_are_413()
    {
        var entries = string.Join(",", Enumerable.Repeat($$$"""{"request":{"method":"GET","url":"Observation?subject=Patient/{{{_patient}}}&_count=1000"}}""", 30));

        using var response = await Client.PostAsync("", Json($$$"""{"resourceType":"Bundle","type":"batch","entry":[{{{entries}}}]}"""));
        var bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Before the limit: 30 x 200 KB. Now the limit, plus one short error entry per entry left out.
        Assert.InRange(bytes.Length, Limit / 2, Limit + 30 * 600);
        var results = JsonDocument.Parse(bytes).RootElement.GetProperty("entry").EnumerateArray().ToList();
        Assert.Equal(30, results.Count);
        var first = results[0];
        Assert.Equal("200 OK", first.GetProperty("response").GetProperty("status").GetString());
        var page = first.GetProperty("resource");
        Assert.InRange(page.EntryResources().Count(r => r.GetProperty("resourceType").GetString() == "Observation"), 1, Observations - 1);
        Assert.NotNull(page.Link("next"));
        var refused = results.Where(r => r.GetProperty("response").GetProperty("status").GetString()!.StartsWith("413", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(refused);
        Assert.Contains("Split the Bundle", refused[^1].GetProperty("response").GetProperty("outcome").GetProperty("issue")[0].GetProperty("diagnostics").GetString());
        // Once refused, every later entry is refused too (nothing is processed after the limit).
        var firstRefused = results.IndexOf(refused[0]);
        Assert.All(results.Skip(firstRefused), r => Assert.StartsWith("413", r.GetProperty("response").GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_search_page_stops_at_the_limit_says_so_and_its_next_links_reach_every_match_once()
    {
        var seen = new List<string>();
        string? url = $"Observation?subject=Patient/{_patient}&_count=1000";
        var pages = 0;
        while (url is not null)
        {
            var (bundle, length) = await GetAsync(Client, url);
            Assert.True(length <= Limit, $"page of {length} bytes");
            var matches = bundle.EntryResources().Where(r => r.GetProperty("resourceType").GetString() == "Observation").ToList();
            seen.AddRange(matches.Select(m => m.GetProperty("valueString").GetString()![..3]));
            url = bundle.Link("next");
            if (url is not null)
            {
                var warning = OutcomeEntry(bundle)!.Value.GetProperty("issue")[0];
                Assert.Equal(("warning", "too-costly"), (warning.GetProperty("severity").GetString(), warning.GetProperty("code").GetString()));
                Assert.Contains($"This page holds {matches.Count} of the 1000 matches asked for", warning.GetProperty("diagnostics").GetString());
            }
            pages++;
        }

        Assert.InRange(pages, 2, Observations);
        Assert.Equal(Enumerable.Range(0, Observations).Select(i => i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)).Order(), seen.Order());
    }

    [Fact]
    public async Task Included_resources_count_toward_the_limit()
    {
        // Twenty Observations with revincluded... the other way round: the Patient's page revincludes all 40 Observations.
        var (bundle, length) = await GetAsync(Client, $"Patient?_id={_patient}&_revinclude=Observation:subject");

        Assert.True(length <= Limit, $"page of {length} bytes");
        var included = bundle.EntryResources().Count(r => r.GetProperty("resourceType").GetString() == "Observation");
        Assert.InRange(included, 1, Observations - 1);
        Assert.Contains("Not every included resource is returned", OutcomeEntry(bundle)!.Value.GetProperty("issue")[0].GetProperty("diagnostics").GetString());
    }

    [Fact]
    public async Task History_compartment_and_everything_pages_stop_at_the_limit_and_page_on()
    {
        foreach (var start in new[] { "Observation/_history?_count=1000", $"Patient/{_patient}/*?_count=1000", $"Patient/{_patient}/$everything?_count=1000" })
        {
            var total = 0;
            var pages = 0;
            string? url = start;
            while (url is not null && pages < 100)
            {
                var (bundle, length) = await GetAsync(Client, url);
                Assert.True(length <= Limit, $"{start}: page of {length} bytes");
                total += bundle.EntryResources().Count(r => r.GetProperty("resourceType").GetString() == "Observation");
                url = bundle.Link("next");
                pages++;
            }
            Assert.True(pages > 1, start);
            Assert.True(total >= Observations, $"{start}: {total}");
        }
    }

    [Fact]
    public async Task Batch_writes_after_the_limit_are_not_processed()
    {
        var mrn = Guid.NewGuid().ToString("N");
        var search = $$$"""{"request":{"method":"GET","url":"Observation?subject=Patient/{{{_patient}}}&_count=1000"}}""";
        var create = $$$"""{"resource":{"resourceType":"Patient","identifier":[{"system":"urn:rl","value":"{{{mrn}}}"}]},"request":{"method":"POST","url":"Patient"}}""";

        var bundle = await (await Client.PostAsync("", Json($$$"""{"resourceType":"Bundle","type":"batch","entry":[{{{search}}},{{{search}}},{{{search}}},{{{create}}}]}"""))).ExpectAsync(HttpStatusCode.OK);

        Assert.StartsWith("413", bundle.GetProperty("entry")[3].GetProperty("response").GetProperty("status").GetString());
        var found = await (await Client.GetAsync($"Patient?identifier=urn:rl|{mrn}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(found.EntryResources());
    }

    [Fact]
    public async Task A_transaction_commits_its_writes_and_answers_without_what_does_not_fit()
    {
        var mrn = Guid.NewGuid().ToString("N");
        var search = $$$"""{"request":{"method":"GET","url":"Observation?subject=Patient/{{{_patient}}}&_count=1000"}}""";
        // The reads come first in the Bundle (and run after the writes): the written Patient no longer fits.
        var create = $$$"""{"fullUrl":"urn:uuid:{{{Guid.NewGuid()}}}","resource":{"resourceType":"Patient","identifier":[{"system":"urn:rl","value":"{{{mrn}}}"}],"text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">{{{Big(20_000)}}}</div>"}},"request":{"method":"POST","url":"Patient"}}""";

        var bundle = await (await Client.PostAsync("", Json($$$"""{"resourceType":"Bundle","type":"transaction","entry":[{{{search}}},{{{search}}},{{{create}}}]}"""))).ExpectAsync(HttpStatusCode.OK);

        var written = bundle.GetProperty("entry")[2];
        Assert.Equal("201 Created", written.GetProperty("response").GetProperty("status").GetString());
        Assert.False(written.TryGetProperty("resource", out _));
        Assert.Contains("left out", written.GetProperty("response").GetProperty("outcome").GetProperty("issue")[0].GetProperty("diagnostics").GetString());
        var found = await (await Client.GetAsync($"Patient?identifier=urn:rl|{mrn}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Single(found.EntryResources());
    }
}

/// <summary>A SQLite server with small body and response limits.</summary>
public sealed class SmallResponseSqliteServer : SqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => SmallResponseSettings.All;
}

/// <summary>A PostgreSQL server with small body and response limits.</summary>
public sealed class SmallResponsePostgresServer : PostgresServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => SmallResponseSettings.All;
}

internal static class SmallResponseSettings
{
    public static readonly KeyValuePair<string, string>[] All =
    [
        new("Fhir:MaxRequestBodyBytes", "65536"),
        new("Fhir:MaxResponseBytes", ResponseLimitTests.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}

public sealed class ResponseLimitTestsOnSqlite(SmallResponseSqliteServer server) : ResponseLimitTests(server), IClassFixture<SmallResponseSqliteServer>;

public sealed class ResponseLimitTestsOnPostgres(SmallResponsePostgresServer server) : ResponseLimitTests(server), IClassFixture<SmallResponsePostgresServer>;
