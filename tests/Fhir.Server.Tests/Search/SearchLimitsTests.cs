using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Search;

/// <summary>
/// Issue 12 items 11 and 19: searches beyond the limits get 400 with an OperationOutcome naming the limit and the
/// parameter, on every path that parses a query (search, POST _search, system search, compartment search, and the
/// conditional create, update, patch, delete and references); searches within them run on both stores.
/// </summary>
public abstract class SearchLimitsTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    private static readonly string TooManyCodes = string.Join("&", Enumerable.Range(0, 100).Select(i => $"code=http://loinc.org|{i}"));

    private static async Task<JsonElement> RefusedAsync(HttpResponseMessage response, string code, string parameter)
    {
        var outcome = await response.ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains(code, outcome.IssueCodes());
        Assert.Contains(parameter, outcome.IssueExpressions());
        return outcome;
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    [Fact]
    public async Task Issue_12_item_11_a_code_ANDed_a_hundred_times_is_refused_naming_the_limit()
    {
        var outcome = await RefusedAsync(await Client.GetAsync("Observation?" + TooManyCodes), "too-costly", "code");
        Assert.Contains("32 criteria", outcome.GetProperty("issue")[0].GetProperty("diagnostics").GetString(), StringComparison.Ordinal);
        await RefusedAsync(await Client.PostAsync("Observation/_search", new StringContent(TooManyCodes, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded")), "too-costly", "code");
        await RefusedAsync(await Client.GetAsync("?_type=Observation&" + TooManyCodes), "too-costly", "code");
        await RefusedAsync(await Client.GetAsync("Patient/x/Observation?" + TooManyCodes), "too-costly", "code");
    }

    [Fact]
    public async Task Issue_12_item_19_the_values_that_broke_a_database_are_refused_or_run()
    {
        await RefusedAsync(await Client.PostAsync("Patient/_search", Form(("_id", string.Join(",", Enumerable.Range(0, 100_000).Select(i => "i" + i))))), "too-costly", "_id");
        await RefusedAsync(await Client.PostAsync("Observation/_search", Form(("code-value-quantity", string.Join(",", Enumerable.Range(0, 3000).Select(i => $"http://loinc.org|{i}$ge{i}"))))), "too-costly", "code-value-quantity");
        await RefusedAsync(await Client.PostAsync("Patient/_search", Form(("name:contains", new string('%', 30_000)))), "too-long", "name:contains");
        // Within the limits: the 500 `ap` values, and 1,000 ANDed parameters' worth of values spread over 32 criteria.
        await (await Client.PostAsync("Observation/_search", Form(("value-quantity", string.Join(",", Enumerable.Range(0, 500).Select(i => $"ap{i}|http://unitsofmeasure.org|mg")))))).ExpectAsync(HttpStatusCode.OK);
        await (await Client.PostAsync("Patient/_search", Form([.. Enumerable.Range(0, 32).Select(i => ("name", string.Join(",", Enumerable.Range(i * 31, 31).Select(j => "n" + j))))]))).ExpectAsync(HttpStatusCode.OK);
        await (await Client.PostAsync("Patient/_search", Form(("name:contains", new string('%', 4096))))).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Issue_12_item_11_conditional_operations_have_the_same_limits()
    {
        var condition = string.Join("&", Enumerable.Range(0, 40).Select(i => $"identifier=urn:x|{i}"));
        using (var create = new HttpRequestMessage(HttpMethod.Post, "Patient") { Content = Json(Samples.Patient("lim-" + Guid.NewGuid().ToString("N"))) })
        {
            create.Headers.Add("If-None-Exist", condition);
            await RefusedAsync(await Client.SendAsync(create), "too-costly", "identifier");
        }
        await RefusedAsync(await Client.PutAsync("Patient?" + condition, Json(Samples.Patient("lim"))), "too-costly", "identifier");
        await RefusedAsync(await Client.DeleteAsync("Patient?" + condition), "too-costly", "identifier");
        using (var patch = new HttpRequestMessage(HttpMethod.Patch, "Patient?" + condition) { Content = Json("""[{"op":"replace","path":"/gender","value":"male"}]""", "application/json-patch+json") })
        {
            await RefusedAsync(await Client.SendAsync(patch), "too-costly", "identifier");
        }
        var bundle = $$$"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient?{{{condition}}}"}},"request":{"method":"POST","url":"Observation"}},
              {"resource":{{{Samples.Patient("lim")}}},"request":{"method":"POST","url":"Patient","ifNoneExist":"{{{condition}}}"}}]}
            """;
        var response = await Client.PostAsync("", Json(bundle));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("too-costly", (await response.BodyAsync()).IssueCodes());
    }
}

public sealed class SearchLimitsTestsOnSqlite(SqliteServer server) : SearchLimitsTests(server), IClassFixture<SqliteServer>;

public sealed class SearchLimitsTestsOnPostgres(PostgresServer server) : SearchLimitsTests(server), IClassFixture<PostgresServer>;

/// <summary>A server whose search limits are configured low.</summary>
public sealed class LowSearchLimitsServer : SqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings =>
    [
        new("Fhir:MaxSearchCriteria", "3"),
        new("Fhir:MaxSearchValuesPerParameter", "4"),
        new("Fhir:MaxSearchValues", "6"),
        new("Fhir:MaxSearchValueLength", "10"),
    ];
}

public sealed class ConfiguredSearchLimitsTests(LowSearchLimitsServer server) : IClassFixture<LowSearchLimitsServer>
{
    [Theory]
    [InlineData("Patient?name=a&name=b&name=c", HttpStatusCode.OK)]
    [InlineData("Patient?name=a&name=b&name=c&name=d", HttpStatusCode.BadRequest)]
    [InlineData("Patient?name=a&_sort=name,birthdate", HttpStatusCode.OK)]
    [InlineData("Patient?name=a&_sort=name,birthdate,_id", HttpStatusCode.BadRequest)]
    [InlineData("Patient?name=a,b,c,d", HttpStatusCode.OK)]
    [InlineData("Patient?name=a,b,c,d,e", HttpStatusCode.BadRequest)]
    [InlineData("Patient?name=a,b,c&name=d,e,f", HttpStatusCode.OK)]
    [InlineData("Patient?name=a,b,c&name=d,e,f,g", HttpStatusCode.BadRequest)]
    [InlineData("Patient?name=abcdefghij", HttpStatusCode.OK)]
    [InlineData("Patient?name=abcdefghijk", HttpStatusCode.BadRequest)]
    public async Task The_configured_limits_apply(string query, HttpStatusCode status)
    {
        await (await server.Client.GetAsync(query)).ExpectAsync(status);
    }
}
