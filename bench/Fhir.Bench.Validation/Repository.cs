namespace Fhir.Bench.Validation;

/// <summary>The folder holding Fhir.sln, searched upwards from the binaries and then from the working directory.</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootValue = new(Find);

    public static string Root => RootValue.Value;

    private static string Find()
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
        throw new InvalidOperationException("Fhir.sln not found above the binaries or the working directory: run from the repository.");
    }
}
