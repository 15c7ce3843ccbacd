using System.Net;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Interactions;

/// <summary>The search the foundation offers: indexed parameters of the simple types, paging and handling.</summary>
public abstract class SearchTypeTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    private async Task<IReadOnlyList<string>> IdsAsync(string query) =>
        [.. (await (await Client.GetAsync(query)).ExpectAsync(HttpStatusCode.OK)).EntryResources().Select(r => r.Id())];

    private async Task<string> CreateAsync(string type, string json) =>
        (await (await Client.PostAsync(type, Json(json))).ExpectAsync(HttpStatusCode.Created)).Id();

    private static string Observation(string patientId, string code, decimal value, string unit, string date) => $$$"""
        {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"{{{code}}}"}]},
         "subject":{"reference":"Patient/{{{patientId}}}"},"effectiveDateTime":"{{{date}}}",
         "valueQuantity":{"value":{{{value}}},"unit":"{{{unit}}}","system":"http://unitsofmeasure.org","code":"{{{unit}}}"}}
        """;

    [Fact]
    public async Task Finds_observations_by_patient_code_date_and_canonical_quantity()
    {
        var patient = await CreateAsync("Patient", Samples.Patient("s-" + Guid.NewGuid().ToString("N")));
        var mg = await CreateAsync("Observation", Observation(patient, "2345-7", 5.4m, "mg", "2024-03-10"));
        var ug = await CreateAsync("Observation", Observation(patient, "2345-7", 5400m, "ug", "2024-05-02T08:00:00Z"));
        var other = await CreateAsync("Observation", Observation(patient, "718-7", 13.5m, "g/dL", "2023-01-01"));

        Assert.Equal([mg, ug, other], await IdsAsync($"Observation?patient=Patient/{patient}"));
        Assert.Equal([mg, ug], await IdsAsync($"Observation?subject={patient}&code=http://loinc.org|2345-7"));
        Assert.Equal([ug], await IdsAsync($"Observation?subject={patient}&date=ge2024-04"));
        Assert.Equal([mg, ug], await IdsAsync($"Observation?subject={patient}&value-quantity=5.4|http://unitsofmeasure.org|mg"));
        Assert.Equal([other], await IdsAsync($"Observation?subject={patient}&value-quantity=gt100|http://unitsofmeasure.org|mg/dL"));
    }

    [Fact]
    public async Task String_search_is_a_case_and_accent_insensitive_prefix_unless_exact()
    {
        var family = "Müller" + Guid.NewGuid().ToString("N")[..6];
        var id = await CreateAsync("Patient", Samples.Patient("str", family));
        Assert.Equal([id], await IdsAsync($"Patient?family={Uri.EscapeDataString("muller" + family[6..9])}"));
        Assert.Equal([id], await IdsAsync($"Patient?family:exact={Uri.EscapeDataString(family)}"));
        Assert.Empty(await IdsAsync($"Patient?family:exact={Uri.EscapeDataString(family.ToLowerInvariant())}"));
    }

    [Fact]
    public async Task Pages_follow_next_links_through_every_match()
    {
        var family = "Page" + Guid.NewGuid().ToString("N")[..8];
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await CreateAsync("Patient", Samples.Patient("p" + i, family)));
        }
        var seen = new List<string>();
        string? url = $"Patient?family={family}&_count=2";
        while (url is not null)
        {
            var page = await (await Client.GetAsync(url)).ExpectAsync(HttpStatusCode.OK);
            seen.AddRange(page.EntryResources().Select(r => r.Id()));
            url = page.Link("next");
        }
        Assert.Equal(created, seen);
    }

    [Fact]
    public async Task Unknown_parameters_are_reported_leniently_and_rejected_strictly()
    {
        var lenient = await (await Client.GetAsync("Patient?nonsense=1")).ExpectAsync(HttpStatusCode.OK);
        var outcome = lenient.GetProperty("entry").EnumerateArray().Last();
        Assert.Equal("outcome", outcome.GetProperty("search").GetProperty("mode").GetString());

        var request = new HttpRequestMessage(HttpMethod.Get, "Patient?nonsense=1");
        request.Headers.Add("Prefer", "handling=strict");
        var error = await (await Client.SendAsync(request)).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("nonsense", error.IssueExpressions());
    }

    [Fact]
    public async Task A_malformed_value_is_400_naming_the_parameter()
    {
        var outcome = await (await Client.GetAsync("Observation?date=ge2024-13-45")).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("date", outcome.IssueExpressions());
    }
}

public sealed class SearchTypeTestsOnSqlite(SqliteServer server) : SearchTypeTests(server), IClassFixture<SqliteServer>;

public sealed class SearchTypeTestsOnPostgres(PostgresServer server) : SearchTypeTests(server), IClassFixture<PostgresServer>;
