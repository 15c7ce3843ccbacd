namespace Fhir.Testing;

/// <summary>The repository the tests run from: found by walking up from the test assembly to <c>Fhir.sln</c>.</summary>
public static class Repository
{
    /// <summary>The repository root.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The trial's <c>profiles/</c> folder.</summary>
    public static string Profiles => System.IO.Path.Combine(Root, "profiles");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Fhir.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (Fhir.sln) was not found above " + AppContext.BaseDirectory);
    }
}
