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
}

public sealed class ConcurrencyTestsOnSqlite(SqliteServer server) : ConcurrencyTests(server), IClassFixture<SqliteServer>;

public sealed class ConcurrencyTestsOnPostgres(PostgresServer server) : ConcurrencyTests(server), IClassFixture<PostgresServer>;
