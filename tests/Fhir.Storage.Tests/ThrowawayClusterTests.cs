using System.Diagnostics;
using Npgsql;

namespace Fhir.Storage.Tests;

/// <summary>
/// Issue 16 item 7: the private PostgreSQL cluster the tests start (55 MB under the temp folder) is stopped and deleted
/// when the test process ends, whether the process ends normally or is killed.
/// </summary>
public sealed class ThrowawayClusterTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("fhir-cluster-tests-").FullName;

    public ThrowawayClusterTests()
    {
        // The cluster belongs to the postgres user when the tests run as root: it must be able to reach its folder.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_scratch, (UnixFileMode)0b111_101_101);
        }
    }

    [Fact]
    public async Task Issue16_item7_the_cluster_is_stopped_and_deleted_when_its_owner_is_killed()
    {
        using var owner = Process.Start(new ProcessStartInfo("sleep", ["600"]) { UseShellExecute = false })!;
        var fixture = new PostgresFixture(owner.Id, configured: null, _scratch);
        await fixture.InitializeAsync();
        var folder = fixture.ClusterFolder;
        Assert.NotNull(folder);
        await using (var connection = new NpgsqlConnection(fixture.AdminConnection))
        {
            await connection.OpenAsync(); // the cluster runs, from a folder under the scratch folder
        }
        Assert.StartsWith(_scratch, folder, StringComparison.Ordinal);

        owner.Kill(); // no exit handler of the owner runs
        await owner.WaitForExitAsync();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Directory.Exists(folder) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.False(Directory.Exists(folder), $"{folder} is still there a minute after its owner ended");
        await using var refused = new NpgsqlConnection(fixture.AdminConnection + ";Timeout=3");
        await Assert.ThrowsAnyAsync<Exception>(() => refused.OpenAsync());
    }

    [Fact]
    public async Task Issue16_item7_a_test_run_leaves_no_cluster_behind()
    {
        // This assembly's own PostgreSQL test, run by dotnet test in a child process whose temp folder is the scratch folder.
        var info = new ProcessStartInfo("dotnet",
            ["test", typeof(ThrowawayClusterTests).Assembly.Location, "--filter", "FullyQualifiedName~PostgresStoreTests.Write_then_read_returns_the_same_bytes",
             "--results-directory", System.IO.Path.Combine(_scratch, "results")])
        {
            WorkingDirectory = _scratch,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment.Remove(PostgresFixture.EnvironmentVariable); // a private cluster, not CI's server
        info.Environment["TMPDIR"] = _scratch;
        info.Environment["DOTNET_EnableDiagnostics"] = "0";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var printed = await output + await error;
        Assert.True(process.ExitCode == 0, printed);
        Assert.Contains("Passed:     1", printed, StringComparison.Ordinal);

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (Directory.GetDirectories(_scratch, "fhir-pg-*").Length > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.Empty(Directory.GetDirectories(_scratch, "fhir-pg-*"));
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
