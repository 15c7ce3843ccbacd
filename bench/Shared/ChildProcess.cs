using System.ComponentModel;
using System.Diagnostics;

namespace Fhir.Bench;

/// <summary>Runs another program (node, for the JavaScript engines compared against) to the end and returns its output.</summary>
internal static class ChildProcess
{
    /// <param name="fileName">The program.</param>
    /// <param name="arguments">Its arguments.</param>
    /// <param name="exitCode">Its exit code.</param>
    /// <param name="passStandardError">Let its standard error through to ours (progress messages) instead of swallowing it.</param>
    public static string RunToEnd(string fileName, IEnumerable<string> arguments, out int exitCode, bool passStandardError = false)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = !passStandardError,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new Win32Exception($"could not start {fileName}");
        var output = process.StandardOutput.ReadToEnd();
        if (!passStandardError)
        {
            process.StandardError.ReadToEnd();
        }
        process.WaitForExit();
        exitCode = process.ExitCode;
        return output;
    }
}
