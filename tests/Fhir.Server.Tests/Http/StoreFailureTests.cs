using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using Npgsql;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Http;

/// <summary>A SQLite server whose database may not grow beyond 1 MiB: it fills up as a disk does.</summary>
public class FullingSqliteServer : SqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Storage:MaxSizeBytes", (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture))];
}

/// <summary>The same, with the audit trail on.</summary>
public sealed class FullingAuditedSqliteServer : FullingSqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [.. base.Settings, new("Audit:Enabled", "true")];
}

/// <summary>A PostgreSQL server reached through a relay that a test can cut, with the audit trail on.</summary>
public sealed class RelayedPostgresServer : ServerFixture
{
    public override string Provider => "Postgres";

    public TcpForwarder Relay { get; private set; } = null!;

    private string _direct = "";

    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Audit:Enabled", "true")];

    protected override async Task<string> CreateStoreAsync()
    {
        _direct = await (await SharedPostgres.Instance).CreateDatabaseAsync();
        var builder = new NpgsqlConnectionStringBuilder(_direct);
        Relay = new TcpForwarder(new IPEndPoint(IPAddress.Parse(builder.Host == "localhost" ? "127.0.0.1" : builder.Host!), builder.Port));
        Relay.Start();
        // Fail fast when the relay is cut, rather than wait for the default timeouts.
        return new NpgsqlConnectionStringBuilder(_direct) { Port = Relay.Port, Timeout = 3, CommandTimeout = 10 }.ConnectionString;
    }

    protected override async Task DropStoreAsync()
    {
        await Relay.DisposeAsync();
        await (await SharedPostgres.Instance).DropDatabaseAsync(_direct);
    }
}

/// <summary>
/// Issue 12 item 20: a full store answers writes with 507 and changes nothing; reads keep working, unless their
/// AuditEvent cannot be stored either (then 507: no data leaves the server unaudited); a database that is down answers
/// 503 with Retry-After, for reads and writes alike, and the server recovers when it is back.
/// </summary>
public sealed class FullStoreTests(FullingSqliteServer server) : IClassFixture<FullingSqliteServer>
{
    [Fact]
    public async Task Issue_12_item_20_a_full_store_answers_writes_with_507_changes_nothing_and_still_serves_reads()
    {
        var client = server.Client;
        var kept = (await (await client.PostAsync("Patient", Json(Samples.Patient("kept")))).ExpectAsync(HttpStatusCode.Created)).Id();
        var (full, lastTried) = await FillAsync(client);
        var outcome = await full.ExpectAsync((HttpStatusCode)507);
        Assert.Contains("no-store", outcome.IssueCodes());

        // Nothing of the refused write is stored; other writes are refused alike; reads and searches are answered.
        Assert.Empty((await (await client.GetAsync($"Patient?identifier=urn:trial:mrn|{lastTried}")).ExpectAsync(HttpStatusCode.OK)).EntryResources());
        await (await client.PutAsync($"Patient/{kept}", Json(Samples.Patient("kept", Big())[..^1] + $",\"id\":\"{kept}\"}}"))).ExpectAsync((HttpStatusCode)507);
        var bundle = $$$"""{"resourceType":"Bundle","type":"transaction","entry":[{"resource":{{{Samples.Patient("tx", Big())}}},"request":{"method":"POST","url":"Patient"}}]}""";
        await (await client.PostAsync("", Json(bundle))).ExpectAsync((HttpStatusCode)507);
        await (await client.GetAsync($"Patient/{kept}")).ExpectAsync(HttpStatusCode.OK);
        await (await client.GetAsync("Patient?_count=5")).ExpectAsync(HttpStatusCode.OK);
    }

    // Writes patients of a few KB until one is refused; returns that response and the identifier it carried.
    internal static async Task<(HttpResponseMessage Response, string Mrn)> FillAsync(HttpClient client)
    {
        for (var i = 0; i < 2_000; i++)
        {
            var mrn = "fill-" + i;
            var response = await client.PostAsync("Patient", Json(Samples.Patient(mrn, Big())));
            if (response.StatusCode != HttpStatusCode.Created)
            {
                return (response, mrn);
            }
        }
        throw new InvalidOperationException("The store never filled up.");
    }

    internal static string Big() => "F" + string.Concat(Enumerable.Range(0, 400).Select(i => i.ToString("x4", System.Globalization.CultureInfo.InvariantCulture)));
}

public sealed class FullAuditedStoreTests(FullingAuditedSqliteServer server) : IClassFixture<FullingAuditedSqliteServer>
{
    [Fact]
    public async Task Issue_12_item_20_when_not_even_an_AuditEvent_fits_reads_get_507_saying_why()
    {
        var client = server.Client;
        var kept = (await (await client.PostAsync("Patient", Json(Samples.Patient("kept")))).ExpectAsync(HttpStatusCode.Created)).Id();
        var (full, _) = await FullStoreTests.FillAsync(client);
        await full.ExpectAsync((HttpStatusCode)507);
        // Smaller writes fit into what is left until nothing does; a read's AuditEvent is no smaller.
        for (var i = 0; i < 2_000 && (await client.PostAsync("Basic", Json("""{"resourceType":"Basic","code":{"text":"x"}}"""))).StatusCode == HttpStatusCode.Created; i++)
        {
        }
        // A read's audit record is about as large as the last Basic with its own, so whether the first read still fits
        // depends on which page of which table had room: reads go on until one does not (each that fits adds a record).
        var read = await client.GetAsync($"Patient/{kept}");
        for (var i = 0; i < 200 && read.StatusCode == HttpStatusCode.OK; i++)
        {
            read = await client.GetAsync($"Patient/{kept}");
        }
        var outcome = await read.ExpectAsync((HttpStatusCode)507);
        Assert.Contains("could not be audited", outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Doe", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class DatabaseDownTests(RelayedPostgresServer server) : IClassFixture<RelayedPostgresServer>
{
    [Fact]
    public async Task Issue_12_item_20_a_database_that_is_down_gets_503_with_Retry_After_and_the_server_recovers()
    {
        var client = server.Client;
        var id = (await (await client.PostAsync("Patient", Json(Samples.Patient("down")))).ExpectAsync(HttpStatusCode.Created)).Id();
        server.Relay.Cut();
        try
        {
            foreach (var request in new Func<Task<HttpResponseMessage>>[]
            {
                () => client.GetAsync($"Patient/{id}"),
                () => client.GetAsync("Patient?identifier=urn:trial:mrn|down"),
                () => client.GetAsync($"Patient/{id}/_history"),
                () => client.PostAsync("Patient", Json(Samples.Patient("while-down"))),
                () => client.DeleteAsync($"Patient/{id}"),
                () => client.PostAsync("", Json($$$"""{"resourceType":"Bundle","type":"batch","entry":[{"request":{"method":"GET","url":"Patient/{{{id}}}"}}]}""")),
            })
            {
                using var response = await request();
                var outcome = await response.ExpectAsync(HttpStatusCode.ServiceUnavailable);
                Assert.Contains("transient", outcome.IssueCodes());
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After");
            }
        }
        finally
        {
            server.Relay.Start();
        }
        // Back: pooled connections that broke are replaced.
        HttpResponseMessage? back = null;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            back = await client.GetAsync($"Patient/{id}");
            if (back.StatusCode == HttpStatusCode.OK) break;
            await Task.Delay(250);
        }
        Assert.Equal(HttpStatusCode.OK, back!.StatusCode);
        Assert.Equal(id, JsonDocument.Parse(await back.Content.ReadAsStringAsync()).RootElement.Id());
    }
}
