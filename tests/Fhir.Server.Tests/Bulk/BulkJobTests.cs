using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using Fhir.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Bulk;

/// <summary>
/// Bulk jobs across server lifetimes, on both stores: an export or an import stopped midway resumes in another server from
/// its checkpoint with every resource exactly once; a running export cancelled by DELETE stops and removes its files; files expire.
/// Each test has a database of its own, and starts servers on it as it needs them.
/// </summary>
public abstract class BulkJobTests : IAsyncLifetime
{
    private const int Resources = 1500;
    private ServerFixture _database = null!;
    private readonly string _folder = BulkSettings.NewFolder();

    /// <summary>A server on a new database that runs no jobs.</summary>
    protected abstract ServerFixture NewServerWithoutRunner();

    public async Task InitializeAsync()
    {
        _database = NewServerWithoutRunner();
        await _database.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        BulkSettings.Delete(_folder);
    }

    private WebApplicationFactory<Program> Start(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in TestDefaults)
            {
                web.UseSetting(key, value);
            }
            foreach (var (key, value) in BulkSettings.For(_folder, resourcesPerFile: 3))
            {
                web.UseSetting(key, value);
            }
            web.UseSetting("Storage:Provider", _database.Provider);
            web.UseSetting("Storage:ConnectionString", _database.ConnectionString);
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });

    private static HttpClient ClientOf(WebApplicationFactory<Program> factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/fhir/") });

    private async Task SeedAsync()
    {
        for (var start = 0; start < Resources; start += 250)
        {
            var entries = string.Join(",", Enumerable.Range(start, 250).Select(i =>
                $$$"""{"resource":{"resourceType":"Observation","id":"job-{{{i}}}","status":"final","code":{"text":"job"},"valueInteger":{{{i}}}},"request":{"method":"PUT","url":"Observation/job-{{{i}}}"}}"""));
            await (await _database.Client.PostAsync("", Json($$"""{"resourceType":"Bundle","type":"transaction","entry":[{{entries}}]}"""))).ExpectAsync(HttpStatusCode.OK);
        }
    }

    private async Task<IFhirStore> OpenStoreAsync()
    {
        var store = FhirStores.Open(new StorageOptions { Provider = Enum.Parse<StorageProvider>(_database.Provider), ConnectionString = _database.ConnectionString });
        await store.InitializeAsync();
        return store;
    }

    // Polls until the job has written some but not all of its resources.
    private static async Task WaitUntilMidwayAsync(HttpClient client, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            using var response = await client.GetAsync(status);
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, "The export ended before it could be stopped midway.");
            var progress = response.Headers.GetValues("X-Progress").Single();
            if (progress.Contains(" of ", StringComparison.Ordinal) && !progress.StartsWith("0 of", StringComparison.Ordinal))
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, "The export did not start in time.");
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task An_export_stopped_midway_resumes_in_a_new_server_and_writes_every_resource_exactly_once()
    {
        await SeedAsync();
        var status = await new BulkClient(_database.Client).KickOffAsync("$export?_type=Observation");
        var jobId = status[(status.LastIndexOf('/') + 1)..];

        await using (var a = Start())
        {
            await WaitUntilMidwayAsync(ClientOf(a), status);
        }
        await using (var store = await OpenStoreAsync())
        {
            var stopped = (await store.GetJobAsync(jobId))!;
            Assert.Equal(Storage.Jobs.JobState.Queued, stopped.State);
            Assert.InRange(stopped.Done, 1, Resources - 1);
        }

        await using var b = Start();
        var bulk = new BulkClient(ClientOf(b));
        var manifest = await bulk.WaitAsync(status);
        var resources = (await bulk.ResourcesAsync(manifest))["Observation"];
        var ids = resources.Select(r => r.Id()).ToList();
        Assert.Equal(Resources, ids.Count);
        Assert.Equal(Enumerable.Range(0, Resources).Select(i => $"job-{i}").Order(), ids.Order());
        Assert.All(manifest.GetProperty("output").EnumerateArray(), f => Assert.InRange(f.GetProperty("count").GetInt64(), 1, 3));
    }

    [Fact]
    public async Task An_import_stopped_midway_resumes_in_a_new_server_and_stores_every_resource_exactly_once()
    {
        // Resources without ids are creates: only the cursor committed with each chunk keeps a resumed import from storing them twice.
        // Enough lines, one per transaction, that runner A cannot finish them before its first status answer on a fast machine.
        const int lines = 5000;
        var body = string.Join("\n", Enumerable.Range(0, lines).Select(i =>
            $$$"""{"resourceType":"Observation","status":"final","code":{"text":"resumed-import"},"valueInteger":{{{i}}}}"""));
        string status;
        await using (var quiet = Start(("Jobs:Enabled", "false")))
        {
            // Staged in the folder the runners share.
            status = await new BulkClient(ClientOf(quiet)).KickOffAsync("$import", HttpMethod.Post, body, contentType: "application/fhir+ndjson");
        }

        await using (var a = Start(("Import:BatchSize", "1")))
        {
            var client = ClientOf(a);
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (true)
            {
                using var response = await client.GetAsync(status);
                Assert.True(response.StatusCode == HttpStatusCode.Accepted, "The import ended before it could be stopped midway.");
                if (!response.Headers.GetValues("X-Progress").Single().StartsWith("0 stored", StringComparison.Ordinal) && response.Headers.GetValues("X-Progress").Single() != "queued")
                {
                    break;
                }
                Assert.True(DateTime.UtcNow < deadline, "The import did not start in time.");
                await Task.Delay(5);
            }
        }

        await using var b = Start(("Import:BatchSize", "50"));
        var manifest = await new BulkClient(ClientOf(b)).WaitAsync(status);
        Assert.Equal(lines, manifest.GetProperty("output")[0].GetProperty("count").GetInt64());
        using var count = await ClientOf(b).GetAsync("Observation?code:text=resumed-import&_summary=count");
        Assert.Equal(lines, (await count.BodyAsync()).GetProperty("total").GetInt32());
        var values = new HashSet<int>();
        for (string? url = "Observation?code:text=resumed-import&_count=1000"; url is not null;)
        {
            using var page = await ClientOf(b).GetAsync(url);
            var bundle = await page.BodyAsync();
            foreach (var resource in bundle.EntryResources())
            {
                Assert.True(values.Add(resource.GetProperty("valueInteger").GetInt32()), "A line was stored twice.");
            }
            url = bundle.Link("next");
        }
        Assert.Equal(lines, values.Count);
    }

    [Fact]
    public async Task Delete_cancels_a_running_export_which_stops_and_leaves_no_files()
    {
        await SeedAsync();
        await using var server = Start();
        var client = ClientOf(server);
        var bulk = new BulkClient(client);
        var status = await bulk.KickOffAsync("$export?_type=Observation");
        var jobId = status[(status.LastIndexOf('/') + 1)..];
        await WaitUntilMidwayAsync(client, status);

        await (await bulk.SendAsync(HttpMethod.Delete, status, prefer: null)).ExpectAsync(HttpStatusCode.Accepted);
        await (await bulk.SendAsync(HttpMethod.Get, status, prefer: null)).ExpectAsync(HttpStatusCode.NotFound);

        // The runner notices at its next checkpoint, stops, and removes what it wrote meanwhile.
        var folder = System.IO.Path.Combine(_folder, "export", jobId);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Directory.Exists(folder) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.False(Directory.Exists(folder));
        await using var store = await OpenStoreAsync();
        Assert.Equal(Storage.Jobs.JobState.Cancelled, (await store.GetJobAsync(jobId))!.State);
    }

    [Fact]
    public async Task Files_expire_after_the_retention_time_and_the_sweep_removes_them_with_the_job()
    {
        await SeedAsync();
        await using var server = Start(("Export:Retention", "00:00:02"));
        var bulk = new BulkClient(ClientOf(server));
        var status = await bulk.KickOffAsync("$export?_type=Observation&_typeFilter=" + Uri.EscapeDataString("Observation?_id=job-1,job-2"));
        var manifest = await bulk.WaitAsync(status);
        var url = manifest.GetProperty("output")[0].GetProperty("url").GetString()!;
        var jobId = status[(status.LastIndexOf('/') + 1)..];
        Assert.NotEmpty(await bulk.DownloadAsync(url));

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        await (await bulk.SendAsync(HttpMethod.Get, status, prefer: null)).ExpectAsync(HttpStatusCode.NotFound);
        await (await bulk.SendAsync(HttpMethod.Get, url, prefer: null, accept: null)).ExpectAsync(HttpStatusCode.NotFound);

        var removed = await server.Services.GetRequiredService<Fhir.Server.Bulk.BulkSweeper>().SweepAsync(CancellationToken.None);
        Assert.True(removed >= 1);
        Assert.False(Directory.Exists(System.IO.Path.Combine(_folder, "export", jobId)));
        await using var store = await OpenStoreAsync();
        Assert.Null(await store.GetJobAsync(jobId));
    }
}

public sealed class BulkJobTestsOnSqlite : BulkJobTests
{
    protected override ServerFixture NewServerWithoutRunner() => new Jobs.SqliteServerWithoutRunner();
}

public sealed class BulkJobTestsOnPostgres : BulkJobTests
{
    protected override ServerFixture NewServerWithoutRunner() => new Jobs.PostgresServerWithoutRunner();
}
