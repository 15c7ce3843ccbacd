using System.Net;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.SearchParameters;

/// <summary>Custom SearchParameters: from the profiles folder at start, and written through the REST API.</summary>
public abstract class CustomSearchParameterTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    internal static string SearchParameter(string code, string expression = "Observation.component.where(code.coding.code = '48018-6').value", string type = "token") => $$$"""
        {"resourceType":"SearchParameter","url":"http://trials.example.org/fhir/SearchParameter/{{{code}}}","name":"{{{code}}}","status":"active",
         "description":"test parameter","code":"{{{code}}}","base":["Observation"],"type":"{{{type}}}","expression":"{{{expression}}}"}
        """;

    internal static string Variant(string hgnc) => $$$"""
        {"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"69548-6"}]},
         "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"48018-6"}]},
                       "valueCodeableConcept":{"coding":[{"system":"http://www.genenames.org","code":"{{{hgnc}}}"}]}}]}
        """;

    internal static string NewCode() => "gene" + Guid.NewGuid().ToString("N")[..8];

    private async Task<string> CreateAsync(string type, string json) =>
        (await (await Client.PostAsync(type, Json(json))).ExpectAsync(HttpStatusCode.Created)).Id();

    private async Task<IReadOnlyList<string>> IdsAsync(string query)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, query);
        request.Headers.Add("Prefer", "handling=strict");
        return [.. (await (await Client.SendAsync(request)).ExpectAsync(HttpStatusCode.OK)).EntryResources().Select(r => r.Id())];
    }

    [Fact]
    public async Task A_posted_SearchParameter_indexes_resources_written_after_it_at_once()
    {
        var code = NewCode();
        await CreateAsync("SearchParameter", SearchParameter(code));
        var mdm2 = await CreateAsync("Observation", Variant("HGNC:6973"));
        var tp53 = await CreateAsync("Observation", Variant("HGNC:11998"));

        Assert.Equal([mdm2], await IdsAsync($"Observation?{code}=http://www.genenames.org|HGNC:6973"));
        Assert.Equal([tp53], await IdsAsync($"Observation?{code}=HGNC:11998"));
    }

    [Fact]
    public async Task A_SearchParameter_with_an_invalid_expression_is_rejected_naming_SearchParameter_expression()
    {
        var code = NewCode();
        var outcome = await (await Client.PostAsync("SearchParameter", Json(SearchParameter(code, "Observation.component.where(code = ")))).ExpectAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("SearchParameter.expression", outcome.IssueExpressions());
        var strict = new HttpRequestMessage(HttpMethod.Get, $"Observation?{code}=x");
        strict.Headers.Add("Prefer", "handling=strict");
        await (await Client.SendAsync(strict)).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_SearchParameter_in_a_transaction_is_in_force_when_the_transaction_commits()
    {
        var code = NewCode();
        var bundle = $$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"urn:uuid:9a4f4a3e-0000-4000-8000-000000000001","resource":{{{SearchParameter(code)}}},"request":{"method":"POST","url":"SearchParameter"}}]}
            """;
        await (await Client.PostAsync("", Json(bundle))).ExpectAsync(HttpStatusCode.OK);
        var mdm2 = await CreateAsync("Observation", Variant("HGNC:6973"));

        Assert.Equal([mdm2], await IdsAsync($"Observation?{code}=HGNC:6973"));
    }

    [Fact]
    public async Task Deleting_a_SearchParameter_withdraws_it_and_updating_it_changes_what_is_indexed()
    {
        var code = NewCode();
        var id = await CreateAsync("SearchParameter", SearchParameter(code));
        var updated = SearchParameter(code, "Observation.code").Replace("{\"resourceType\":\"SearchParameter\",", $"{{\"resourceType\":\"SearchParameter\",\"id\":\"{id}\",");
        await (await Client.PutAsync($"SearchParameter/{id}", Json(updated))).ExpectAsync(HttpStatusCode.OK);
        var variant = await CreateAsync("Observation", Variant("HGNC:6973"));

        Assert.Empty(await IdsAsync($"Observation?{code}=HGNC:6973"));
        Assert.Contains(variant, await IdsAsync($"Observation?{code}=http://loinc.org|69548-6"));

        await (await Client.DeleteAsync($"SearchParameter/{id}")).ExpectAsync(HttpStatusCode.NoContent);
        var strict = new HttpRequestMessage(HttpMethod.Get, $"Observation?{code}=x");
        strict.Headers.Add("Prefer", "handling=strict");
        await (await Client.SendAsync(strict)).ExpectAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task SearchParameters_in_the_profiles_folder_are_in_force_at_start_and_listed_in_the_CapabilityStatement()
    {
        var mdm2 = await CreateAsync("Observation", Variant("HGNC:6973"));
        Assert.Equal([mdm2], await IdsAsync($"Observation?{ProfilesFolder.Code}=HGNC:6973&_id={mdm2}"));

        var statement = await (await Client.GetAsync("metadata")).ExpectAsync(HttpStatusCode.OK);
        var observation = statement.GetProperty("rest")[0].GetProperty("resource").EnumerateArray().Single(r => r.GetProperty("type").GetString() == "Observation");
        Assert.Contains(observation.GetProperty("searchParam").EnumerateArray(), p => p.GetProperty("name").GetString() == ProfilesFolder.Code);
    }
}

/// <summary>A profiles folder with one SearchParameter inside a Bundle, one file that is not a SearchParameter and one that is not JSON.</summary>
internal static class ProfilesFolder
{
    public const string Code = "profile-gene";

    /// <summary>Writes the folder as <c>profiles</c> under <paramref name="parent"/> (a fixture's scratch folder) and returns it.</summary>
    public static string Create(string parent)
    {
        var folder = System.IO.Path.Combine(parent, "profiles");
        Directory.CreateDirectory(System.IO.Path.Combine(folder, "search"));
        File.WriteAllText(System.IO.Path.Combine(folder, "search", "bundle.json"),
            $$$"""{"resourceType":"Bundle","type":"collection","entry":[{"resource":{{{CustomSearchParameterTests.SearchParameter(Code)}}}}]}""");
        File.WriteAllText(System.IO.Path.Combine(folder, "patient.json"), Samples.PatientJson);
        File.WriteAllText(System.IO.Path.Combine(folder, "notes.json"), "not json");
        return folder;
    }
}

public sealed class SqliteServerWithProfiles : SqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Fhir:ProfilesPath", ProfilesFolder.Create(Scratch))];
}

public sealed class PostgresServerWithProfiles : PostgresServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => [new("Fhir:ProfilesPath", ProfilesFolder.Create(Scratch))];
}

public sealed class CustomSearchParameterTestsOnSqlite(SqliteServerWithProfiles server) : CustomSearchParameterTests(server), IClassFixture<SqliteServerWithProfiles>;

public sealed class CustomSearchParameterTestsOnPostgres(PostgresServerWithProfiles server) : CustomSearchParameterTests(server), IClassFixture<PostgresServerWithProfiles>;
