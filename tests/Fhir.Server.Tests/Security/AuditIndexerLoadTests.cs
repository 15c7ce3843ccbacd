using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fhir.Server.Audit;
using Fhir.Server.Tests.Support;
using Fhir.Storage;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Tests.Security;

/// <summary>
/// Issue 18: on a busy server the audit indexer leaves the CPU to requests until the backlog reaches
/// <see cref="AuditOptions.IndexBacklog"/>; whatever the backlog, an auditor's search finds every event at once.
/// </summary>
public sealed class AuditIndexerLoadTests(SecureSqliteServer server) : IClassFixture<SecureSqliteServer>
{
    private const int Bound = 40;

    [Fact]
    public async Task On_a_busy_server_records_wait_until_the_backlog_reaches_its_bound_and_an_auditor_finds_them_all_at_once()
    {
        var run = Guid.NewGuid().ToString("N")[..12];
        var database = System.IO.Path.Combine(server.Scratch, "busy-" + run, "fhir.db");
        await using var busy = server.CreateServer(new("Storage:ConnectionString", $"Data Source={database}"), new("Audit:IndexBacklog", Bound.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        busy.Services.GetRequiredService<AuditIndexer>().Load = () => 1.0; // every core busy, as under a load
        var store = busy.Services.GetRequiredService<IFhirStore>();
        using var client = busy.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost/fhir/") });
        var secure = new SecureClient(server);
        var researcher = await secure.TokenAsync(TestClients.Researcher);

        async Task ReadAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"Patient/{run}");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", researcher);
                using var response = await client.SendAsync(request);
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            }
        }

        await ReadAsync(Bound / 2);
        // Longer than the indexer's poll and its load samples: busy, under the bound, it stores nothing.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.True(await store.PendingAuditAsync() >= Bound / 2);

        await ReadAsync(Bound);
        var waited = 0;
        while (await store.PendingAuditAsync() >= Bound)
        {
            Assert.True(++waited < 200, "The backlog stayed at its bound on a busy server.");
            await Task.Delay(50);
        }

        using var search = new HttpRequestMessage(HttpMethod.Get, $"AuditEvent?entity=Patient/{run}&_summary=count");
        search.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await secure.TokenAsync(TestClients.Auditor));
        using var answer = await client.SendAsync(search);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal(Bound / 2 + Bound, JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("total").GetInt32());
    }

    [Fact]
    public void The_load_gauge_sees_every_core_busy()
    {
        var load = new CpuLoad(TimeProvider.System);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));
        var spinners = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => new Thread(() =>
        {
            while (!stop.IsCancellationRequested) Thread.SpinWait(1000);
        })).ToList();
        spinners.ForEach(t => t.Start());
        spinners.ForEach(t => t.Join());
        var share = load.Sample();
        Assert.InRange(share, 0.5, 1.0);
    }

    [Fact]
    public void Activity_is_the_share_of_time_with_a_request_in_progress_however_many_overlap()
    {
        var clock = new SteppingClock();
        var activity = new ServerActivity(clock);
        clock.Ticks += 100;
        Assert.Equal(0, activity.Sample());

        // 0-40: idle; 40-70: one request, and a second overlapping it from 50 to 90; 90-100: idle.
        clock.Ticks += 40;
        activity.Enter();
        clock.Ticks += 10;
        activity.Enter();
        clock.Ticks += 20;
        activity.Exit();
        clock.Ticks += 20;
        activity.Exit();
        clock.Ticks += 10;
        Assert.Equal(0.5, activity.Sample(), 6);

        // A request still in progress counts up to the sample, and from it on in the next.
        activity.Enter();
        clock.Ticks += 30;
        Assert.Equal(1.0, activity.Sample(), 6);
        clock.Ticks += 10;
        activity.Exit();
        clock.Ticks += 30;
        Assert.Equal(0.25, activity.Sample(), 6);
    }

    private sealed class SteppingClock : TimeProvider
    {
        public long Ticks { get; set; }

        public override long GetTimestamp() => Ticks;

        public override long TimestampFrequency => 1000;
    }
}
