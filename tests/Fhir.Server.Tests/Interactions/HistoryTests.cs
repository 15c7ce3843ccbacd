using System.Net;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Interactions;

public abstract class HistoryTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    private async Task<string> CreateWithVersionsAsync(int versions)
    {
        var id = (await (await Client.PostAsync("Patient", Json(Samples.Patient("hist")))).ExpectAsync(HttpStatusCode.Created)).Id();
        for (var v = 2; v <= versions; v++)
        {
            var json = Samples.Patient("hist", "V" + v).Replace("\"resourceType\":\"Patient\"", $"\"resourceType\":\"Patient\",\"id\":\"{id}\"");
            await (await Client.PutAsync($"Patient/{id}", Json(json))).ExpectAsync(HttpStatusCode.OK);
        }
        return id;
    }

    [Fact]
    public async Task Instance_history_lists_versions_newest_first()
    {
        var id = await CreateWithVersionsAsync(3);
        var bundle = await (await Client.GetAsync($"Patient/{id}/_history")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("history", bundle.GetProperty("type").GetString());
        Assert.Equal(["3", "2", "1"], bundle.EntryResources().Select(r => r.VersionId()));
        var entry = bundle.GetProperty("entry")[0];
        Assert.Equal("PUT", entry.GetProperty("request").GetProperty("method").GetString());
        Assert.Equal($"Patient/{id}", entry.GetProperty("request").GetProperty("url").GetString());
        Assert.Equal("W/\"3\"", entry.GetProperty("response").GetProperty("etag").GetString());
    }

    [Fact]
    public async Task History_pages_follow_the_next_link_without_gaps_or_repeats()
    {
        var id = await CreateWithVersionsAsync(5);
        var versions = new List<string>();
        var url = $"Patient/{id}/_history?_count=2";
        var pages = 0;
        while (url is not null)
        {
            var page = await (await Client.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
            versions.AddRange(page.EntryResources().Select(r => r.VersionId()));
            url = page.Link("next");
            pages++;
        }
        Assert.Equal(["5", "4", "3", "2", "1"], versions);
        Assert.Equal(3, pages);
    }

    [Fact]
    public async Task History_since_leaves_out_older_versions()
    {
        var id = await CreateWithVersionsAsync(1);
        var first = await (await Client.GetAsync($"Patient/{id}")).BodyAsync();
        await Task.Delay(20);
        var since = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");
        await Task.Delay(20);
        var json = Samples.Patient("hist", "Later").Replace("\"resourceType\":\"Patient\"", $"\"resourceType\":\"Patient\",\"id\":\"{id}\"");
        await Client.PutAsync($"Patient/{id}", Json(json));

        var bundle = await (await Client.GetAsync($"Patient/{id}/_history?_since={Uri.EscapeDataString(since)}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["2"], bundle.EntryResources().Select(r => r.VersionId()));
        Assert.Equal("1", first.VersionId());
    }

    [Fact]
    public async Task Type_and_system_history_include_every_type_written()
    {
        var id = await CreateWithVersionsAsync(1);
        var observation = await (await Client.PostAsync("Observation", Json($$$"""{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/{{{id}}}"}}""")))
            .ExpectAsync(HttpStatusCode.Created);

        var typeHistory = await (await Client.GetAsync("Observation/_history?_count=1000")).ExpectAsync(HttpStatusCode.OK);
        Assert.All(typeHistory.EntryResources(), r => Assert.Equal("Observation", r.GetProperty("resourceType").GetString()));
        Assert.Contains(typeHistory.EntryResources(), r => r.Id() == observation.Id());

        var system = await (await Client.GetAsync("_history?_count=1000")).ExpectAsync(HttpStatusCode.OK);
        Assert.Contains(system.EntryResources(), r => r.Id() == observation.Id());
        Assert.Contains(system.EntryResources(), r => r.Id() == id);
    }

    [Fact]
    public async Task History_with_a_bad_since_is_400_and_of_an_unknown_id_is_404()
    {
        await (await Client.GetAsync("_history?_since=yesterday")).ExpectAsync(HttpStatusCode.BadRequest);
        await (await Client.GetAsync("Patient/nobody/_history")).ExpectAsync(HttpStatusCode.NotFound);
    }
}

public sealed class HistoryTestsOnSqlite(SqliteServer server) : HistoryTests(server), IClassFixture<SqliteServer>;

public sealed class HistoryTestsOnPostgres(PostgresServer server) : HistoryTests(server), IClassFixture<PostgresServer>;
