extern alias cli;

using cli::Fhir.Cli.Commands;
using cli::Fhir.Cli.Remote;
using Fhir.Server.Tests.Support;
using Fhir.Trials.Generation;

namespace Fhir.Server.Tests.Cli;

/// <summary><c>fhir view run</c> over a server: a trial loaded with <c>fhir import</c>, read back through a view by searching.</summary>
public sealed class ViewCommandTests(SqliteServer server) : IClassFixture<SqliteServer>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fhir-view-server-").FullName;

    [Fact]
    public async Task A_trial_imported_into_a_server_reads_back_through_the_participants_view()
    {
        var trial = TrialGenerator.Write(new TrialGeneratorOptions { Patients = 12, Seed = 3 }, _folder);
        var exit = await ImportCommand.RunAsync([_folder], "http://localhost/fhir", ServerCredentials.None, 100, 2, null, null, false,
            TextWriter.Null, TextWriter.Null, CancellationToken.None, server.Client, interactive: false);
        Assert.Equal(0, exit);

        var output = System.IO.Path.Combine(_folder, "participants.csv");
        var stderr = new StringWriter();
        exit = await ViewCommand.RunAsync(System.IO.Path.Combine(Repository.Root, "profiles", "views", "participants.json"), ["http://localhost/fhir"],
            null, output, null, ServerCredentials.None, TextWriter.Null, stderr, CancellationToken.None, server.Client);

        Assert.True(exit == 0, stderr.ToString());
        var rows = File.ReadAllLines(output).Skip(1).Select(l => l.Split(',')).ToList();
        // One row per participation, in either of the generator's studies.
        Assert.Equal(trial.Summary.Enrolled + trial.Summary.RegistryParticipants, rows.Count);
        // Loaded into the server, the study's conditional reference became a real one: every participant has its study key.
        Assert.All(rows, r => Assert.NotEqual("", r[3]));
        // The basket study's and the registry study's keys; the registry participants are patients of the basket study too.
        Assert.Equal(2, rows.Select(r => r[3]).Distinct().Count());
        Assert.Equal(trial.Summary.Enrolled, rows.GroupBy(r => r[3]).Max(g => g.Count()));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
