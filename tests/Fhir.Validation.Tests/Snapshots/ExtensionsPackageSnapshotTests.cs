using System.Text.Json.Nodes;
using Fhir.Validation.Conformance;
using Fhir.Validation.Snapshots;
using Fhir.Validation.Tests.Support;
using Xunit.Abstractions;

namespace Fhir.Validation.Tests.Snapshots;

/// <summary>
/// The FHIR extensions pack (hl7.fhir.uv.extensions.r4 5.3.0-ballot-tc1, committed as a dependency of Genomics Reporting) ships
/// snapshots made by a 2025 publication tool, whose conventions differ from the R4 core's in a few places.
/// </summary>
public sealed class ExtensionsPackageSnapshotTests(ITestOutputHelper output)
{
    private static readonly Dictionary<(string Url, string Aspect), string> Known = new()
    {
        [("http://hl7.org/fhir/StructureDefinition/address-official", "generation failed")] =
            "the differential names 'Extension.valueBoolean:valueBoolean', a renamed choice that is also type-sliced; refused as an unknown element",
        [("http://hl7.org/fhir/StructureDefinition/no-fixed-address", "slicing")] =
            "the implied type slicing of value[x] is written open (nothing in the differential says closed)",
        [("http://hl7.org/fhir/StructureDefinition/medicationdispense-quantityRemaining", "constraints")] =
            "a SimpleQuantity-typed element carries qty-3 and sqty-1, as in the R4 core's own snapshots; the newer tool leaves them to the type",
        [("http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type", "binding")] =
            "the newer tool drops a binding on a url-typed element; the binding the differential states is kept",
    };

    /// <summary>
    /// The newer tool raises a sliced element's min to the sum of its slices' mins; the R4 core's snapshots (and this generator)
    /// leave the element's own min, the slices carrying theirs.
    /// </summary>
    private static bool IsSliceSumConvention(SnapshotDifference difference, JsonObject official)
    {
        if (difference.Aspect != "min")
        {
            return false;
        }
        var elements = ((JsonArray)official["snapshot"]!["element"]!).OfType<JsonObject>().ToList();
        var prefix = difference.ElementId + ":";
        var sum = elements.Where(e => e["id"]!.GetValue<string>() is var id && id.StartsWith(prefix, StringComparison.Ordinal)
                && !id[prefix.Length..].Contains('.', StringComparison.Ordinal) && !id[prefix.Length..].Contains('/', StringComparison.Ordinal))
            .Sum(e => e["min"]!.GetValue<int>());
        return difference.Official == sum.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void Extension_pack_snapshots_regenerate_up_to_the_newer_tools_conventions()
    {
        var set = new ConformanceSetBuilder().AddDefinitions(RepositoryFiles.PackagesFolder).Build();
        var package = set.Packages.Single(p => p.Name == "hl7.fhir.uv.extensions.r4");
        var total = 0;
        var matching = 0;
        var aspects = new Dictionary<string, int>();
        var unexplained = new List<string>();
        foreach (var resource in package.Resources.Where(r => r.ResourceType == "StructureDefinition" && r.Url is not null))
        {
            var official = set.FindStructureJson(resource.Url!);
            if (official is null || official["derivation"]?.GetValue<string>() != "constraint" || official["differential"] is null || official["snapshot"] is null)
            {
                continue;
            }
            total++;
            var input = (JsonObject)official.DeepClone();
            input.Remove("snapshot");
            var result = new SnapshotGenerator(set.FindStructureJson).Generate(input);
            var differences = result.StructureDefinition is null
                ? [new("(all)", "generation failed", "", string.Join("; ", result.Issues))]
                : SnapshotComparer.Compare(official, result.StructureDefinition);
            if (differences.Count == 0)
            {
                matching++;
                continue;
            }
            unexplained.AddRange(differences.Where(d => !IsSliceSumConvention(d, official) && !Known.ContainsKey((resource.Url!, d.Aspect)))
                .Select(d => resource.Url + ": " + d));
            foreach (var aspect in differences.Select(d => d.Aspect).Distinct())
            {
                aspects[aspect] = aspects.GetValueOrDefault(aspect) + 1;
            }
            output.WriteLine(resource.Url + ": " + string.Join(" | ", differences.Take(3)));
        }
        output.WriteLine($"{matching}/{total} extension-pack profiles regenerate exactly");
        foreach (var (aspect, count) in aspects.OrderByDescending(a => a.Value))
        {
            output.WriteLine($"  profiles with a '{aspect}' difference: {count}");
        }
        Assert.Equal(680, total);
        Assert.True(unexplained.Count == 0, string.Join(Environment.NewLine, unexplained));
    }
}
