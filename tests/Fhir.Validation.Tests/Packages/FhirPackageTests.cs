using Fhir.Core.Outcomes;
using Fhir.Validation.Packages;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Packages;

public sealed class FhirPackageTests
{
    [Fact]
    public void Genomics_reporting_3_0_0_reads_with_its_manifest_resources_and_examples()
    {
        var issues = new List<Issue>();
        var package = FhirPackage.Read(RepositoryFiles.GenomicsPackage, issues);

        Assert.NotNull(package);
        Assert.Empty(issues);
        Assert.Equal("hl7.fhir.uv.genomics-reporting", package.Name);
        Assert.Equal("3.0.0", package.Version);
        Assert.Equal("5.1.0", package.Dependencies["hl7.fhir.uv.extensions.r4"]);
        Assert.Contains(package.Resources, r => r.ResourceType == "StructureDefinition"
            && r.Url == "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/variant");
        Assert.Equal(42, package.Resources.Count(r => r.ResourceType == "StructureDefinition"));
        Assert.Contains(package.Examples, r => r.ResourceType == "Observation");
        Assert.DoesNotContain(package.Resources, r => r.FileName.Contains("/example/", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_file_is_an_error_issue_not_an_exception()
    {
        var issues = new List<Issue>();
        Assert.Null(FhirPackage.Read("/nonexistent/x.tgz", issues));
        Assert.Contains(issues, i => i.IsError && i.Code == IssueType.NotFound);
    }

    [Fact]
    public void A_file_that_is_not_a_tgz_is_an_error_issue()
    {
        using var temp = new TempFolder();
        var file = temp.Write("broken.tgz", "not gzip at all");
        var issues = new List<Issue>();
        Assert.Null(FhirPackage.Read(file, issues));
        Assert.Contains(issues, i => i.IsError && i.Message.Contains("broken.tgz", StringComparison.Ordinal));
    }

    [Fact]
    public void A_malformed_json_file_inside_a_package_is_skipped_with_a_warning()
    {
        using var temp = new TempFolder();
        var file = temp.WritePackage("x.y", "1.0.0", null, """{"resourceType":"ValueSet","url":"http://x/vs"}""", "{ not json");
        var issues = new List<Issue>();
        var package = FhirPackage.Read(file, issues);
        Assert.NotNull(package);
        Assert.Single(package.Resources);
        Assert.Contains(issues, i => i.Severity == IssueSeverity.Warning && i.Message.Contains("resource-1.json", StringComparison.Ordinal));
    }
}
