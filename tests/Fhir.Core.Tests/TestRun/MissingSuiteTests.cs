using System.Diagnostics;

namespace Fhir.Core.Tests.TestRun;

/// <summary>
/// Issue 16 item 6: a missing conformance suite shows in the test run as a skipped test with the reason, and fails the
/// run when <c>FHIR_REQUIRE_SUITES=1</c> (CI). Checked on this assembly's own suite test, run by <c>dotnet test</c> in a
/// child process whose <c>FHIR_SUITES</c> names an empty folder.
/// </summary>
public sealed class MissingSuiteTests : IDisposable
{
    private readonly string _empty = Directory.CreateTempSubdirectory("fhir-no-suites-").FullName;

    [Fact]
    public async Task Issue16_item6_a_missing_suite_is_reported_as_skipped_with_its_reason()
    {
        var (exit, output) = await RunSuiteTestAsync(require: false);
        Assert.True(exit == 0, output);
        Assert.Matches(@"Skipped:\s+1\b", output);
        Assert.Contains("suite not found at " + System.IO.Path.Combine(_empty, "patch", "json-patch-tests.json"), output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"Passed:\s+[1-9]", output);
    }

    [Fact]
    public async Task Issue16_item6_a_missing_suite_fails_when_suites_are_required()
    {
        var (exit, output) = await RunSuiteTestAsync(require: true);
        Assert.NotEqual(0, exit);
        Assert.Matches(@"Failed:\s+1\b", output);
        Assert.Contains("FHIR_REQUIRE_SUITES=1", output, StringComparison.Ordinal);
    }

    private async Task<(int Exit, string Output)> RunSuiteTestAsync(bool require)
    {
        var assembly = typeof(MissingSuiteTests).Assembly.Location;
        var info = new ProcessStartInfo("dotnet",
            ["test", assembly, "--filter", "FullyQualifiedName~JsonPatchTests.Passes_the_shared_json_patch_suite", "--logger", "console;verbosity=normal",
             "--results-directory", System.IO.Path.Combine(_empty, "results")])
        {
            WorkingDirectory = _empty,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["FHIR_SUITES"] = _empty;
        info.Environment["FHIR_REQUIRE_SUITES"] = require ? "1" : "0";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        // What the child run leaves in its temp folder stays in this test's.
        info.Environment["TMPDIR"] = Directory.CreateDirectory(System.IO.Path.Combine(_empty, "tmp")).FullName;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    public void Dispose() => Directory.Delete(_empty, recursive: true);
}
