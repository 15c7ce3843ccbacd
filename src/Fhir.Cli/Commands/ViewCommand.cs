using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Fhir.Cli.Remote;
using Fhir.Core.Outcomes;
using Fhir.Views;
using Fhir.Views.Input;
using Fhir.Views.Output;

namespace Fhir.Cli.Commands;

/// <summary>
/// <c>fhir view run &lt;view.json&gt; --input &lt;NDJSON/Bundle files or folders, or a server URL&gt; --format csv|parquet|ndjson|json
/// --out &lt;file&gt;</c>: runs a SQL on FHIR v2 ViewDefinition offline (on a Bulk Data <c>$export</c> folder, say) or over a
/// server's search results, and writes its rows as they come.
/// </summary>
internal static class ViewCommand
{
    public static Command Create()
    {
        var view = new Argument<FileInfo>("view") { Description = "The ViewDefinition (JSON)." };
        var input = new Option<string[]>("--input", "-i")
        {
            Description = "NDJSON files (Patient.ndjson, Observation.001.ndjson...), JSON resources or Bundles, folders of them, or a FHIR server's base URL.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var format = new Option<string?>("--format", "-f") { Description = "csv, parquet, ndjson or json (default: from --out's extension, else csv)." };
        format.AcceptOnlyFromAmong("csv", "parquet", "ndjson", "json");
        var output = new Option<FileInfo?>("--out", "-o") { Description = "The file to write (standard output when absent; required for parquet)." };
        var limit = new Option<long?>("--limit") { Description = "Write at most this many rows." };
        var auth = ServerOptions.Create();
        var run = new Command("run", "Run a SQL on FHIR ViewDefinition and write its rows.") { view, input, format, output, limit };
        auth.AddTo(run);
        run.SetAction((parsed, cancellationToken) => RunAsync(
            parsed.GetValue(view)!.FullName, parsed.GetValue(input) ?? [], parsed.GetValue(format), parsed.GetValue(output)?.FullName,
            parsed.GetValue(limit), auth.Read(parsed), Console.Out, Console.Error, cancellationToken));
        return new Command("view", "SQL on FHIR views.") { run };
    }

    /// <summary>Runs the view; returns the exit code.</summary>
    public static async Task<int> RunAsync(
        string viewFile, IReadOnlyList<string> inputs, string? formatName, string? outputFile, long? limit, ServerCredentials credentials,
        TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken, HttpClient? http = null)
    {
        if (!File.Exists(viewFile))
        {
            await stderr.WriteLineAsync($"No such file: {viewFile}");
            return ExitCodes.UnusableArguments;
        }
        var parsed = ViewDefinition.Parse(await File.ReadAllBytesAsync(viewFile, cancellationToken));
        if (parsed.View is not { } view)
        {
            foreach (var issue in parsed.Issues)
            {
                await stderr.WriteLineAsync($"{viewFile}: {issue.Expression}: {issue.Message}");
            }
            return ExitCodes.UnusableArguments;
        }
        var formatText = formatName ?? (outputFile is null ? "" : System.IO.Path.GetExtension(outputFile).TrimStart('.'));
        var format = RowWriter.ParseFormat(formatText.Length == 0 ? "csv" : formatText);
        if (format is null)
        {
            await stderr.WriteLineAsync($"Unknown format '{formatText}' (from --out's extension): use --format csv, parquet, ndjson or json.");
            return ExitCodes.UnusableArguments;
        }
        if (format == ViewOutputFormat.Parquet && outputFile is null)
        {
            await stderr.WriteLineAsync("Parquet output needs a file: give --out.");
            return ExitCodes.UnusableArguments;
        }

        using var server = inputs.Count == 1 && ServerConnection.IsUrl(inputs[0])
            ? http is null ? ServerConnection.Open(inputs[0], credentials.Token, credentials.ClientId, credentials.ClientSecret)
                : ServerConnection.Over(http, inputs[0], credentials.Token, credentials.ClientId, credentials.ClientSecret)
            : null;
        IAsyncEnumerable<ReadOnlyMemory<byte>> resources;
        if (server is not null)
        {
            resources = ServerResources.ReadAsync(server, view.Resource, 1000, cancellationToken);
        }
        else
        {
            try
            {
                resources = ResourceFiles.ReadAsync(ResourceFiles.Find(inputs, view.Resource), cancellationToken);
            }
            catch (FileNotFoundException e)
            {
                await stderr.WriteLineAsync(e.Message);
                return ExitCodes.UnusableArguments;
            }
        }

        // Rows go to a file beside the target that takes its name only when the run succeeded.
        var partial = outputFile is null ? null : outputFile + ".partial";
        var clock = Stopwatch.StartNew();
        ViewRunResult result;
        try
        {
            await using (var stream = partial is null ? Console.OpenStandardOutput() : new FileStream(partial, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true))
            await using (var writer = RowWriter.Create(format.Value, stream))
            {
                result = await ViewRunner.RunAsync(view, resources, writer, new ViewRunOptions { Limit = limit }, cancellationToken);
            }
        }
        catch (Exception e) when (e is RemoteException or HttpRequestException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync(e.Message);
            Delete(partial);
            return ExitCodes.Failed;
        }
        foreach (var issue in result.Issues)
        {
            await stderr.WriteLineAsync($"{(issue.IsError ? "error" : "warning")}: {issue.Message}{(issue.Expression is null ? "" : $" ({issue.Expression})")}");
        }
        if (!result.IsSuccess)
        {
            Delete(partial);
            return ExitCodes.Failed;
        }
        if (partial is not null)
        {
            File.Move(partial, outputFile!, overwrite: true);
        }
        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
        await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{result.Resources:N0} resources read ({result.Matched:N0} {view.Resource}), {result.Rows:N0} rows written{(outputFile is null ? "" : " to " + outputFile)} in {seconds:F1} s ({result.Resources / seconds:N0} resources/s){(result.Unreadable > 0 ? $"; {result.Unreadable:N0} unreadable resources skipped" : "")}"));
        return ExitCodes.Ok;
    }

    private static void Delete(string? file)
    {
        if (file is not null && File.Exists(file))
        {
            File.Delete(file);
        }
    }
}
