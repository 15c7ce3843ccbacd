using Fhir.Core.Outcomes;
using Fhir.Validation.Packages;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Packages;

public sealed class PackageResolverTests
{
    [Fact]
    public void Genomics_reporting_loads_with_the_nearest_extensions_package_and_reports_the_substitution_and_the_missing_terminology()
    {
        var resolution = PackageResolver.Resolve([RepositoryFiles.GenomicsPackage]);

        Assert.Equal(["hl7.fhir.uv.genomics-reporting#3.0.0", "hl7.fhir.uv.extensions.r4#5.3.0-ballot-tc1"],
            resolution.Packages.Select(p => p.ToString()));
        Assert.Contains(resolution.Issues, i => i.Severity == IssueSeverity.Warning
            && i.Message.Contains("hl7.fhir.uv.extensions.r4#5.1.0", StringComparison.Ordinal)
            && i.Message.Contains("hl7.fhir.uv.extensions.r4#5.3.0-ballot-tc1 is used instead", StringComparison.Ordinal));
        // Both packages depend on hl7.terminology.r4 (in two versions): its absence is one issue, naming both (issue 16 item 10).
        var terminology = Assert.Single(resolution.Issues, i => i.Message.Contains("hl7.terminology.r4", StringComparison.Ordinal));
        Assert.Equal(IssueSeverity.Warning, terminology.Severity);
        Assert.Equal(
            "hl7.fhir.uv.genomics-reporting#3.0.0 depends on hl7.terminology.r4#6.1.0 and hl7.fhir.uv.extensions.r4#5.3.0-ballot-tc1 on hl7.terminology.r4#6.5.0, "
            + "which are not available; resources defined only there will not resolve.", terminology.Message);
        Assert.DoesNotContain(resolution.Issues, i => i.Message.Contains(PackageResolver.CorePackageName, StringComparison.Ordinal));
        Assert.DoesNotContain(resolution.Issues, i => i.IsError);
    }

    [Fact]
    public void An_exact_dependency_version_wins_over_nearer_looking_ones_and_is_not_reported()
    {
        using var temp = new TempFolder();
        var root = temp.WritePackage("a", "1.0.0", new Dictionary<string, string> { ["b"] = "2.0.0" });
        temp.WritePackage("b", "2.0.0");
        temp.WritePackage("b", "2.1.0");

        var resolution = PackageResolver.Resolve([root]);

        Assert.Equal(["a#1.0.0", "b#2.0.0"], resolution.Packages.Select(p => p.ToString()));
        Assert.Empty(resolution.Issues);
    }

    [Fact]
    public void A_missing_dependency_is_reported_and_its_own_dependencies_resolution_goes_on_for_the_others()
    {
        using var temp = new TempFolder();
        var root = temp.WritePackage("a", "1.0.0", new Dictionary<string, string> { ["missing"] = "1.0.0", ["c"] = "1.0.0", ["hl7.fhir.r4.core"] = "4.0.1" });
        temp.WritePackage("c", "0.9.0", new Dictionary<string, string> { ["d"] = "3.0.0" });
        temp.WritePackage("d", "3.0.0");

        var resolution = PackageResolver.Resolve([root]);

        Assert.Equal(["a#1.0.0", "c#0.9.0", "d#3.0.0"], resolution.Packages.Select(p => p.ToString()));
        Assert.Equal(2, resolution.Issues.Count);
        Assert.Contains(resolution.Issues, i => i.Message.Contains("missing#1.0.0, which is not available; resources", StringComparison.Ordinal));
        Assert.Contains(resolution.Issues, i => i.Message.Contains("nearest available version c#0.9.0", StringComparison.Ordinal));
    }

    [Fact]
    public void A_core_dependency_in_another_version_is_served_by_the_built_in_core_with_a_warning()
    {
        using var temp = new TempFolder();
        var root = temp.WritePackage("a", "1.0.0", new Dictionary<string, string> { ["hl7.fhir.r4.core"] = "4.0.0" });

        var resolution = PackageResolver.Resolve([root]);

        Assert.Single(resolution.Packages);
        Assert.Contains(resolution.Issues, i => i.Severity == IssueSeverity.Warning && i.Message.Contains("built-in hl7.fhir.r4.core#4.0.1", StringComparison.Ordinal));
    }

    [Fact]
    public void Dependencies_are_found_in_explicit_package_sources_too()
    {
        using var root = new TempFolder();
        using var elsewhere = new TempFolder();
        var a = root.WritePackage("a", "1.0.0", new Dictionary<string, string> { ["b"] = "1.0.0" });
        var b = elsewhere.WritePackage("b", "1.0.0");

        Assert.Equal(["a#1.0.0"], PackageResolver.Resolve([a]).Packages.Select(p => p.ToString()));
        Assert.Equal(["a#1.0.0", "b#1.0.0"], PackageResolver.Resolve([a], [b]).Packages.Select(p => p.ToString()));
    }
}
