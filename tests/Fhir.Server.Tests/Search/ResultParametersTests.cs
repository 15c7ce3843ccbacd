using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Search;

/// <summary>_summary, _elements, handling and POST _search, on patients made per test (a unique family name).</summary>
public abstract class ResultParametersTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    private static string Patient(string family) => $$$"""
        {"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">{{{family}}}</div>"},
         "identifier":[{"system":"urn:trial:mrn","value":"R-1"}],"name":[{"family":"{{{family}}}"}],"gender":"female",
         "maritalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus","code":"M"}]}}
        """;

    private async Task<string> FamilyWithPatientsAsync(int count)
    {
        var family = "Res" + Guid.NewGuid().ToString("N")[..10];
        for (var i = 0; i < count; i++)
        {
            await (await Client.PostAsync("Patient", Json(Patient(family)))).ExpectAsync(HttpStatusCode.Created);
        }
        return family;
    }

    private async Task<IReadOnlyList<JsonElement>> MatchesAsync(string url) =>
        [.. IncludeResolverTests.Resources(await (await Client.GetAsync(url)).ExpectAsync(HttpStatusCode.OK), "match")];

    private static bool Subsetted(JsonElement resource) =>
        resource.GetProperty("meta").TryGetProperty("tag", out var tags) && tags.EnumerateArray().Any(t => t.GetProperty("code").GetString() == "SUBSETTED");

    [Fact]
    public async Task Summary_count_returns_only_the_total()
    {
        var family = await FamilyWithPatientsAsync(3);

        var bundle = await (await Client.GetAsync($"Patient?family={family}&_summary=count")).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(3, bundle.GetProperty("total").GetInt32());
        Assert.False(bundle.TryGetProperty("entry", out _));
        Assert.Equal(0, (await (await Client.GetAsync("Patient?family=NoSuchFamilyAnywhere&_summary=count")).ExpectAsync(HttpStatusCode.OK)).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Summary_true_keeps_only_summary_elements_and_tags_them_subsetted()
    {
        var family = await FamilyWithPatientsAsync(1);

        var patient = (await MatchesAsync($"Patient?family={family}&_summary=true")).Single();

        Assert.True(patient.TryGetProperty("name", out _));
        Assert.True(patient.TryGetProperty("identifier", out _));
        Assert.False(patient.TryGetProperty("maritalStatus", out _));
        Assert.False(patient.TryGetProperty("text", out _));
        Assert.True(Subsetted(patient));
    }

    [Fact]
    public async Task Summary_text_keeps_the_narrative_and_summary_data_drops_it()
    {
        var family = await FamilyWithPatientsAsync(1);

        var text = (await MatchesAsync($"Patient?family={family}&_summary=text")).Single();
        Assert.True(text.TryGetProperty("text", out _));
        Assert.False(text.TryGetProperty("name", out _));
        Assert.True(Subsetted(text));

        var data = (await MatchesAsync($"Patient?family={family}&_summary=data")).Single();
        Assert.False(data.TryGetProperty("text", out _));
        Assert.True(data.TryGetProperty("maritalStatus", out _));
        Assert.True(Subsetted(data));

        var whole = (await MatchesAsync($"Patient?family={family}&_summary=false")).Single();
        Assert.True(whole.TryGetProperty("text", out _));
        Assert.False(Subsetted(whole));
    }

    [Fact]
    public async Task Elements_keeps_the_named_and_mandatory_elements()
    {
        var family = await FamilyWithPatientsAsync(1);
        var observation = """{"resourceType":"Observation","status":"final","code":{"text":"weight"},"valueString":"heavy","issued":"2024-01-01T00:00:00Z","note":[{"text":"n"}]}""";
        var id = (await (await Client.PostAsync("Observation", Json(observation))).ExpectAsync(HttpStatusCode.Created)).Id();

        var patient = (await MatchesAsync($"Patient?family={family}&_elements=gender,Patient.maritalStatus")).Single();
        Assert.Equal(["resourceType", "id", "meta", "gender", "maritalStatus"], patient.EnumerateObject().Select(p => p.Name));
        Assert.True(Subsetted(patient));

        var subsetted = (await MatchesAsync($"Observation?_id={id}&_elements=value")).Single();
        Assert.Equal(["resourceType", "id", "meta", "status", "code", "valueString"], subsetted.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_bad_summary_value_is_400_naming_the_parameter()
    {
        var outcome = await (await Client.GetAsync("Patient?_summary=maybe")).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("_summary", outcome.IssueExpressions());
    }

    [Fact]
    public async Task Unsupported_parameters_are_reported_in_an_outcome_entry_by_default_and_rejected_when_strict()
    {
        var family = await FamilyWithPatientsAsync(2);

        foreach (var prefer in new[] { null, "handling=lenient" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"Patient?family={family}&bogus-param=1&_summary=true");
            if (prefer is not null) request.Headers.Add("Prefer", prefer);
            var bundle = await (await Client.SendAsync(request)).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(2, IncludeResolverTests.Resources(bundle, "match").Count());
            var outcome = IncludeResolverTests.Resources(bundle, "outcome").Single();
            Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
            Assert.Equal(["bogus-param"], outcome.IssueExpressions());
            Assert.DoesNotContain("bogus", bundle.Link("self"), StringComparison.Ordinal);
        }

        var strict = new HttpRequestMessage(HttpMethod.Get, $"Patient?family={family}&bogus-param=1");
        strict.Headers.Add("Prefer", "handling=strict");
        var error = await (await Client.SendAsync(strict)).ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["bogus-param"], error.IssueExpressions());
    }

    [Fact]
    public async Task Post_search_with_a_form_body_equals_the_GET_search_and_merges_the_query_string()
    {
        var family = await FamilyWithPatientsAsync(3);
        var get = await MatchesAsync($"Patient?family={family}&gender=female&_count=2&_elements=gender");

        var form = new FormUrlEncodedContent([new("family", family), new("_elements", "gender")]);
        var post = await (await Client.PostAsync("Patient/_search?gender=female&_count=2", form)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(get.Select(r => r.GetRawText()), IncludeResolverTests.Resources(post, "match").Select(r => r.GetRawText()));
        var next = post.Link("next")!;
        Assert.Contains($"family={family}", next, StringComparison.Ordinal);
        Assert.Contains("gender=female", next, StringComparison.Ordinal);

        var narrower = new FormUrlEncodedContent([new("family", family), new("gender", "male")]);
        Assert.Empty(IncludeResolverTests.Resources(await (await Client.PostAsync("Patient/_search", narrower)).ExpectAsync(HttpStatusCode.OK), "match"));
    }
}

public sealed class ResultParametersTestsOnSqlite(SqliteServer server) : ResultParametersTests(server), IClassFixture<SqliteServer>;

public sealed class ResultParametersTestsOnPostgres(PostgresServer server) : ResultParametersTests(server), IClassFixture<PostgresServer>;
