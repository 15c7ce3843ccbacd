using System.Net;
using System.Text.Json;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Bulk;

/// <summary>
/// <c>$import</c> (after the draft Bulk Data Import) as a client would use it: an NDJSON body or a manifest naming this
/// server's export files, 202 with a status URL, progress, a manifest with per-input counts, and an error file with each
/// rejected line's OperationOutcome; the stored resources are validated and searchable like any write. Both stores.
/// </summary>
public abstract class ImportTests(ServerFixture server)
{
    private readonly BulkClient _bulk = new(server.Client);

    private static string Tag() => "i" + Guid.NewGuid().ToString("N")[..10];

    private async Task<int> CountAsync(string query)
    {
        using var response = await server.Client.GetAsync(query + "&_summary=count");
        return (await response.BodyAsync()).GetProperty("total").GetInt32();
    }

    private static string Ndjson(IEnumerable<string> lines) => string.Join("\n", lines) + "\n";

    [Fact]
    public async Task An_ndjson_body_is_imported_validated_and_indexed_and_rejected_lines_are_reported_with_their_outcome()
    {
        var tag = Tag();
        var lines = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            lines.Add($$$"""{"resourceType":"Patient","id":"{{{tag}}}-{{{i}}}","identifier":[{"system":"urn:import","value":"{{{tag}}}"}],"gender":"{{{(i % 2 == 0 ? "female" : "male")}}}"}""");
        }
        lines.Insert(5, $$$"""{"resourceType":"Patient","id":"{{{tag}}}-bad","gender":"not-a-gender"}""");
        lines.Insert(9, "this is not json");
        lines.Add($$$"""{"resourceType":"Patient","identifier":[{"system":"urn:import","value":"{{{tag}}}"}]}""");

        var status = await _bulk.KickOffAsync("$import", HttpMethod.Post, Ndjson(lines), contentType: "application/fhir+ndjson");
        var manifest = await _bulk.WaitAsync(status);

        var output = Assert.Single(manifest.GetProperty("output").EnumerateArray());
        Assert.Equal(21, output.GetProperty("count").GetInt64());
        var error = Assert.Single(manifest.GetProperty("error").EnumerateArray());
        Assert.Equal(2, error.GetProperty("count").GetInt64());
        var outcomes = await _bulk.DownloadAsync(error.GetProperty("url").GetString()!);
        Assert.Equal(2, outcomes.Count);
        Assert.Contains("line 6", outcomes[0].GetProperty("issue")[0].GetProperty("diagnostics").GetString());
        Assert.Contains("HTTP 422", outcomes[0].GetProperty("issue")[0].GetProperty("diagnostics").GetString());
        Assert.Contains("line 10", outcomes[1].GetProperty("issue")[0].GetProperty("diagnostics").GetString());

        Assert.Equal(21, await CountAsync($"Patient?identifier=urn:import|{tag}"));
        Assert.Equal(10, await CountAsync($"Patient?identifier=urn:import|{tag}&gender=female"));
        using var read = await server.Client.GetAsync($"Patient/{tag}-3");
        Assert.Equal("male", (await read.BodyAsync()).GetProperty("gender").GetString());
    }

    [Fact]
    public async Task Importing_the_same_resources_again_updates_them_instead_of_duplicating_them()
    {
        var tag = Tag();
        var body = Ndjson(Enumerable.Range(0, 3).Select(i => $$$"""{"resourceType":"Patient","id":"{{{tag}}}-{{{i}}}","identifier":[{"system":"urn:import","value":"{{{tag}}}"}]}"""));
        await _bulk.WaitAsync(await _bulk.KickOffAsync("$import", HttpMethod.Post, body, contentType: "application/fhir+ndjson"));
        await _bulk.WaitAsync(await _bulk.KickOffAsync("$import", HttpMethod.Post, body, contentType: "application/fhir+ndjson"));

        Assert.Equal(3, await CountAsync($"Patient?identifier=urn:import|{tag}"));
        using var read = await server.Client.GetAsync($"Patient/{tag}-0");
        Assert.Equal("2", (await read.BodyAsync()).VersionId());
    }

    [Fact]
    public async Task A_manifest_naming_this_clients_export_files_imports_them_and_other_urls_are_refused()
    {
        var tag = Tag();
        await _bulk.WaitAsync(await _bulk.KickOffAsync("$import", HttpMethod.Post,
            Ndjson(Enumerable.Range(0, 4).Select(i => $$$"""{"resourceType":"Substance","id":"{{{tag}}}-{{{i}}}","code":{"text":"{{{tag}}}"}}""")), contentType: "application/fhir+ndjson"));
        var export = await _bulk.ExportAsync("$export?_type=Substance&_typeFilter=" + Uri.EscapeDataString($"Substance?code:text={tag}"));
        var inputs = string.Join(",", export.GetProperty("output").EnumerateArray().Select(o => $$"""{"type":"Substance","url":"{{o.GetProperty("url").GetString()}}"}"""));

        var manifest = await _bulk.WaitAsync(await _bulk.KickOffAsync("$import", HttpMethod.Post,
            $$"""{"inputFormat":"application/fhir+ndjson","inputSource":"urn:test:{{tag}}","storageDetail":{"type":"https"},"input":[{{inputs}}]}""", contentType: "application/json"));
        Assert.Equal(4, manifest.GetProperty("output").EnumerateArray().Sum(o => o.GetProperty("count").GetInt64()));
        Assert.Empty(manifest.GetProperty("error").EnumerateArray());
        Assert.Equal(4, await CountAsync($"Substance?code:text={tag}"));

        using var elsewhere = await _bulk.SendAsync(HttpMethod.Post, "$import",
            """{"inputFormat":"application/fhir+ndjson","input":[{"type":"Patient","url":"https://example.org/patients.ndjson"}]}""", contentType: "application/json");
        Assert.Contains("input[0].url", (await elsewhere.ExpectAsync(HttpStatusCode.BadRequest)).IssueExpressions());
        using var notAsync = await _bulk.SendAsync(HttpMethod.Post, "$import", "{}", prefer: null, contentType: "application/json");
        await notAsync.ExpectAsync(HttpStatusCode.BadRequest);
        using var wrongType = await _bulk.SendAsync(HttpMethod.Post, "$import", "a,b", contentType: "text/csv");
        await wrongType.ExpectAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_line_of_another_type_than_the_input_says_is_rejected()
    {
        var tag = Tag();
        var body = Ndjson([
            $$$"""{"resourceType":"Patient","id":"{{{tag}}}-p"}""",
            $$$"""{"resourceType":"Observation","id":"{{{tag}}}-o","status":"final","code":{"text":"x"}}""",
        ]);
        var manifest = await _bulk.WaitAsync(await _bulk.KickOffAsync("$import?type=Patient", HttpMethod.Post, body, contentType: "application/fhir+ndjson"));
        Assert.Equal(1, manifest.GetProperty("output")[0].GetProperty("count").GetInt64());
        Assert.Equal(1, manifest.GetProperty("error")[0].GetProperty("count").GetInt64());
    }
}

public sealed class ImportTestsOnSqlite(BulkSqliteServer server) : ImportTests(server), IClassFixture<BulkSqliteServer>;

public sealed class ImportTestsOnPostgres(BulkPostgresServer server) : ImportTests(server), IClassFixture<BulkPostgresServer>;
