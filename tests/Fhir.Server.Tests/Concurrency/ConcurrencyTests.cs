using System.Net;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Concurrency;

/// <summary>The write guarantees under concurrency, on each store, through the HTTP API.</summary>
public abstract class ConcurrencyTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    [Fact]
    public async Task Thirty_two_parallel_identical_conditional_creates_make_exactly_one_resource()
    {
        var mrn = "par-" + Guid.NewGuid().ToString("N");
        var statuses = await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "Patient") { Content = Json(Samples.Patient(mrn)) };
            request.Headers.Add("If-None-Exist", $"identifier=urn:trial:mrn|{mrn}");
            var response = await Client.SendAsync(request);
            var body = await response.BodyAsync();
            return (response.StatusCode, Id: body.Id());
        }));

        Assert.Single(statuses, s => s.StatusCode == HttpStatusCode.Created);
        Assert.Equal(31, statuses.Count(s => s.StatusCode == HttpStatusCode.OK));
        Assert.Single(statuses.Select(s => s.Id).Distinct());
        var bundle = await (await Client.GetAsync($"Patient?identifier=urn:trial:mrn|{mrn}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Single(bundle.EntryResources());
    }

    [Fact]
    public async Task Concurrent_updates_with_If_Match_lose_no_update()
    {
        var id = (await (await Client.PostAsync("Patient", Json(Samples.Patient("race")))).ExpectAsync(HttpStatusCode.Created)).Id();
        const int writers = 8, updatesEach = 5;
        var written = new System.Collections.Concurrent.ConcurrentBag<string>();

        await Task.WhenAll(Enumerable.Range(0, writers).Select(async w =>
        {
            for (var n = 0; n < updatesEach; n++)
            {
                while (true)
                {
                    var current = await (await Client.GetAsync($"Patient/{id}")).BodyAsync();
                    var marker = $"W{w}N{n}";
                    var json = Samples.Patient("race", marker).Replace("\"resourceType\":\"Patient\"", $"\"resourceType\":\"Patient\",\"id\":\"{id}\"");
                    var put = new HttpRequestMessage(HttpMethod.Put, $"Patient/{id}") { Content = Json(json) };
                    put.Headers.TryAddWithoutValidation("If-Match", $"W/\"{current.VersionId()}\"");
                    var response = await Client.SendAsync(put);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        written.Add(marker);
                        break;
                    }
                    Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
                }
            }
        }));

        var final = await (await Client.GetAsync($"Patient/{id}")).BodyAsync();
        Assert.Equal((1 + writers * updatesEach).ToString(), final.VersionId());
        var history = await (await Client.GetAsync($"Patient/{id}/_history?_count=1000")).BodyAsync();
        var families = history.EntryResources().Select(r => r.GetProperty("name")[0].GetProperty("family").GetString()).ToHashSet();
        Assert.All(written, marker => Assert.Contains(marker, families));
        Assert.Equal(writers * updatesEach, written.Count);
    }

    // On SQLite, sessions share a transaction and only a transaction Bundle keeps a savepoint to roll back alone
    // (issue 18): a Bundle that fails after writing must leave nothing, and the writes that shared its transaction
    // must all land, whichever order the two arrive in.
    [Fact]
    public async Task Transactions_that_fail_after_writing_leave_nothing_and_every_write_beside_them_lands_once()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var target = (await (await Client.PostAsync("Patient", Json(Samples.Patient($"target-{run}")))).ExpectAsync(HttpStatusCode.Created)).Id();
        const int Writers = 24, Doomed = 12;

        var creates = Enumerable.Range(0, Writers).Select(async i =>
        {
            var response = await Client.PostAsync("Patient", Json(Samples.Patient($"kept-{run}-{i}")));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        });
        var transactions = Enumerable.Range(0, Doomed).Select(async i =>
        {
            // Creates run before the update in a transaction; the update's precondition fails, so the whole Bundle must go.
            var update = Samples.Patient($"target-{run}", "Changed").Replace("\"resourceType\":\"Patient\"", $"\"resourceType\":\"Patient\",\"id\":\"{target}\"");
            var bundle = $$$"""
                {"resourceType":"Bundle","type":"transaction","entry":[
                  {"resource":{{{Samples.Patient($"doomed-{run}-{i}-a")}}},"request":{"method":"POST","url":"Patient"}},
                  {"resource":{{{Samples.Patient($"doomed-{run}-{i}-b")}}},"request":{"method":"POST","url":"Patient"}},
                  {"resource":{{{update}}},"request":{"method":"PUT","url":"Patient/{{{target}}}","ifMatch":"W/\"99\""}}]}
                """;
            var response = await Client.PostAsync("", Json(bundle));
            Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        });
        await Task.WhenAll(creates.Concat(transactions));

        for (var i = 0; i < Writers; i++)
        {
            var found = await (await Client.GetAsync($"Patient?identifier=urn:trial:mrn|kept-{run}-{i}")).ExpectAsync(HttpStatusCode.OK);
            Assert.Single(found.EntryResources());
        }
        var doomed = string.Join(",", Enumerable.Range(0, Doomed).SelectMany(i => new[] { $"urn:trial:mrn|doomed-{run}-{i}-a", $"urn:trial:mrn|doomed-{run}-{i}-b" }));
        var left = await (await Client.GetAsync($"Patient?identifier={doomed}&_summary=count")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, left.GetProperty("total").GetInt32());
        var targetNow = await (await Client.GetAsync($"Patient/{target}")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("1", targetNow.VersionId());
    }
}

public sealed class ConcurrencyTestsOnSqlite(SqliteServer server) : ConcurrencyTests(server), IClassFixture<SqliteServer>;

public sealed class ConcurrencyTestsOnPostgres(PostgresServer server) : ConcurrencyTests(server), IClassFixture<PostgresServer>;
