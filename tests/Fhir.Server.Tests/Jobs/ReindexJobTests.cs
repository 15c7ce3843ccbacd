using System.Net;
using Fhir.Server.Tests.SearchParameters;
using Fhir.Server.Tests.Support;
using Fhir.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Jobs;

/// <summary>Reindex jobs end to end: kick-off, status URL, completion, cancellation, resume after a restart.</summary>
public abstract class ReindexJobTests(ServerFixture server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private HttpClient Client => server.Client;

    /// <summary>A new server with its own empty database whose job runner is off.</summary>
    protected abstract ServerFixture NewServerWithoutRunner();

    private static async Task CreateVariantsAsync(HttpClient client, string hgnc, int count)
    {
        var entries = string.Join(",", Enumerable.Range(0, count).Select(_ =>
            $$$"""{"resource":{{{CustomSearchParameterTests.Variant(hgnc)}}},"request":{"method":"POST","url":"Observation"}}"""));
        await (await client.PostAsync("", Json($$$"""{"resourceType":"Bundle","type":"transaction","entry":[{{{entries}}}]}"""))).ExpectAsync(HttpStatusCode.OK);
    }

    // Every page, following the next links.
    private static async Task<IReadOnlyList<string>> IdsAsync(HttpClient client, string query)
    {
        var ids = new List<string>();
        for (string? url = query + "&_count=1000"; url is not null;)
        {
            var page = await (await client.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
            ids.AddRange(page.EntryResources().Select(r => r.Id()));
            url = page.TryGetProperty("link", out var links)
                ? links.EnumerateArray().Where(l => l.GetProperty("relation").GetString() == "next").Select(l => l.GetProperty("url").GetString()).FirstOrDefault()
                : null;
        }
        return ids;
    }

    private static async Task<string> PostSearchParameterAsync(HttpClient client, string code)
    {
        var response = await client.PostAsync("SearchParameter", Json(CustomSearchParameterTests.SearchParameter(code)));
        await response.ExpectAsync(HttpStatusCode.Created);
        var status = Assert.Single(response.Headers.GetValues("X-Reindex-Job"));
        Assert.StartsWith("http://localhost/fhir/_jobs/", status);
        return status;
    }

    private static async Task<System.Text.Json.JsonElement> WaitForCompletionAsync(HttpClient client, string status)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var response = await client.GetAsync(status);
            if (response.StatusCode == HttpStatusCode.OK) return await response.BodyAsync();
            await response.ExpectAsync(HttpStatusCode.Accepted);
            Assert.True(response.Headers.Contains("X-Progress"));
            Assert.True(DateTime.UtcNow < deadline, "The job did not complete in time.");
            await Task.Delay(50);
        }
    }

    private static long Part(System.Text.Json.JsonElement parameters, string name) =>
        parameters.GetProperty("parameter").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name).GetProperty("valueInteger").GetInt64();

    [Fact]
    public async Task Resources_stored_before_a_SearchParameter_become_searchable_when_its_reindex_job_completes()
    {
        var code = CustomSearchParameterTests.NewCode();
        var hgnc = "HGNC:" + Random.Shared.Next(100_000, 999_999);
        await CreateVariantsAsync(Client, hgnc, 25);

        var status = await PostSearchParameterAsync(Client, code);
        var result = await WaitForCompletionAsync(Client, status);

        Assert.Equal("Parameters", result.GetProperty("resourceType").GetString());
        Assert.True(Part(result, "done") >= 25);
        Assert.Equal(25, (await IdsAsync(Client, $"Observation?{code}=http://www.genenames.org|{hgnc}")).Count);
    }

    [Fact]
    public async Task Reindex_operation_answers_202_with_a_status_URL_that_reports_completion()
    {
        var response = await Client.PostAsync("Observation/$reindex", null);
        await response.ExpectAsync(HttpStatusCode.Accepted);
        var status = response.Content.Headers.ContentLocation ?? response.Headers.GetValues("Content-Location").Select(v => new Uri(v)).Single();

        var result = await WaitForCompletionAsync(Client, status.ToString());

        Assert.Equal("reindex", result.GetProperty("parameter").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "kind").GetProperty("valueString").GetString());
        Assert.Equal(Part(result, "total"), Part(result, "done"));
        await (await Client.GetAsync("_jobs/no-such-job")).ExpectAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_queued_job_reports_202_with_progress_and_after_DELETE_its_status_URL_answers_404()
    {
        var quiet = NewServerWithoutRunner();
        await quiet.InitializeAsync();
        try
        {
            var kickOff = await quiet.Client.PostAsync("$reindex", null);
            await kickOff.ExpectAsync(HttpStatusCode.Accepted);
            var status = kickOff.Content.Headers.ContentLocation!.ToString();

            var queued = await quiet.Client.GetAsync(status);
            await queued.ExpectAsync(HttpStatusCode.Accepted);
            Assert.Equal("0 done", Assert.Single(queued.Headers.GetValues("X-Progress")));

            await (await quiet.Client.DeleteAsync(status)).ExpectAsync(HttpStatusCode.Accepted);
            await (await quiet.Client.GetAsync(status)).ExpectAsync(HttpStatusCode.NotFound);
            await (await quiet.Client.DeleteAsync(status)).ExpectAsync(HttpStatusCode.Conflict);
        }
        finally
        {
            await quiet.DisposeAsync();
        }
    }

    // Enough one-resource batches that a busy machine still catches the job midway.
    private const int Resumable = 1500;

    [Fact]
    public async Task A_job_stopped_midway_resumes_from_its_cursor_in_a_new_server_on_the_same_database()
    {
        var quiet = NewServerWithoutRunner();
        await quiet.InitializeAsync();
        try
        {
            var code = CustomSearchParameterTests.NewCode();
            await CreateVariantsAsync(quiet.Client, "HGNC:6973", Resumable);
            var status = await PostSearchParameterAsync(quiet.Client, code);
            var jobId = status[(status.LastIndexOf('/') + 1)..];

            // Runner A takes one resource per batch; stop its server while it is midway.
            await using (var a = Start(quiet, batchSize: 1))
            {
                var client = a.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/fhir/") });
                var deadline = DateTime.UtcNow + Patience;
                while (true)
                {
                    var progress = await client.GetAsync(status);
                    var text = progress.Headers.TryGetValues("X-Progress", out var v) ? v.Single() : "";
                    if (text.Contains(" of ", StringComparison.Ordinal) && !text.StartsWith("0 of", StringComparison.Ordinal)) break;
                    Assert.True(progress.StatusCode == HttpStatusCode.Accepted, "The job ended before it could be stopped midway.");
                    Assert.True(DateTime.UtcNow < deadline, "The job did not start in time.");
                    await Task.Delay(5);
                }
            }

            await using var store = FhirStores.Open(new StorageOptions { Provider = Enum.Parse<StorageProvider>(quiet.Provider), ConnectionString = quiet.ConnectionString });
            await store.InitializeAsync();
            var stopped = (await store.GetJobAsync(jobId))!;
            Assert.Equal(Storage.Jobs.JobState.Queued, stopped.State);
            Assert.InRange(stopped.Done, 1, Resumable - 1);
            var cursorKey = long.Parse(stopped.Cursor![(stopped.Cursor!.IndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

            // Wipe the rows runner A wrote: if runner B started over, they would come back.
            var all = await store.ReadCurrentAsync("Observation", 0, 10_000);
            await store.ReplaceIndexAsync([.. all.Select(r => new ReindexedResource(r.Key, r.VersionSeq, []))], [code], null, DateTimeOffset.UtcNow);

            await using var b = Start(quiet, batchSize: 1000);
            var clientB = b.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/fhir/") });
            var result = await WaitForCompletionAsync(clientB, status);

            Assert.Equal(Resumable, Part(result, "done"));
            var found = (await IdsAsync(clientB, $"Observation?{code}=HGNC:6973")).ToHashSet();
            Assert.Equal(all.Where(r => r.Key > cursorKey).Select(r => r.Id).ToHashSet(), found);
        }
        finally
        {
            await quiet.DisposeAsync();
        }
    }

    private static WebApplicationFactory<Program> Start(ServerFixture database, int batchSize) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in ServerFixture.TestDefaults)
            {
                web.UseSetting(key, value);
            }
            web.UseSetting("Storage:Provider", database.Provider);
            web.UseSetting("Storage:ConnectionString", database.ConnectionString);
            web.UseSetting("Auth:SigningKeyPath", database.SigningKeyPath);
            web.UseSetting("Jobs:ReindexBatchSize", batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
            web.UseSetting("Jobs:PollInterval", "00:00:00.050");
        });
}

public sealed class SqliteServerWithoutRunner : SqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Jobs:Enabled", "false")];
}

public sealed class PostgresServerWithoutRunner : PostgresServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Jobs:Enabled", "false")];
}

public sealed class ReindexJobTestsOnSqlite(SqliteServer server) : ReindexJobTests(server), IClassFixture<SqliteServer>
{
    protected override ServerFixture NewServerWithoutRunner() => new SqliteServerWithoutRunner();
}

public sealed class ReindexJobTestsOnPostgres(PostgresServer server) : ReindexJobTests(server), IClassFixture<PostgresServer>
{
    protected override ServerFixture NewServerWithoutRunner() => new PostgresServerWithoutRunner();
}
