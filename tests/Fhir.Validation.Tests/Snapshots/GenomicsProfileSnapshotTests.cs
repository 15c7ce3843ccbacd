using System.Text.Json.Nodes;
using Fhir.Validation.Conformance;
using Fhir.Validation.Snapshots;
using Fhir.Validation.Tests.Support;
using Xunit.Abstractions;

namespace Fhir.Validation.Tests.Snapshots;

/// <summary>The Genomics Reporting 3.0.0 profiles ship their snapshots too: regenerate each from its differential and compare.</summary>
public sealed class GenomicsProfileSnapshotTests(ITestOutputHelper output)
{
    private static readonly Lazy<ConformanceSet> Set = new(() => new ConformanceSetBuilder().AddPackage(RepositoryFiles.GenomicsPackage).Build());

    public static TheoryData<string> Profiles()
    {
        var data = new TheoryData<string>();
        foreach (var url in ProfileUrls())
        {
            data.Add(url);
        }
        return data;
    }

    private static IEnumerable<string> ProfileUrls() => Set.Value.Packages[0].Resources
        .Where(r => r.ResourceType == "StructureDefinition" && r.Url is not null)
        .Select(r => r.Url!)
        .Where(u => Set.Value.FindStructureJson(u) is { } sd && sd["derivation"]?.GetValue<string>() == "constraint" && sd["differential"] is not null)
        .Order(StringComparer.Ordinal);

    internal static List<SnapshotDifference> Regenerate(string url)
    {
        var official = Set.Value.FindStructureJson(url)!;
        var input = (JsonObject)official.DeepClone();
        input.Remove("snapshot");
        var result = new SnapshotGenerator(Set.Value.FindStructureJson).Generate(input);
        return result.StructureDefinition is null
            ? [new("(all)", "generation failed", "", string.Join("; ", result.Issues))]
            : SnapshotComparer.Compare(official, result.StructureDefinition);
    }

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Genomics_profile_snapshot_regenerated_from_its_differential_matches_the_official_one(string url)
    {
        var differences = Regenerate(url);
        Assert.True(differences.Count == 0, string.Join(Environment.NewLine, differences));
    }

    [Fact]
    public void Report_match_rates()
    {
        var urls = ProfileUrls().ToList();
        var matching = 0;
        foreach (var url in urls)
        {
            var differences = Regenerate(url);
            if (differences.Count == 0)
            {
                matching++;
            }
            else
            {
                output.WriteLine(url[(url.LastIndexOf('/') + 1)..] + ": " + string.Join(" | ", differences));
            }
        }
        output.WriteLine($"{matching}/{urls.Count} genomics-reporting profiles regenerate exactly");
        Assert.Equal(42, urls.Count);
        Assert.Equal(urls.Count, matching);
    }
}
