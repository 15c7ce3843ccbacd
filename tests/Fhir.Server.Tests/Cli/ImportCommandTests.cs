extern alias cli;

using System.Net;
using System.Text.Json.Nodes;
using cli::Fhir.Cli.Commands;
using cli::Fhir.Cli.Remote;
using Fhir.Server.Tests.Support;
using Fhir.Trials.Generation;

namespace Fhir.Server.Tests.Cli;

/// <summary><c>fhir import</c> against a real server: NDJSON and transaction Bundles in, resumed after a failure, rejections reported.</summary>
public abstract class ImportCommandTests(ServerFixture server) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fhir-import-").FullName;

    private async Task<(int Exit, string Out, string Err)> Import(IReadOnlyList<string> inputs, HttpClient? http = null, int batch = 3, ServerCredentials? credentials = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await ImportCommand.RunAsync(inputs, "http://localhost/fhir", credentials ?? ServerCredentials.None, batch, parallel: 3,
            statePath: null, reportPath: null, restart: false, stdout, stderr, CancellationToken.None, http ?? server.Client, interactive: false);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private async Task<int> Count(string query)
    {
        var bundle = JsonNode.Parse(await server.Client.GetStringAsync(query + (query.Contains('?') ? "&" : "?") + "_summary=count"))!;
        return (int)bundle["total"]!;
    }

    private string Write(string name, IEnumerable<string> lines)
    {
        var path = System.IO.Path.Combine(_folder, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static IEnumerable<string> Patients(string tag, int count) => Enumerable.Range(0, count)
        .Select(i => $$"""{"resourceType":"Patient","id":"{{tag}}-{{i}}","identifier":[{"system":"urn:import-test","value":"{{tag}}-{{i}}"}],"gender":"female"}""");

    private static IEnumerable<string> Observations(string tag, int count) => Enumerable.Range(0, count)
        .Select(i => $$"""{"resourceType":"Observation","status":"final","code":{"text":"{{tag}}"},"subject":{"reference":"Patient/{{tag}}-{{i % 5}}"},"valueInteger":{{i}}}""");

    [Fact]
    public async Task Ndjson_files_are_imported_and_a_second_run_sends_nothing_again()
    {
        Write("Patient.ndjson", Patients("nd", 10));
        Write("Observation.ndjson", Observations("nd", 17));

        var (exit, output, error) = await Import([_folder]);
        Assert.True(exit == 0, output + error);
        Assert.Contains("Imported 27 resources", output);
        Assert.Equal(10, await Count("Patient?identifier=urn:import-test|"));
        Assert.Equal(17, await Count("Observation?code:text=nd"));

        // Observations have no id, so they are POSTed: only the state file keeps a second run from duplicating them.
        (exit, output, _) = await Import([_folder]);
        Assert.Equal(0, exit);
        Assert.Contains("27 already imported", output);
        Assert.Equal(17, await Count("Observation?code:text=nd"));
    }

    [Fact]
    public async Task An_interrupted_import_resumes_without_duplicates()
    {
        Write("Observation.ndjson", Observations("resume", 30));
        using var failing = server.CreateClient(new FailAfter(requests: 4));
        var (exit, _, error) = await Import([_folder], failing);
        Assert.Equal(1, exit);
        Assert.Contains("run the same command again to resume", error);
        var before = await Count("Observation?code:text=resume");
        Assert.InRange(before, 1, 29);

        (exit, var output, error) = await Import([_folder]);
        Assert.True(exit == 0, output + error);
        Assert.Equal(30, await Count("Observation?code:text=resume"));
    }

    [Fact]
    public async Task Rejected_resources_are_reported_with_the_servers_outcome()
    {
        Write("Observation.ndjson",
        [
            """{"resourceType":"Observation","id":"ok-1","status":"final","code":{"text":"rejects"}}""",
            """{"resourceType":"Observation","id":"bad-1","status":"not-a-status","code":{"text":"rejects"}}""",
            """this is not json""",
            """{"resourceType":"Observation","id":"ok-2","status":"final","code":{"text":"rejects"}}""",
        ]);
        var (exit, output, _) = await Import([_folder], batch: 10);
        Assert.Equal(1, exit);
        Assert.Equal(2, await Count("Observation?code:text=rejects"));
        var report = File.ReadAllLines(System.IO.Path.Combine(_folder, ImportCommand.ReportFileName)).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(2, report.Count);
        var notJson = report.Single(r => (long)r["line"]! == 3);
        Assert.Contains("not a JSON object", (string)notJson["reason"]!);
        var invalid = report.Single(r => (string?)r["id"] == "bad-1");
        Assert.Equal(2L, (long)invalid["line"]!);
        Assert.Equal("OperationOutcome", (string)invalid["outcome"]!["resourceType"]!);
        Assert.Contains("rejected", output);

        // The report sits among the inputs: a second run does not take it for resources, and sends nothing again.
        (exit, output, _) = await Import([_folder], batch: 10);
        Assert.Equal(0, exit);
        Assert.Equal(2, File.ReadAllLines(System.IO.Path.Combine(_folder, ImportCommand.ReportFileName)).Length);
    }

    [Fact]
    public async Task A_generated_trial_loads_from_its_transaction_bundles_in_parallel()
    {
        var trial = TrialGenerator.Write(new TrialGeneratorOptions { Patients = 8, Seed = 11 }, _folder);
        var (exit, output, error) = await Import([_folder], batch: 50);
        Assert.True(exit == 0, output + error);
        Assert.Equal(trial.Summary.Resources, (int)(await Task.WhenAll(
            new[]
            {
                "Patient?identifier=http://trials.example.org/fhir/identifiers/patient|", "ResearchStudy", "ResearchSubject",
                "Observation?identifier=http://trials.example.org/fhir/identifiers/observation|", "AdverseEvent",
                "MedicationAdministration", "Encounter", "Organization",
            }
                .Select(t => Count(t)))).Sum());
        Assert.Equal(trial.Summary.Screened, await Count($"Patient?identifier=http://trials.example.org/fhir/identifiers/patient|"));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Lets the first requests through, then fails every other one as a dropped connection would.</summary>
    private sealed class FailAfter(int requests) : DelegatingHandler
    {
        private int _sent;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _sent) <= requests
                ? base.SendAsync(request, cancellationToken)
                : Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("down") });
    }
}

public sealed class ImportCommandTestsOnSqlite(SqliteServer server) : ImportCommandTests(server), IClassFixture<SqliteServer>;

public sealed class ImportCommandTestsOnPostgres(PostgresServer server) : ImportCommandTests(server), IClassFixture<PostgresServer>;
