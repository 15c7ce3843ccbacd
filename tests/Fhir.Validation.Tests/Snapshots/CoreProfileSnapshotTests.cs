using System.Text.Json.Nodes;
using Fhir.Core.Definitions;
using Fhir.Validation.Conformance;
using Fhir.Validation.Snapshots;
using Xunit.Abstractions;

namespace Fhir.Validation.Tests.Snapshots;

/// <summary>
/// The strongest check of the generator: every R4 core profile ships its differential and the official snapshot; the
/// snapshot regenerated from the differential must match the official one on everything validation depends on.
/// </summary>
public sealed class CoreProfileSnapshotTests(ITestOutputHelper output)
{
    public static TheoryData<string> Profiles()
    {
        var data = new TheoryData<string>();
        foreach (var entry in ConstraintEntries())
        {
            data.Add(entry.Url!);
        }
        return data;
    }

    internal static IEnumerable<ConformanceEntry> ConstraintEntries() => FhirDefinitions.R4.Entries
        .Where(e => e.ResourceType == "StructureDefinition" && e.Derivation == "constraint" && e.Url is not null
            && CoreStructures.Find(e.Url) is { } sd && sd["snapshot"] is not null && sd["differential"] is not null)
        .OrderBy(e => e.Url, StringComparer.Ordinal);

    internal static List<SnapshotDifference> Regenerate(string url, out IReadOnlyList<Fhir.Core.Outcomes.Issue> issues)
    {
        var official = CoreStructures.Find(url)!;
        var input = (JsonObject)official.DeepClone();
        input.Remove("snapshot");
        var result = new SnapshotGenerator(CoreStructures.Find).Generate(input);
        issues = result.Issues;
        if (result.StructureDefinition is { } generated
            && Fhir.Core.Json.FhirJsonReader.Parse(generated.ToJsonString()).Issues.Where(i => i.IsError).ToList() is { Count: > 0 } invalid)
        {
            return [new("(all)", "not valid R4 JSON", "", string.Join("; ", invalid.Take(3)))];
        }
        return result.StructureDefinition is null ? [new("(all)", "generation failed", "", string.Join("; ", issues))] : SnapshotComparer.Compare(official, result.StructureDefinition);
    }

    /// <summary>The known differences from the official snapshots (profile id, element id, aspect), each with its reason.</summary>
    internal static readonly Dictionary<(string Profile, string Element, string Aspect), string> Known = new()
    {
        [("catalog", "(all)", "generation failed")] =
            "the differential slices Composition.date (0..1) without a slicing definition; the spec makes that an error, which we report",
        [("familymemberhistory-genetic", "(all)", "generation failed")] =
            "the differential slices FamilyMemberHistory.relationship (1..1) without a slicing definition; reported as an error",
        [("clinicaldocument", "Composition.extension:versionNumber", "max")] =
            "the slice takes max 1 from the extension definition's root element (an extension defined 0..1 cannot repeat); the publication tool kept the base's *",
        [("elementdefinition-de", "ElementDefinition.extension:Question.id", "missing")] = UnfoldedExtension,
        [("elementdefinition-de", "ElementDefinition.extension:Question.extension", "missing")] = UnfoldedExtension,
        [("elementdefinition-de", "ElementDefinition.extension:Question.url", "missing")] = UnfoldedExtension,
        [("elementdefinition-de", "ElementDefinition.extension:Question.value[x]", "missing")] = UnfoldedExtension,
        [("elementdefinition-de", "ElementDefinition.extension:AllowedUnits.id", "missing")] = UnfoldedExtension,
        [("elementdefinition-de", "ElementDefinition.extension:AllowedUnits.extension", "missing")] = UnfoldedExtension,
        [("elementdefinition-de", "ElementDefinition.extension:AllowedUnits.url", "missing")] = UnfoldedExtension,
        [("elementdefinition-de", "ElementDefinition.extension:AllowedUnits.value[x]", "missing")] = UnfoldedExtension,
    };

    private const string UnfoldedExtension =
        "the publication tool unfolded these two extension slices' children although the differential constrains nothing inside it; they are the extension definition's own";

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Core_profile_snapshot_regenerated_from_its_differential_matches_the_official_one(string url)
    {
        var id = FhirDefinitions.R4.FindByUrl(url)!.Id;
        var differences = Regenerate(url, out var issues);

        var unexpected = differences.Where(d => !Known.ContainsKey((id, d.ElementId, d.Aspect))).ToList();
        Assert.True(unexpected.Count == 0, $"{id}: {string.Join(Environment.NewLine, unexpected)}");
        if (differences.Any(d => d.Aspect == "generation failed"))
        {
            // A refused differential names the offending element.
            Assert.Contains(issues, i => i.IsError && i.Message.Contains("differential element '", StringComparison.Ordinal) && i.Expression is not null);
        }
    }

    [Fact]
    public void Every_known_difference_still_occurs()
    {
        foreach (var group in Known.Keys.GroupBy(k => k.Profile))
        {
            var url = ConstraintEntries().Single(e => e.Id == group.Key).Url!;
            var differences = Regenerate(url, out _).Select(d => (group.Key, d.ElementId, d.Aspect)).ToHashSet();
            Assert.All(group, known => Assert.Contains(known, differences));
        }
    }

    [Fact]
    public void Report_match_rates()
    {
        var total = 0;
        var matching = 0;
        var aspects = new Dictionary<string, int>();
        var lines = new List<string>();
        foreach (var entry in ConstraintEntries())
        {
            total++;
            var differences = Regenerate(entry.Url!, out _);
            if (differences.Count == 0)
            {
                matching++;
                continue;
            }
            foreach (var d in differences)
            {
                aspects[d.Aspect] = aspects.GetValueOrDefault(d.Aspect) + 1;
            }
            lines.Add(entry.Id + ": " + string.Join(" | ", differences.Take(4)));
        }
        output.WriteLine($"{matching}/{total} core profiles regenerate exactly");
        foreach (var (aspect, count) in aspects.OrderByDescending(a => a.Value))
        {
            output.WriteLine($"  {aspect}: {count}");
        }
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }
        Assert.Equal(total - Known.Keys.Select(k => k.Profile).Distinct().Count(), matching);
    }
}
