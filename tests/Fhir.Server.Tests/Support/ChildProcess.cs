using System.Diagnostics;
using System.Text;

namespace Fhir.Server.Tests.Support;

/// <summary>Runs a command to its end (dotnet pack, publish, an installed tool) and keeps what it printed.</summary>
internal static class ChildProcess
{
    /// <summary>What a finished command left: its exit code and both output streams, for assertion messages.</summary>
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
    }

    /// <summary>Runs <paramref name="file"/> in <paramref name="workingDirectory"/>, killing it after <paramref name="timeout"/>.</summary>
    public static async Task<Result> RunAsync(string file, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not finish within {timeout}: {output}{error}");
        }
        process.WaitForExit(); // drains the asynchronous readers
        lock (output) lock (error) return new Result(process.ExitCode, output.ToString(), error.ToString());
    }

    /// <summary>
    /// The environment every <c>dotnet</c> command of the tests gets: no telemetry or first-run banner, and a NuGet cache and
    /// a temp folder of its own under <paramref name="scratch"/>, so that what a test installs or leaves stays in its
    /// temporary folder.
    /// </summary>
    public static Dictionary<string, string> DotnetEnvironment(string scratch) => new()
    {
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["DOTNET_EnableDiagnostics"] = "0",
        ["NUGET_PACKAGES"] = System.IO.Path.Combine(scratch, "nuget-packages"),
        ["TMPDIR"] = Directory.CreateDirectory(System.IO.Path.Combine(scratch, "tmp")).FullName,
    };
}
