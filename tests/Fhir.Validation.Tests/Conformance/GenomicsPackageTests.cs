using System.Text.Json;
using Fhir.Core.Json;
using Fhir.Validation.Conformance;
using Fhir.Validation.Tests.Support;
using Xunit.Abstractions;

namespace Fhir.Validation.Tests.Conformance;

/// <summary>The trial profiles derive from Genomics Reporting 3.0.0: the package, its profiles and its examples as the set sees them.</summary>
public sealed class GenomicsPackageTests(ITestOutputHelper output)
{
    private static readonly Lazy<ConformanceSet> Set = new(() => new ConformanceSetBuilder().AddDefinitions(RepositoryFiles.PackagesFolder).Build());

    private const string Variant = "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/variant";

    [Fact]
    public void The_packages_folder_loads_both_packages_without_errors()
    {
        Assert.Equal(["hl7.fhir.uv.extensions.r4", "hl7.fhir.uv.genomics-reporting"], Set.Value.Packages.Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(Set.Value.LoadIssues, i => i.IsError);
        Assert.Contains(Set.Value.LoadIssues, i => i.Message.Contains("hl7.terminology.r4", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_conformance_resource_of_the_packages_reads_strictly_as_an_R4_resource()
    {
        var read = Set.Value.Packages.SelectMany(p => p.Resources.Where(r => r.Url is not null && ConformanceSet.ConformanceTypes.Contains(r.ResourceType))
            .Select(r => (Resource: r, Parsed: FhirJsonReader.Parse(r.Json))))
            .ToList();
        Assert.Equal(948, read.Count);
        Assert.DoesNotContain(read, x => x.Parsed.Resource is null);
        var withErrors = read.Where(x => x.Parsed.Issues.Any(i => i.IsError)).Select(x => x.Resource.FileName + ": " + x.Parsed.Issues.First(i => i.IsError).Message);
        Assert.Empty(withErrors);
    }

    [Fact]
    public void A_profile_on_the_variant_profile_keeps_its_slices_and_narrows_them()
    {
        var set = new ConformanceSetBuilder().AddDefinitions(RepositoryFiles.PackagesFolder).Build();
        var mdm2 = FhirJsonReader.Parse($$$"""
            {"resourceType":"StructureDefinition","id":"mdm2","url":"http://example.org/fhir/StructureDefinition/mdm2","name":"Mdm2","status":"draft",
             "fhirVersion":"4.0.1","kind":"resource","abstract":false,"type":"Observation","derivation":"constraint","baseDefinition":"{{{Variant}}}",
             "differential":{"element":[
               {"id":"Observation.component:gene-studied","path":"Observation.component","sliceName":"gene-studied","min":1,"max":"1"},
               {"id":"Observation.component:gene-studied.value[x]","path":"Observation.component.value[x]",
                "patternCodeableConcept":{"coding":[{"system":"http://www.genenames.org","code":"HGNC:6973"}]}},
               {"id":"Observation.component:copy-number","path":"Observation.component","sliceName":"copy-number","min":1},
               {"id":"Observation.component:copy-number.valueQuantity","path":"Observation.component.valueQuantity","min":1},
               {"id":"Observation.component:copy-number.valueQuantity.code","path":"Observation.component.valueQuantity.code","fixedCode":"1"}
             ]}}
            """).Resource!;

        Assert.Empty(set.Add(mdm2));
        var elements = Profiles.SnapshotById(set.Find("http://example.org/fhir/StructureDefinition/mdm2")!);

        Assert.Equal(1, elements["Observation.component:gene-studied"]["min"]!.GetValue<int>());
        Assert.Equal("48018-6", elements["Observation.component:gene-studied.code"]["patternCodeableConcept"]!["coding"]![0]!["code"]!.GetValue<string>());
        Assert.Equal("HGNC:6973", elements["Observation.component:gene-studied.value[x]"]["patternCodeableConcept"]!["coding"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(["Quantity"], Profiles.TypeCodes(elements["Observation.component:copy-number.value[x]"]));
        Assert.Equal("1", elements["Observation.component:copy-number.value[x].code"]["fixedCode"]!.GetValue<string>());
        Assert.Contains("Observation.component:repeat-motif.extension:repeat-motif-order", elements.Keys);
        Assert.Contains("Observation.extension:body-structure", elements.Keys);
        Assert.Equal(Profiles.SnapshotById(set.Find(Variant)!).Count + 7, elements.Count); // the seven children of Quantity under copy-number
    }

    [Fact]
    public void A_renamed_choice_constrains_the_type_slice_the_base_already_has()
    {
        var set = new ConformanceSetBuilder().AddDefinitions(RepositoryFiles.PackagesFolder).Build();
        var present = FhirJsonReader.Parse($$$"""
            {"resourceType":"StructureDefinition","id":"present","url":"http://example.org/fhir/StructureDefinition/present","name":"Present","status":"draft",
             "fhirVersion":"4.0.1","kind":"resource","abstract":false,"type":"Observation","derivation":"constraint","baseDefinition":"{{{Variant}}}",
             "differential":{"element":[
               {"id":"Observation.valueCodeableConcept","path":"Observation.valueCodeableConcept","min":1,
                "patternCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA9633-4"}]}}]}}
            """).Resource!;

        Assert.Empty(set.Add(present));
        var elements = Profiles.SnapshotById(set.Find("http://example.org/fhir/StructureDefinition/present")!);

        var slice = elements["Observation.value[x]:valueCodeableConcept"];
        Assert.Equal("LA9633-4", slice["patternCodeableConcept"]!["coding"]![0]!["code"]!.GetValue<string>());
        Assert.Equal(1, slice["min"]!.GetValue<int>());
        Assert.Null(elements["Observation.value[x]"]["patternCodeableConcept"]);
        Assert.True(Profiles.TypeCodes(elements["Observation.value[x]"]).Count > 1); // the choice itself is left as the variant profile has it
    }

    [Fact]
    public void The_repository_profiles_folder_loads_without_errors()
    {
        var set = new ConformanceSetBuilder().AddDefinitions(System.IO.Path.Combine(Repository.Root, "profiles")).Build();
        Assert.True(!set.LoadIssues.Any(i => i.IsError), string.Join(Environment.NewLine, set.LoadIssues.Where(i => i.IsError)));
        Assert.NotNull(set.Find(Variant));
    }

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var example in Set.Value.Packages.Single(p => p.Name == "hl7.fhir.uv.genomics-reporting").Examples)
        {
            data.Add(example.FileName);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_profile_a_genomics_example_declares_resolves_with_a_snapshot(string fileName)
    {
        var example = Set.Value.Packages.Single(p => p.Name == "hl7.fhir.uv.genomics-reporting").Examples.Single(e => e.FileName == fileName);
        using var doc = JsonDocument.Parse(example.Json);
        var declared = DeclaredProfiles(doc.RootElement).Distinct(StringComparer.Ordinal).ToList();

        foreach (var profile in declared)
        {
            var structure = Set.Value.Find(profile);
            Assert.True(structure is not null, $"{fileName}: profile {profile} does not resolve");
            Assert.NotEmpty(Profiles.SnapshotById(structure));
        }
        output.WriteLine($"{fileName}: {declared.Count} declared profiles resolve");
    }

    private static IEnumerable<string> DeclaredProfiles(JsonElement resource)
    {
        if (resource.TryGetProperty("meta", out var meta) && meta.TryGetProperty("profile", out var profiles))
        {
            foreach (var profile in profiles.EnumerateArray())
            {
                yield return profile.GetString()!;
            }
        }
        foreach (var name in (string[])["entry", "contained"])
        {
            if (!resource.TryGetProperty(name, out var list))
            {
                continue;
            }
            foreach (var item in list.EnumerateArray())
            {
                var inner = name == "entry" ? (item.TryGetProperty("resource", out var r) ? r : default) : item;
                if (inner.ValueKind == JsonValueKind.Object)
                {
                    foreach (var p in DeclaredProfiles(inner))
                    {
                        yield return p;
                    }
                }
            }
        }
    }

    [Fact]
    public void Most_genomics_examples_declare_a_profile()
    {
        var examples = Set.Value.Packages.Single(p => p.Name == "hl7.fhir.uv.genomics-reporting").Examples;
        var declaring = examples.Count(e =>
        {
            using var doc = JsonDocument.Parse(e.Json);
            return DeclaredProfiles(doc.RootElement).Any();
        });
        output.WriteLine($"{declaring}/{examples.Count} genomics examples declare profiles");
        Assert.True(declaring * 2 > examples.Count);
    }

    /// <summary>The Observations among the package's examples, against the profiles they declare: all validate.</summary>
    [Fact]
    public void Genomics_example_observations_validate_against_their_declared_profiles()
    {
        var validator = new ResourceValidator(Set.Value);
        var results = new List<(string File, List<string> Errors)>();
        foreach (var example in Set.Value.Packages.Single(p => p.Name == "hl7.fhir.uv.genomics-reporting").Examples.Where(e => e.ResourceType == "Observation"))
        {
            using var doc = JsonDocument.Parse(example.Json);
            if (!DeclaredProfiles(doc.RootElement).Any())
            {
                continue;
            }
            var parsed = FhirJsonReader.Parse(example.Json);
            var errors = parsed.Resource is null
                ? ["does not parse"]
                : validator.Validate(parsed.Resource).Issues.Where(i => i.IsError).Select(i => $"{i.Expression}: {i.Message}").ToList();
            results.Add((example.FileName, errors));
        }
        var failing = results.Where(r => r.Errors.Count > 0).ToList();
        output.WriteLine($"{results.Count - failing.Count}/{results.Count} genomics example Observations validate against their declared profiles");
        foreach (var (file, errors) in failing)
        {
            output.WriteLine($"{file}: {string.Join(" | ", errors.Take(3))}");
        }
        Assert.True(results.Count > 50, $"only {results.Count} example Observations declare profiles");
        Assert.Empty(failing.Select(f => f.File));
    }
}
