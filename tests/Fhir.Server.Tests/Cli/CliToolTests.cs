using Fhir.Server.Tests.Support;
using Fhir.Testing;

namespace Fhir.Server.Tests.Cli;

/// <summary>
/// The CLI as a .NET tool (issue 16 item 11): <c>dotnet pack src/Fhir.Cli</c> makes a tool package, which installs into a
/// tool path as the command <c>fhir</c>, and what the command prints names it as the user types it.
/// </summary>
public sealed class CliToolTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("fhir-cli-tool-").FullName;

    [Fact]
    public async Task Issue16_item11_the_packed_tool_installs_as_fhir_and_its_messages_say_fhir()
    {
        var environment = ChildProcess.DotnetEnvironment(_scratch);
        var packages = System.IO.Path.Combine(_scratch, "packages");
        // The CLI is built beside these tests (a project reference), in the same configuration: pack that build.
        var pack = await ChildProcess.RunAsync("dotnet",
            ["pack", System.IO.Path.Combine(Repository.Root, "src", "Fhir.Cli"), "-c", ServerProcess.Configuration, "--no-build", "-o", packages,
             "-p:PublishDir=" + System.IO.Path.Combine(_scratch, "publish") + "/"],
            Repository.Root, TimeSpan.FromMinutes(5), new Dictionary<string, string> { ["TMPDIR"] = environment["TMPDIR"], ["DOTNET_EnableDiagnostics"] = "0" });
        Assert.True(pack.ExitCode == 0, pack.ToString());
        var package = Assert.Single(Directory.GetFiles(packages, "*.nupkg"));

        // Installed from that folder alone (no other package source), into a tool path of the test's own.
        var config = System.IO.Path.Combine(_scratch, "nuget.config");
        await File.WriteAllTextAsync(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        var tools = System.IO.Path.Combine(_scratch, "tools");
        var install = await ChildProcess.RunAsync("dotnet",
            ["tool", "install", "Fhir.Cli", "--tool-path", tools, "--configfile", config], _scratch, TimeSpan.FromMinutes(5), environment);
        Assert.True(install.ExitCode == 0, install.ToString());
        var fhir = System.IO.Path.Combine(tools, OperatingSystem.IsWindows() ? "fhir.exe" : "fhir");
        Assert.True(File.Exists(fhir), $"{package} installed no 'fhir' command in {tools}");

        var help = await ChildProcess.RunAsync(fhir, ["--help"], _scratch, TimeSpan.FromMinutes(1), environment);
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("fhir [command] [options]", help.Output, StringComparison.Ordinal);
        foreach (var verb in new[] { "fhirpath", "import", "trial", "validate", "view" })
        {
            Assert.Contains(verb, help.Output, StringComparison.Ordinal);
        }

        // A mistake points at the help as the user would type it.
        var wrong = await ChildProcess.RunAsync(fhir, ["no-such-verb"], _scratch, TimeSpan.FromMinutes(1), environment);
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("Run 'fhir --help' for usage.", wrong.Error, StringComparison.Ordinal);

        // Issue 16 item 5, as the user runs it: without --out the trial goes to ./out/trial, and the command says where.
        var work = Directory.CreateDirectory(System.IO.Path.Combine(_scratch, "work")).FullName;
        var generate = await ChildProcess.RunAsync(fhir, ["trial", "generate", "--patients", "3", "--seed", "2"], work, TimeSpan.FromMinutes(1), environment);
        Assert.True(generate.ExitCode == 0, generate.ToString());
        var folder = System.IO.Path.Combine(work, "out", "trial");
        Assert.Equal(4, Directory.GetFiles(folder, "*.json").Length);
        Assert.Contains(folder, generate.Output, StringComparison.Ordinal);
        Assert.Equal(["out"], Directory.GetFileSystemEntries(work).Select(System.IO.Path.GetFileName));
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
