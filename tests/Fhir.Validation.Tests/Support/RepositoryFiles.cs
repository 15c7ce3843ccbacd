namespace Fhir.Validation.Tests.Support;

/// <summary>Files committed in the repository that tests read.</summary>
internal static class RepositoryFiles
{
    public static string PackagesFolder => System.IO.Path.Combine(Repository.Profiles, "packages");

    public static string GenomicsPackage => System.IO.Path.Combine(PackagesFolder, "hl7.fhir.uv.genomics-reporting-3.0.0.tgz");
}
