namespace Fhir.Bench.Path;

/// <summary>
/// Finds the repository and the shared suites: <c>$FHIR_SUITES</c> when set, else <c>&lt;repo&gt;/../shared/suites</c>
/// (the same rule as tests/Fhir.Path.Tests, copied rather than referenced: a benchmark must not depend on a test project).
/// </summary>
internal static class SuiteFiles
{
    private static readonly Lazy<string?> RepositoryRoot = new(FindRepository);

    /// <summary>The folder holding Fhir.sln, searched upwards from the binaries and then from the working directory.</summary>
    public static string? Repository => RepositoryRoot.Value;

    /// <summary>The suites folder, whether or not it exists (to say where it was looked for).</summary>
    public static string Root
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("FHIR_SUITES");
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                return System.IO.Path.GetFullPath(fromEnvironment);
            }
            return Repository is null
                ? System.IO.Path.GetFullPath(System.IO.Path.Combine("..", "shared", "suites"))
                : System.IO.Path.GetFullPath(System.IO.Path.Combine(Repository, "..", "shared", "suites"));
        }
    }

    /// <summary>The full path of a file under the suites root; throws with the place looked in when it is missing.</summary>
    public static string Require(string relativePath)
    {
        var path = System.IO.Path.Combine(Root, relativePath);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"'{relativePath}' not found under {Root}; set FHIR_SUITES to the folder holding fhirpath/tests-fhir-r4.xml.", path);
        }
        return path;
    }

    private static string? FindRepository()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "Fhir.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }
}
