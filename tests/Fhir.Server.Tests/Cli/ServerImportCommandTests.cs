extern alias cli;

using System.Text.Json.Nodes;
using cli::Fhir.Cli.Commands;
using cli::Fhir.Cli.Remote;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Cli;

/// <summary><c>fhir import --server-import</c>: NDJSON files through the server's <c>$import</c>, rejections reported, nothing sent twice.</summary>
public abstract class ServerImportCommandTests(ServerFixture server) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fhir-server-import-").FullName;

    private async Task<(int Exit, string Out, string Err)> Import(params string[] inputs)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await ImportCommand.RunAsync(inputs, "http://localhost/fhir", ServerCredentials.None, batchSize: 10, parallel: 2,
            statePath: null, reportPath: null, restart: false, stdout, stderr, CancellationToken.None, server.Client, interactive: false, serverImport: true);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private async Task<int> Count(string query) =>
        (int)JsonNode.Parse(await server.Client.GetStringAsync(query + "&_summary=count"))!["total"]!;

    [Fact]
    public async Task Ndjson_files_go_through_import_jobs_rejections_are_reported_and_a_second_run_sends_nothing()
    {
        var tag = "si" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllLines(System.IO.Path.Combine(_folder, "Patient.ndjson"), Enumerable.Range(0, 12).Select(i =>
            $$$"""{"resourceType":"Patient","id":"{{{tag}}}-{{{i}}}","identifier":[{"system":"urn:si","value":"{{{tag}}}"}]}"""));
        File.WriteAllLines(System.IO.Path.Combine(_folder, "Observation.ndjson"),
        [
            $$$"""{"resourceType":"Observation","status":"final","code":{"text":"{{{tag}}}"},"subject":{"reference":"Patient/{{{tag}}}-1"}}""",
            $$$"""{"resourceType":"Observation","status":"no-such-status","code":{"text":"{{{tag}}}"}}""",
            $$$"""{"resourceType":"Observation","status":"final","code":{"text":"{{{tag}}}"}}""",
        ]);

        var (exit, output, error) = await Import(_folder);

        Assert.Equal(1, exit);
        Assert.Contains("Imported 14 resources (server-side $import)", output + error);
        Assert.Equal(12, await Count($"Patient?identifier=urn:si|{tag}"));
        Assert.Equal(2, await Count($"Observation?code:text={tag}"));
        var report = File.ReadAllLines(System.IO.Path.Combine(_folder, ImportCommand.ReportFileName)).Select(l => JsonNode.Parse(l)!).ToList();
        var rejected = Assert.Single(report);
        Assert.Equal(2L, (long)rejected["line"]!);
        Assert.Equal("422", (string?)rejected["status"]);
        Assert.EndsWith("Observation.ndjson", (string)rejected["file"]!);

        (exit, output, error) = await Import(_folder);
        Assert.True(exit == 0, output + error);
        Assert.Contains("Imported 0 resources", output);
        Assert.Equal(2, await Count($"Observation?code:text={tag}"));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
        GC.SuppressFinalize(this);
    }
}

public sealed class ServerImportCommandTestsOnSqlite(BulkSqliteServer server) : ServerImportCommandTests(server), IClassFixture<BulkSqliteServer>;

public sealed class ServerImportCommandTestsOnPostgres(BulkPostgresServer server) : ServerImportCommandTests(server), IClassFixture<BulkPostgresServer>;
