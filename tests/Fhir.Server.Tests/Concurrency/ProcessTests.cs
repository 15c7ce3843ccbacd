using System.Collections.Concurrent;
using System.Net;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Concurrency;

/// <summary>
/// Guarantees that need real processes: two servers sharing one PostgreSQL (how the server scales
/// out), and a server killed with SIGKILL during a storm of transactions.
/// </summary>
public sealed class ProcessTests
{
    private const int ObservationsPerBundle = 4;

    [Fact]
    public async Task Two_server_processes_on_one_PostgreSQL_make_one_resource_from_parallel_conditional_creates()
    {
        var postgres = await SharedPostgres.Instance;
        var database = await postgres.CreateDatabaseAsync();
        try
        {
            await using var a = await ServerProcess.StartAsync("Postgres", database);
            await using var b = await ServerProcess.StartAsync("Postgres", database);
            var mrn = "two-" + Guid.NewGuid().ToString("N");
            var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(async i =>
            {
                var client = i % 2 == 0 ? a.Client : b.Client;
                var request = new HttpRequestMessage(HttpMethod.Post, "Patient") { Content = Json(Samples.Patient(mrn)) };
                request.Headers.Add("If-None-Exist", $"identifier=urn:trial:mrn|{mrn}");
                var response = await client.SendAsync(request);
                return (response.StatusCode, (await response.BodyAsync()).Id());
            }));
            Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
            Assert.Single(results.Select(r => r.Item2).Distinct());
            foreach (var client in new[] { a.Client, b.Client })
            {
                var bundle = await (await client.GetAsync($"Patient?identifier=urn:trial:mrn|{mrn}")).ExpectAsync(HttpStatusCode.OK);
                Assert.Single(bundle.EntryResources());
            }
        }
        finally
        {
            await postgres.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public async Task Killing_a_SQLite_server_mid_storm_loses_no_acknowledged_write_and_leaves_no_half_transaction()
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fhir-kill-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await StormKillAndCheckAsync("Sqlite", $"Data Source={System.IO.Path.Combine(folder, "fhir.db")}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Killing_a_PostgreSQL_server_mid_storm_loses_no_acknowledged_write_and_leaves_no_half_transaction()
    {
        var postgres = await SharedPostgres.Instance;
        var database = await postgres.CreateDatabaseAsync();
        try
        {
            await StormKillAndCheckAsync("Postgres", database);
        }
        finally
        {
            await postgres.DropDatabaseAsync(database);
        }
    }

    private static async Task StormKillAndCheckAsync(string provider, string connectionString)
    {
        var acknowledged = new ConcurrentBag<string>();
        var sent = new ConcurrentBag<string>();
        await using (var server = await ServerProcess.StartAsync(provider, connectionString))
        {
            using var stop = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var batch = Guid.NewGuid().ToString("N");
                    sent.Add(batch);
                    try
                    {
                        var response = await server.Client.PostAsync("", Json(StormBundle(batch)));
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            acknowledged.Add(batch);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                    {
                        return; // the server is gone
                    }
                }
            })).ToList();

            // Let the storm run, then kill the server while requests are in flight.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (acknowledged.Count < 30 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
            server.KillHard();
            stop.Cancel();
            await Task.WhenAll(workers);
        }
        Assert.True(acknowledged.Count >= 30, $"Only {acknowledged.Count} transactions were acknowledged before the kill.");

        await using var restarted = await ServerProcess.StartAsync(provider, connectionString);
        var acked = acknowledged.ToHashSet();
        foreach (var batch in sent)
        {
            var patients = (await (await restarted.Client.GetAsync($"Patient?identifier=urn:storm|{batch}")).ExpectAsync(HttpStatusCode.OK)).EntryResources().Count;
            var observations = (await (await restarted.Client.GetAsync($"Observation?identifier=urn:storm|{batch}&_count=100")).ExpectAsync(HttpStatusCode.OK)).EntryResources().Count;
            if (acked.Contains(batch))
            {
                Assert.Equal((1, ObservationsPerBundle), (patients, observations));
            }
            else
            {
                // Unacknowledged: either all of it was committed before the kill, or none of it.
                Assert.Contains((patients, observations), new[] { (0, 0), (1, ObservationsPerBundle) });
            }
        }
    }

    private static string StormBundle(string batch)
    {
        var patient = $"urn:uuid:{Guid.NewGuid()}";
        var observations = Enumerable.Range(0, ObservationsPerBundle).Select(i => $$$"""
            {"fullUrl":"urn:uuid:{{{Guid.NewGuid()}}}","resource":{"resourceType":"Observation","identifier":[{"system":"urn:storm","value":"{{{batch}}}"}],"status":"final",
             "code":{"coding":[{"system":"http://loinc.org","code":"718-7"}]},"subject":{"reference":"{{{patient}}}"},"valueQuantity":{"value":{{{12 + i}}}.5,"unit":"g/dL","system":"http://unitsofmeasure.org","code":"g/dL"}},
             "request":{"method":"POST","url":"Observation"}}
            """);
        return $$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"{{{patient}}}","resource":{"resourceType":"Patient","identifier":[{"system":"urn:storm","value":"{{{batch}}}"}]},"request":{"method":"POST","url":"Patient"}},
              {{{string.Join(",", observations)}}}]}
            """;
    }
}
