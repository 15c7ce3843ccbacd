using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Trials;

public abstract class CandidatesOperationTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    private async Task LoadAsync()
    {
        await (await Client.PostAsync("", Json(TrialBundle.Json()))).ExpectAsync(HttpStatusCode.OK);
        await (await Client.PostAsync("", Json(TrialBundle.Registry()))).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>"patient status | reason; reason" per entry.</summary>
    internal static List<string> Entries(JsonElement bundle) =>
        bundle.TryGetProperty("entry", out var entries)
            ? [.. entries.EnumerateArray().Select(e =>
            {
                var extensions = e.GetProperty("search").GetProperty("extension").EnumerateArray().ToList();
                Assert.Equal("match", e.GetProperty("search").GetProperty("mode").GetString());
                Assert.Equal("http://trials.example.org/fhir/StructureDefinition/candidate-status", extensions[0].GetProperty("url").GetString());
                return $"{e.GetProperty("resource").GetProperty("id").GetString()} {extensions[0].GetProperty("valueCode").GetString()} | "
                    + string.Join("; ", extensions.Skip(1).Select(x => x.GetProperty("valueString").GetString()));
            })]
            : [];

    [Fact]
    public async Task Candidates_are_the_eligible_then_the_undecidable_patients_not_enrolled_with_their_reasons()
    {
        await LoadAsync();
        var bundle = await (await Client.GetAsync("ResearchStudy/trial-1/$candidates")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("searchset", bundle.GetProperty("type").GetString());
        Assert.Equal(4, bundle.GetProperty("total").GetInt32());
        Assert.Equal(
            [
                "r1 eligible | mdm2-copy-number: MDM2 copy number 15 >= 8 (Observation/rm1, 2024-02-01).; tp53-wild-type: TP53 absent (wild type) (Observation/rt1, 2024-02-01).",
                "r8 eligible | mdm2-copy-number: MDM2 copy number 8 >= 8 (Observation/rm8, 2024-02-01).; tp53-wild-type: TP53 absent (wild type) (Observation/rt8, 2024-02-01).",
                "r2 undecidable | mdm2-copy-number: MDM2 copy number 9.5 >= 8 (Observation/rm2, 2024-02-01).; tp53-wild-type: No TP53 result.",
                "r3 undecidable | mdm2-copy-number: The MDM2 copy number is reported only as a range (Observation/rm3, 2024-02-01), which cannot be compared with the threshold 8.; tp53-wild-type: TP53 absent (wild type) (Observation/rt3, 2024-02-01).",
            ],
            Entries(bundle));
        Assert.All(bundle.GetProperty("entry").EnumerateArray(), e => Assert.EndsWith("/Patient/" + e.GetProperty("resource").GetProperty("id").GetString(), e.GetProperty("fullUrl").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Candidates_page_with_a_cursor_and_count_with_summary()
    {
        await LoadAsync();
        var seen = new List<string>();
        var url = "ResearchStudy/trial-1/$candidates?_count=3";
        for (var pages = 0; url is not null; pages++)
        {
            Assert.True(pages < 5);
            var page = await (await Client.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
            seen.AddRange(Entries(page).Select(e => e.Split(' ')[0]));
            url = page.GetProperty("link").EnumerateArray().FirstOrDefault(l => l.GetProperty("relation").GetString() == "next") is { ValueKind: JsonValueKind.Object } next
                ? next.GetProperty("url").GetString()!.Replace("http://localhost/fhir/", "", StringComparison.Ordinal)
                : null;
        }
        Assert.Equal(["r1", "r8", "r2", "r3"], seen);
        var count = await (await Client.GetAsync("ResearchStudy/trial-1/$candidates?_summary=count")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(4, count.GetProperty("total").GetInt32());
        Assert.False(count.TryGetProperty("entry", out _));
    }

    [Fact]
    public async Task Enrolling_a_candidate_takes_it_off_the_list()
    {
        await LoadAsync();
        var enrolment = await Client.PutAsync("ResearchSubject/s-r1", Json("""
            {"resourceType":"ResearchSubject","id":"s-r1","status":"candidate","period":{"start":"2024-03-01"},
             "study":{"reference":"ResearchStudy/trial-1"},"individual":{"reference":"Patient/r1"},"assignedArm":"A"}
            """));
        Assert.True(enrolment.IsSuccessStatusCode, await enrolment.Content.ReadAsStringAsync());
        try
        {
            var bundle = await (await Client.GetAsync("ResearchStudy/trial-1/$candidates")).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(["r8", "r2", "r3"], Entries(bundle).Select(e => e.Split(' ')[0]));
        }
        finally
        {
            Assert.True((await Client.DeleteAsync("ResearchSubject/s-r1")).IsSuccessStatusCode);
        }
    }

    [Theory]
    [InlineData("ResearchStudy/nope/$candidates", HttpStatusCode.NotFound)]
    [InlineData("ResearchStudy/trial-1/$candidates?_count=0", HttpStatusCode.BadRequest)]
    [InlineData("ResearchStudy/trial-1/$candidates?_summary=text", HttpStatusCode.BadRequest)]
    [InlineData("ResearchStudy/trial-1/$candidates?_cursor=nonsense", HttpStatusCode.BadRequest)]
    [InlineData("ResearchStudy/trial-1/$candidates?gene=x", HttpStatusCode.BadRequest)]
    public async Task Bad_requests_get_an_OperationOutcome(string url, HttpStatusCode status)
    {
        await LoadAsync();
        await (await Client.GetAsync(url)).ExpectAsync(status);
    }
}

public sealed class CandidatesOperationTestsOnSqlite(SqliteServer server) : CandidatesOperationTests(server), IClassFixture<SqliteServer>;

public sealed class CandidatesOperationTestsOnPostgres(PostgresServer server) : CandidatesOperationTests(server), IClassFixture<PostgresServer>;

/// <summary>The same data in SQLite and PostgreSQL gives the same candidates, byte for byte but for what each store stamps (ids of the Bundle, meta of the resources).</summary>
public sealed class CandidatesAcrossStoresTests(SqliteServer sqlite, PostgresServer postgres) : IClassFixture<SqliteServer>, IClassFixture<PostgresServer>
{
    [Fact]
    public async Task SQLite_and_PostgreSQL_give_the_same_candidates()
    {
        var outputs = new List<string>();
        foreach (var client in new[] { sqlite.Client, postgres.Client })
        {
            await (await client.PostAsync("", Json(TrialBundle.Json()))).ExpectAsync(HttpStatusCode.OK);
            await (await client.PostAsync("", Json(TrialBundle.Registry()))).ExpectAsync(HttpStatusCode.OK);
            var bundle = JsonNode.Parse(await (await client.GetAsync("ResearchStudy/trial-1/$candidates")).Content.ReadAsStringAsync())!.AsObject();
            bundle.Remove("id");
            bundle.Remove("meta");
            foreach (var entry in bundle["entry"]!.AsArray())
            {
                entry!["resource"]!.AsObject().Remove("meta");
            }
            outputs.Add(bundle.ToJsonString());
        }
        Assert.Equal(outputs[0], outputs[1]);
        Assert.Contains("\"total\":4", outputs[0], StringComparison.Ordinal);
    }
}
