using System.Text.Json;
using Fhir.Core.Json;
using Fhir.Core.Outcomes;
using Fhir.Validation.Conformance;
using Fhir.Validation.Packages;
using Fhir.Validation.Tests.Support;
using Xunit.Abstractions;

namespace Fhir.Validation.Tests.Conformance;

/// <summary>
/// Content of real implementation guides loads (issue 14 item 3): every conformance resource and every example of Genomics
/// Reporting 3.0.0 and mCODE 4.0.0 reads strictly, its StructureDefinitions get snapshots, and each resource validates
/// against the base definitions and the profiles it declares, with the extensions package's contexts. What still fails is
/// listed in <c>Data/ig-loading-failures.json</c>, each with the error it must give and why; the test fails when a resource
/// fails otherwise, or when a listed one starts to pass.
/// </summary>
public sealed class ImplementationGuideTests(ITestOutputHelper output)
{
    private static readonly string McodePackage = System.IO.Path.Combine(AppContext.BaseDirectory, "Conformance", "Data", "packages", "hl7.fhir.us.mcode-4.0.0.tgz");

    private static readonly Lazy<ConformanceSet> Set = new(() => new ConformanceSetBuilder()
        .AddDefinitions(RepositoryFiles.PackagesFolder)
        .AddPackageSource(RepositoryFiles.PackagesFolder)
        .AddPackage(McodePackage)
        .Build());

    private static readonly Lazy<ResourceValidator> Validator = new(() => new ResourceValidator(Set.Value));

    public static TheoryData<string> Guides => new(["hl7.fhir.uv.genomics-reporting", "hl7.fhir.us.mcode"]);

    [Theory]
    [MemberData(nameof(Guides))]
    public void Every_conformance_resource_and_example_of_the_guide_loads_and_validates(string guide)
    {
        var package = Set.Value.Packages.Single(p => p.Name == guide);
        var expected = ExpectedFailures.For(guide);
        var failures = new Dictionary<string, IReadOnlyList<Issue>>(StringComparer.Ordinal);
        int conformance = 0, examples = 0;
        foreach (var resource in package.Resources.Concat(package.Examples))
        {
            var isExample = package.Examples.Contains(resource);
            conformance += isExample ? 0 : 1;
            examples += isExample ? 1 : 0;
            var errors = Check(resource);
            if (errors.Count > 0)
            {
                failures[resource.FileName] = errors;
            }
        }
        var unexpected = new List<string>();
        foreach (var (file, errors) in failures)
        {
            if (!expected.TryGetValue(file, out var listed) || !errors.Any(e => e.Expression == listed.Expression && e.Message.Contains(listed.Message, StringComparison.Ordinal)))
            {
                unexpected.Add($"{file}: {string.Join(" | ", errors.Take(3).Select(e => $"{e.Expression}: {e.Message}"))}");
            }
        }
        var fixedNow = expected.Keys.Where(file => !failures.ContainsKey(file)).ToList();
        output.WriteLine($"{guide}: {conformance} conformance resources, {examples} examples; {conformance + examples - failures.Count} load and validate, {failures.Count} listed failures");
        foreach (var file in failures.Keys.Order(StringComparer.Ordinal))
        {
            output.WriteLine($"  {file}: {failures[file][0].Expression}: {failures[file][0].Message}");
        }
        Assert.True(unexpected.Count == 0, $"{unexpected.Count} unlisted failures:\n" + string.Join("\n", unexpected));
        Assert.True(fixedNow.Count == 0, "listed failures that now pass (remove them from the list): " + string.Join(", ", fixedNow));
    }

    private static IReadOnlyList<Issue> Check(PackageResource resource)
    {
        var parsed = FhirJsonReader.Parse(resource.Json);
        if (!parsed.IsSuccess)
        {
            return [.. parsed.Issues.Where(i => i.IsError)];
        }
        var errors = new List<Issue>();
        if (resource.ResourceType == "StructureDefinition" && resource.Url is { } url && Set.Value.Find(url) is null)
        {
            errors.AddRange(Set.Value.LoadIssues.Where(i => i.IsError && i.Message.Contains(resource.FileName, StringComparison.Ordinal)));
            if (errors.Count == 0)
            {
                errors.Add(Issue.Error(IssueType.NotFound, "no snapshot", "StructureDefinition"));
            }
        }
        errors.AddRange(Validator.Value.Validate(parsed.Resource!).Issues.Where(i => i.IsError));
        return errors;
    }

    /// <summary>The listed failures: for each guide, file → the error expected (expression and a part of the message) and why.</summary>
    private static class ExpectedFailures
    {
        private static readonly Lazy<JsonElement> All = new(() =>
            JsonDocument.Parse(File.ReadAllBytes(System.IO.Path.Combine(AppContext.BaseDirectory, "Conformance", "Data", "ig-loading-failures.json"))).RootElement.Clone());

        public static Dictionary<string, (string? Expression, string Message, string Reason)> For(string guide)
        {
            var result = new Dictionary<string, (string?, string, string)>(StringComparer.Ordinal);
            if (!All.Value.TryGetProperty(guide, out var list))
            {
                return result;
            }
            foreach (var item in list.EnumerateArray())
            {
                result[item.GetProperty("file").GetString()!] = (
                    item.TryGetProperty("expression", out var e) ? e.GetString() : null,
                    item.GetProperty("message").GetString()!,
                    item.GetProperty("reason").GetString()!);
            }
            return result;
        }
    }
}
