using System.CommandLine;
using System.Globalization;
using Fhir.Cli.Import;
using Fhir.Cli.Remote;
using Fhir.Views.Input;
using Spectre.Console;

namespace Fhir.Cli.Commands;

/// <summary>
/// <c>fhir import &lt;NDJSON or Bundle files or folders&gt; --server &lt;base&gt; [--token … | --client-id … --client-secret …]</c>:
/// loads resources into a server with batch Bundles (PUT for resources with ids, so a resend never duplicates) and
/// transaction Bundle files as they are, several requests at a time, with a progress bar; resumes an interrupted import
/// from its state file and writes a report of what the server rejected, with its OperationOutcome.
/// </summary>
internal static class ImportCommand
{
    public const string StateFileName = ".fhir-import-state.ndjson";
    public const string ReportFileName = "fhir-import-rejected.ndjson";

    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "NDJSON files (.ndjson, .ndjson.gz), Bundle or resource files (.json), or folders of them.", Arity = ArgumentArity.OneOrMore };
        var server = new Option<string>("--server", "-s") { Description = "The FHIR base URL (http://127.0.0.1:8080/fhir).", Required = true };
        var batch = new Option<int>("--batch-size") { Description = "Resources per batch Bundle (default 200).", DefaultValueFactory = _ => 200 };
        var parallel = new Option<int>("--parallel", "-p") { Description = "Requests in flight at once (default 4).", DefaultValueFactory = _ => 4 };
        var state = new Option<string?>("--state") { Description = $"The resume file (default: {StateFileName} beside the first input)." };
        var report = new Option<string?>("--report") { Description = $"The report of rejected resources (default: {ReportFileName} beside the state file)." };
        var restart = new Option<bool>("--restart") { Description = "Ignore what the state file says was imported, and send everything again." };
        var serverImport = new Option<bool>("--server-import")
        {
            Description = "Send NDJSON files to the server's $import (one job each, validated on the server's cores, stored in large transactions) instead of in batch Bundles.",
        };
        var auth = ServerOptions.Create();
        var command = new Command("import", "Load NDJSON and Bundle files into a FHIR server.") { inputs, server, batch, parallel, state, report, restart, serverImport };
        auth.AddTo(command);
        command.SetAction((parsed, cancellationToken) => RunAsync(
            parsed.GetValue(inputs) ?? [], parsed.GetValue(server)!, auth.Read(parsed), parsed.GetValue(batch), parsed.GetValue(parallel),
            parsed.GetValue(state), parsed.GetValue(report), parsed.GetValue(restart), Console.Out, Console.Error, cancellationToken,
            serverImport: parsed.GetValue(serverImport)));
        return command;
    }

    /// <summary>Runs an import; returns the exit code (0 when everything was accepted, 1 when some resources were rejected or the server failed).</summary>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> inputs, string serverUrl, ServerCredentials credentials, int batchSize, int parallel, string? statePath, string? reportPath,
        bool restart, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken, HttpClient? http = null, bool? interactive = null,
        bool serverImport = false)
    {
        if (batchSize < 1 || parallel < 1)
        {
            await stderr.WriteLineAsync("--batch-size and --parallel must be at least 1.");
            return ExitCodes.UnusableArguments;
        }
        if (!ServerConnection.IsUrl(serverUrl))
        {
            await stderr.WriteLineAsync($"--server must be an http(s) URL, not '{serverUrl}'.");
            return ExitCodes.UnusableArguments;
        }
        var first = System.IO.Path.GetFullPath(inputs[0]);
        statePath = System.IO.Path.GetFullPath(statePath ?? System.IO.Path.Combine(Directory.Exists(first) ? first : System.IO.Path.GetDirectoryName(first)!, StateFileName));
        reportPath = System.IO.Path.GetFullPath(reportPath ?? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(statePath)!, ReportFileName));
        IReadOnlyList<string> files;
        try
        {
            // The state file and the report may sit among the inputs: they are not resources.
            files = ResourceFiles.Find(inputs).Select(System.IO.Path.GetFullPath).Where(f => f != statePath && f != reportPath).ToList();
        }
        catch (FileNotFoundException e)
        {
            await stderr.WriteLineAsync(e.Message);
            return ExitCodes.UnusableArguments;
        }
        var settings = new ImportSettings(files, statePath, reportPath, batchSize, parallel, restart);
        var progress = new ImportProgress { TotalBytes = files.Sum(f => new FileInfo(f).Length) };

        using var server = http is null
            ? ServerConnection.Open(serverUrl, credentials.Token, credentials.ClientId, credentials.ClientSecret)
            : ServerConnection.Over(http, serverUrl, credentials.Token, credentials.ClientId, credentials.ClientSecret);
        ImportSummary summary;
        try
        {
            var run = serverImport
                ? ServerImportRunner.RunAsync(settings, server, progress, cancellationToken)
                : ImportRunner.RunAsync(settings, server, progress, cancellationToken);
            if (interactive ?? (!Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive))
            {
                await ShowBarAsync(run, progress);
            }
            else
            {
                await ShowLinesAsync(run, progress, stderr);
            }
            summary = await run;
        }
        catch (Exception e) when (e is RemoteException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync(e.Message);
            await stderr.WriteLineAsync($"Imported {progress.Accepted:N0} resources before stopping; the state is in {statePath}.");
            return ExitCodes.Failed;
        }
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Imported {summary.Accepted:N0} resources{(serverImport ? " (server-side $import)" : "")} in {summary.Elapsed.TotalSeconds:F1} s ({summary.Accepted / Math.Max(summary.Elapsed.TotalSeconds, 1e-3):N0}/s); {summary.Rejected:N0} rejected; {summary.Skipped:N0} already imported by an earlier run."));
        if (summary.Rejected > 0)
        {
            await stdout.WriteLineAsync($"Rejected resources and the server's OperationOutcomes: {reportPath}");
            return ExitCodes.Failed;
        }
        return ExitCodes.Ok;
    }

    private static async Task ShowBarAsync(Task run, ImportProgress progress)
    {
        var start = DateTime.UtcNow;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("import", maxValue: Math.Max(1, progress.TotalBytes));
                while (!run.IsCompleted)
                {
                    task.Value = Math.Min(progress.Bytes, task.MaxValue * 0.999);
                    task.Description = Markup.Escape(Describe(progress, DateTime.UtcNow - start));
                    await Task.WhenAny(run, Task.Delay(250));
                }
                task.Value = task.MaxValue;
                task.Description = Markup.Escape(Describe(progress, DateTime.UtcNow - start));
            });
    }

    private static async Task ShowLinesAsync(Task run, ImportProgress progress, TextWriter stderr)
    {
        var start = DateTime.UtcNow;
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5)));
            if (!run.IsCompleted)
            {
                var percent = progress.TotalBytes == 0 ? 0 : Math.Min(99, 100.0 * progress.Bytes / progress.TotalBytes);
                await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{percent,3:F0}% {Describe(progress, DateTime.UtcNow - start)}"));
            }
        }
    }

    private static string Describe(ImportProgress progress, TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture,
        $"{progress.Accepted:N0} resources ({progress.Accepted / Math.Max(elapsed.TotalSeconds, 1e-3):N0}/s), {progress.Rejected:N0} errors{(progress.Skipped > 0 ? $", {progress.Skipped:N0} done before" : "")}");
}
