namespace Fhir.Validation.Tests.Support;

/// <summary>Files committed in the repository that tests read (found by walking up from the test assembly).</summary>
internal static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PackagesFolder => System.IO.Path.Combine(Root, "profiles", "packages");

    public static string GenomicsPackage => System.IO.Path.Combine(PackagesFolder, "hl7.fhir.uv.genomics-reporting-3.0.0.tgz");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Fhir.sln")) && Directory.Exists(System.IO.Path.Combine(dir.FullName, "profiles")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (with Fhir.sln and profiles/) was not found above " + AppContext.BaseDirectory);
    }
}
