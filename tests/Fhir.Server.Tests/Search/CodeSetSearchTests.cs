using System.Net;
using Fhir.Server.Tests.Support;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Search;

/// <summary>Token <c>:in</c>, <c>:not-in</c>, <c>:below</c> and <c>:above</c> over the ValueSets and CodeSystems the server holds, including ones written to it.</summary>
public abstract class CodeSetSearchTests(ServerFixture server)
{
    private HttpClient Client => server.Client;

    [Fact]
    public async Task In_and_not_in_use_a_value_set_the_server_holds()
    {
        await PutAsync("Patient/cs-f", """{"resourceType":"Patient","id":"cs-f","gender":"female","identifier":[{"system":"urn:cs","value":"x"}]}""");
        await PutAsync("Patient/cs-u", """{"resourceType":"Patient","id":"cs-u","gender":"unknown","identifier":[{"system":"urn:cs","value":"x"}]}""");
        await PutAsync("ValueSet/cs-known", """
            {"resourceType":"ValueSet","id":"cs-known","url":"http://example.org/ValueSet/known-gender","status":"active",
             "compose":{"include":[{"system":"http://hl7.org/fhir/administrative-gender","concept":[{"code":"female"},{"code":"male"}]}]}}
            """);

        Assert.Equal(["cs-f"], await IdsAsync("Patient?identifier=urn:cs|x&gender:in=http://example.org/ValueSet/known-gender"));
        Assert.Equal(["cs-u"], await IdsAsync("Patient?identifier=urn:cs|x&gender:not-in=http://example.org/ValueSet/known-gender"));
        Assert.Equal(["cs-f", "cs-u"], await IdsAsync("Patient?identifier=urn:cs|x&gender:in=http://hl7.org/fhir/ValueSet/administrative-gender"));
    }

    [Fact]
    public async Task Below_and_above_walk_the_hierarchy_of_a_code_system_written_to_the_server()
    {
        await PutAsync("CodeSystem/cs-tumour", """
            {"resourceType":"CodeSystem","id":"cs-tumour","url":"http://example.org/CodeSystem/tumour","status":"active","content":"complete",
             "concept":[{"code":"sarcoma","concept":[{"code":"liposarcoma","concept":[{"code":"ddlps"}]},{"code":"intimal-sarcoma"}]},{"code":"carcinoma"}]}
            """);
        foreach (var (id, code) in new[] { ("t-lipo", "liposarcoma"), ("t-dd", "ddlps"), ("t-int", "intimal-sarcoma"), ("t-ca", "carcinoma") })
        {
            await PutAsync($"Condition/{id}", $$$"""{"resourceType":"Condition","id":"{{{id}}}","subject":{"reference":"Patient/x"},"code":{"coding":[{"system":"http://example.org/CodeSystem/tumour","code":"{{{code}}}"}]}}""");
        }

        Assert.Equal(["t-dd", "t-int", "t-lipo"], await IdsAsync("Condition?code:below=http://example.org/CodeSystem/tumour|sarcoma"));
        Assert.Equal(["t-dd", "t-lipo"], await IdsAsync("Condition?code:below=http://example.org/CodeSystem/tumour|liposarcoma"));
        Assert.Equal(["t-dd", "t-lipo"], await IdsAsync("Condition?code:above=http://example.org/CodeSystem/tumour|ddlps&_id=t-dd,t-lipo,t-ca"));
    }

    [Fact]
    public async Task An_unknown_value_set_is_a_400_naming_the_parameter()
    {
        var response = await Client.GetAsync("Patient?gender:in=http://example.org/ValueSet/nowhere");
        var outcome = await response.ExpectAsync(HttpStatusCode.BadRequest);
        Assert.Contains("gender", outcome.GetRawText(), StringComparison.Ordinal);
    }

    private async Task PutAsync(string url, string json)
    {
        var response = await Client.PutAsync(url, Json(json));
        Assert.True(response.IsSuccessStatusCode, $"PUT {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<List<string>> IdsAsync(string query)
    {
        var bundle = await (await Client.GetAsync(query)).ExpectAsync(HttpStatusCode.OK);
        return [.. bundle.EntryResources().Select(r => r.Id()).Order(StringComparer.Ordinal)];
    }
}

public sealed class CodeSetSearchTestsOnSqlite(SqliteServer server) : CodeSetSearchTests(server), IClassFixture<SqliteServer>;

public sealed class CodeSetSearchTestsOnPostgres(PostgresServer server) : CodeSetSearchTests(server), IClassFixture<PostgresServer>;
