using System.Text.RegularExpressions;

namespace Fhir.Server.Tests.Deployment;

/// <summary>
/// The Dockerfile and compose.yaml cannot be built here (no container runtime): what they refer to is checked instead, so
/// that a rename in the repository breaks a test rather than a deployment. The published layout itself is tested by
/// <see cref="PublishedServerTests"/>.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static string Read(string file) => File.ReadAllText(System.IO.Path.Combine(Repository.Root, file));

    [Fact]
    public void The_Dockerfile_publishes_the_server_project_and_runs_its_dll_with_data_in_the_volume()
    {
        var docker = Read("Dockerfile");
        var project = Assert.Single(PublishCommand().Matches(docker)).Groups[1].Value;
        var csproj = System.IO.Path.Combine(Repository.Root, project, System.IO.Path.GetFileName(project) + ".csproj");
        Assert.True(File.Exists(csproj), csproj);
        Assert.DoesNotContain("<AssemblyName>", File.ReadAllText(csproj), StringComparison.Ordinal); // so the dll is named after the project

        var entry = Assert.Single(EntryPoint().Matches(docker)).Groups[1].Value;
        Assert.Equal(System.IO.Path.GetFileName(project) + ".dll", entry);
        Assert.True(File.Exists(Support.ServerProcess.ServerDll()) && System.IO.Path.GetFileName(Support.ServerProcess.ServerDll()) == entry);

        // The server's relative defaults (database, signing key) land in data/ under the working directory: the volume.
        var workdir = WorkDirs().Matches(docker).Last().Groups[1].Value;
        Assert.Equal(workdir + "/data", Assert.Single(Volume().Matches(docker)).Groups[1].Value);
        Assert.StartsWith("Data Source=./data/", Fhir.Storage.StorageOptions.DefaultSqliteConnectionString, StringComparison.Ordinal);
        Assert.StartsWith("data" + System.IO.Path.DirectorySeparatorChar, new Fhir.Server.Security.AuthOptions().SigningKeyPath, StringComparison.Ordinal);

        // The port it listens on is the one it exposes.
        Assert.Contains("ASPNETCORE_URLS=http://+:8080", docker, StringComparison.Ordinal);
        Assert.Contains("EXPOSE 8080", docker, StringComparison.Ordinal);
        // What the publish output must carry exists in the repository (the csproj copies it; PublishedServerTests checks the result).
        Assert.NotEmpty(Directory.GetFiles(Repository.Profiles, "StructureDefinition-*.json"));
        Assert.NotEmpty(Directory.GetFiles(System.IO.Path.Combine(Repository.Profiles, "packages"), "*.tgz"));
    }

    [Fact]
    public void Compose_builds_the_Dockerfile_and_sets_only_documented_settings()
    {
        var compose = Read("compose.yaml");
        Assert.Contains("build: .", compose, StringComparison.Ordinal);
        Assert.True(File.Exists(System.IO.Path.Combine(Repository.Root, "Dockerfile")));
        Assert.Contains("- keys:/app/data", compose, StringComparison.Ordinal);
        Assert.Contains("\"8080:8080\"", compose, StringComparison.Ordinal);

        var documented = DocumentedKeys();
        var keys = EnvironmentKey().Matches(compose).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("Storage__ConnectionString", keys);
        Assert.Contains("Auth__Clients__0__ClientSecret", keys);
        foreach (var key in keys)
        {
            var setting = Index().Replace(key.Replace("__", ":", StringComparison.Ordinal), ":<n>");
            Assert.True(documented.Contains(setting), $"compose.yaml sets {key}, but {setting} is not in the README's configuration table");
        }
        // No secret in the file: every password and secret comes from the environment.
        foreach (Match line in SecretLine().Matches(compose))
        {
            Assert.Contains("${", line.Value, StringComparison.Ordinal);
        }
    }

    /// <summary>The keys of the README's configuration table (first cells; <c>`:Suffix`</c> continues the cell's first key).</summary>
    internal static HashSet<string> DocumentedKeys()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in Read("README.md").Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var cell = line.Split('|')[1];
            string? first = null;
            foreach (Match token in Code().Matches(cell))
            {
                var key = token.Groups[1].Value;
                if (key.StartsWith(':') && first is not null)
                {
                    key = first[..first.LastIndexOf(':')] + key;
                }
                first ??= key;
                keys.Add(key);
            }
        }
        return keys;
    }

    [GeneratedRegex(@"dotnet publish (\S+)")]
    private static partial Regex PublishCommand();

    [GeneratedRegex(@"ENTRYPOINT \[""dotnet"", ""([^""]+)""\]")]
    private static partial Regex EntryPoint();

    [GeneratedRegex(@"^WORKDIR (\S+)", RegexOptions.Multiline)]
    private static partial Regex WorkDirs();

    [GeneratedRegex(@"^VOLUME (\S+)", RegexOptions.Multiline)]
    private static partial Regex Volume();

    [GeneratedRegex(@"^\s+([A-Z][A-Za-z]+(?:__[A-Za-z0-9]+)+):", RegexOptions.Multiline)]
    private static partial Regex EnvironmentKey();

    [GeneratedRegex(@":\d+(?=:|$)")]
    private static partial Regex Index();

    [GeneratedRegex(@"^(?!\s*#).*(PASSWORD|Password|SECRET|Secret).*$", RegexOptions.Multiline)]
    private static partial Regex SecretLine();

    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Code();
}
