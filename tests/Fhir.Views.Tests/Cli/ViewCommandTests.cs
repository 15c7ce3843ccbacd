extern alias cli;

using cli::Fhir.Cli.Commands;
using cli::Fhir.Cli.Remote;

namespace Fhir.Views.Tests.Cli;

/// <summary><c>fhir view run</c> offline, on a folder laid out as a Bulk Data <c>$export</c> writes it.</summary>
public sealed class ViewCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("view-run-").FullName;

    private string Write(string name, string text)
    {
        var path = System.IO.Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Exit, string Err)> Run(string view, string input, string? format, string? output)
    {
        var stderr = new StringWriter();
        var exit = await ViewCommand.RunAsync(view, [input], format, output, null, ServerCredentials.None, TextWriter.Null, stderr, CancellationToken.None);
        return (exit, stderr.ToString());
    }

    [Fact]
    public async Task A_view_runs_over_an_export_folder_and_writes_the_file()
    {
        var export = Directory.CreateDirectory(System.IO.Path.Combine(_folder, "export")).FullName;
        File.WriteAllText(System.IO.Path.Combine(export, "Patient.000.ndjson"), """{"resourceType":"Patient","id":"a","gender":"female"}""" + "\n");
        File.WriteAllText(System.IO.Path.Combine(export, "Patient.001.ndjson"), """{"resourceType":"Patient","id":"b","gender":"male"}""" + "\n");
        File.WriteAllText(System.IO.Path.Combine(export, "Observation.000.ndjson"), "this file is never read\n");
        var view = Write("view.json", """{"resourceType":"ViewDefinition","resource":"Patient","select":[{"column":[{"name":"id","path":"id"},{"name":"gender","path":"gender"}]}]}""");
        var output = System.IO.Path.Combine(_folder, "patients.csv");

        var (exit, error) = await Run(view, export, null, output);

        Assert.True(exit == 0, error);
        Assert.Equal("id,gender\na,female\nb,male\n", File.ReadAllText(output));
        Assert.Contains("2 rows written", error);
        Assert.False(File.Exists(output + ".partial"));
    }

    [Fact]
    public async Task A_view_with_errors_is_refused_with_their_locations()
    {
        var view = Write("bad.json", """{"resourceType":"ViewDefinition","resource":"Patient","select":[{"column":[{"name":"id","path":"id.("}]}]}""");
        var (exit, error) = await Run(view, _folder, "csv", null);
        Assert.Equal(2, exit);
        Assert.Contains("ViewDefinition.select[0].column[0].path", error);
    }

    [Fact]
    public async Task A_failed_run_leaves_no_output_file()
    {
        Write("Patient.ndjson", """{"resourceType":"Patient","id":"a","name":[{"family":"X"},{"family":"Y"}]}""" + "\n");
        var view = Write("view.json", """{"resourceType":"ViewDefinition","resource":"Patient","select":[{"column":[{"name":"family","path":"name.family"}]}]}""");
        var output = System.IO.Path.Combine(_folder, "out.parquet");
        var (exit, error) = await Run(view, _folder, null, output);
        Assert.Equal(1, exit);
        Assert.Contains("Patient/a", error);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".partial"));
    }

    [Fact]
    public async Task Parquet_needs_an_output_file() =>
        Assert.Equal(2, (await Run(Write("v.json", """{"resource":"Patient","select":[{"column":[{"name":"id","path":"id"}]}]}"""), _folder, "parquet", null)).Exit);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
