using System.Text.Json;
using Fhir.Core.Definitions;
using Fhir.Core.Json;

namespace Fhir.Trials.Tests.Profiles;

/// <summary>The conformance resources in <c>profiles/</c> are well-formed, uniquely named and refer only to things that exist.</summary>
public class ConformanceResourceTests
{
    // Canonicals outside profiles/ that the profiles build on: the Genomics Reporting IG 3.0.0 (loaded as a package),
    // and code systems whose content is external (LOINC, HGNC, SO, NCIt, MedDRA, DICOM, UCUM, SNOMED CT).
    private static readonly HashSet<string> External =
    [
        "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/variant",
        "http://loinc.org",
        "http://www.genenames.org",
        "http://www.sequenceontology.org",
        "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl#",
        "http://terminology.hl7.org/CodeSystem/mdr",
        "http://dicom.nema.org/resources/ontology/DCM",
    ];

    // The component slices of the genomics variant profile (and its parent, finding), as the package names them;
    // a differential that named another slice would add a new slice instead of constraining the base's.
    private static readonly HashSet<string> VariantComponentSlices =
    [
        "gene-studied", "cytogenetic-location", "reference-sequence-assembly", "chromosome-identifier", "conclusion-string",
        "representative-coding-hgvs", "genomic-hgvs", "cytogenomic-nomenclature", "genomic-ref-seq", "representative-protein-ref-seq",
        "representative-transcript-ref-seq", "exact-start-end", "inner-start-end", "outer-start-end", "coordinate-system",
        "ref-allele", "alt-allele", "coding-change-type", "genomic-source-class", "sample-allelic-frequency", "allelic-read-depth",
        "allelic-state", "variant-inheritance", "variant-inheritance-basis", "variation-code", "representative-protein-hgvs",
        "copy-number", "variant-confidence-status", "repeat-motif", "repeat-number",
    ];

    public static IEnumerable<object[]> JsonFiles() => ProfilesFolder.AllJsonFiles();

    [Theory]
    [MemberData(nameof(JsonFiles))]
    public void Every_file_is_FHIR_R4_JSON_that_the_strict_reader_accepts_without_any_issue(string file)
    {
        var result = FhirJsonReader.Parse(File.ReadAllBytes(System.IO.Path.Combine(ProfilesFolder.Root, file)));
        Assert.NotNull(result.Resource);
        Assert.True(result.Issues.Count == 0, string.Join("; ", result.Issues.Select(i => $"{i.Expression}: {i.Message}")));
    }

    [Fact]
    public void Canonical_urls_are_unique_and_are_the_base_type_and_id()
    {
        var urls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in ProfilesFolder.ConformanceFiles)
        {
            using var doc = ProfilesFolder.ReadJson(file);
            var root = doc.RootElement;
            var type = root.GetProperty("resourceType").GetString();
            var id = root.GetProperty("id").GetString();
            var url = root.GetProperty("url").GetString()!;
            Assert.Equal($"{ProfilesFolder.Base}/{type}/{id}", url);
            Assert.Equal($"{type}-{id}.json", System.IO.Path.GetFileName(file));
            Assert.True(urls.Add(url), $"{url} is defined twice.");
            Assert.Equal("1.0.0", root.GetProperty("version").GetString());
        }
        Assert.True(urls.Count >= 25, $"only {urls.Count} conformance resources");
    }

    [Fact]
    public void Every_canonical_that_a_resource_refers_to_exists_in_profiles_the_core_or_the_listed_externals()
    {
        var missing = new List<string>();
        foreach (var file in ProfilesFolder.ConformanceFiles.Concat(ProfilesFolder.ValidExamples).Concat(ProfilesFolder.InvalidExamples))
        {
            using var doc = ProfilesFolder.ReadJson(file);
            foreach (var canonical in ReferencedCanonicals(doc.RootElement))
            {
                if (!ProfilesFolder.Canonicals.ContainsKey(canonical) && !External.Contains(canonical) && FhirDefinitions.R4.FindByUrl(canonical) is null)
                {
                    missing.Add($"{System.IO.Path.GetFileName(file)} -> {canonical}");
                }
            }
        }
        Assert.Empty(missing);
    }

    [Fact]
    public void Every_differential_path_exists_in_the_base_type_and_matches_its_id()
    {
        foreach (var (url, sd) in StructureDefinitions())
        {
            foreach (var element in sd.GetProperty("differential").GetProperty("element").EnumerateArray())
            {
                var id = element.GetProperty("id").GetString()!;
                var path = element.GetProperty("path").GetString()!;
                var parts = id.Split('.');
                Assert.Equal(string.Join('.', parts.Select(p => p.Split(':')[0])), path);
                Assert.True(ElementExists(path), $"{url}: {path} is not an element of R4 {parts[0]}");
                var last = parts[^1];
                if (last.Contains(':'))
                {
                    Assert.Equal(last.Split(':')[1], element.GetProperty("sliceName").GetString());
                }
            }
        }
    }

    [Fact]
    public void Profiles_on_the_genomics_variant_constrain_its_own_component_slices()
    {
        var derived = StructureDefinitions().Where(p => p.Value.GetProperty("baseDefinition").GetString()!.EndsWith("/variant", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, derived.Count);
        foreach (var (url, sd) in derived)
        {
            var slices = sd.GetProperty("differential").GetProperty("element").EnumerateArray()
                .Select(e => e.GetProperty("id").GetString()!)
                .Where(id => id.StartsWith("Observation.component:", StringComparison.Ordinal))
                .Select(id => id.Split('.')[1].Split(':')[1])
                .ToList();
            Assert.Contains("gene-studied", slices);
            Assert.All(slices, s => Assert.True(VariantComponentSlices.Contains(s), $"{url}: '{s}' is not a slice of the variant profile"));
        }
    }

    [Fact]
    public void Every_extension_definition_says_where_it_may_be_used_and_fixes_its_url()
    {
        var extensions = StructureDefinitions().Where(p => p.Value.GetProperty("type").GetString() == "Extension").ToList();
        Assert.Equal(11, extensions.Count);
        foreach (var (url, sd) in extensions)
        {
            var contexts = sd.GetProperty("context").EnumerateArray().Select(c => c.GetProperty("expression").GetString()!).ToList();
            Assert.NotEmpty(contexts);
            Assert.All(contexts, c => Assert.True(FhirDefinitions.R4.IsResourceType(c.Split(".")[0]), c));
            var urlElement = sd.GetProperty("differential").GetProperty("element").EnumerateArray().Single(e => e.GetProperty("id").GetString() == "Extension.url");
            Assert.Equal(url, urlElement.GetProperty("fixedUri").GetString());
        }
    }

    [Fact]
    public void Code_systems_are_complete_and_their_value_sets_list_only_their_codes()
    {
        var codeSystems = ProfilesFolder.Canonicals.Values.Where(r => r.GetProperty("resourceType").GetString() == "CodeSystem").ToList();
        Assert.Equal(8, codeSystems.Count); // trial science adds analysis-population, candidate-status, data-quality, investigational-product
        foreach (var cs in codeSystems)
        {
            Assert.Equal("complete", cs.GetProperty("content").GetString());
            Assert.Equal(cs.GetProperty("concept").GetArrayLength(), cs.GetProperty("count").GetInt32());
        }
        foreach (var vs in ProfilesFolder.Canonicals.Values.Where(r => r.GetProperty("resourceType").GetString() == "ValueSet"))
        {
            foreach (var include in vs.GetProperty("compose").GetProperty("include").EnumerateArray())
            {
                var system = include.GetProperty("system").GetString()!;
                if (!ProfilesFolder.Canonicals.TryGetValue(system, out var cs) || !include.TryGetProperty("concept", out var concepts))
                {
                    continue;
                }
                var codes = cs.GetProperty("concept").EnumerateArray().Select(c => c.GetProperty("code").GetString()).ToHashSet();
                Assert.All(concepts.EnumerateArray(), c => Assert.Contains(c.GetProperty("code").GetString(), codes));
            }
        }
    }

    internal static IEnumerable<KeyValuePair<string, JsonElement>> StructureDefinitions() =>
        ProfilesFolder.Canonicals.Where(p => p.Value.GetProperty("resourceType").GetString() == "StructureDefinition");

    private static bool IsOwnConformanceUrl(string value) =>
        value.StartsWith(ProfilesFolder.Base + "/", StringComparison.Ordinal)
        && (value.Contains("/StructureDefinition/", StringComparison.Ordinal) || value.Contains("/ValueSet/", StringComparison.Ordinal)
            || value.Contains("/CodeSystem/", StringComparison.Ordinal) || value.Contains("/SearchParameter/", StringComparison.Ordinal));

    /// <summary>Walks a differential path (<c>Observation.component.value[x]</c>) through the R4 type model.</summary>
    private static bool ElementExists(string path)
    {
        var parts = path.Split('.');
        var type = FhirDefinitions.R4.FindType(parts[0]);
        for (var i = 1; i < parts.Length; i++)
        {
            var element = type?.FindElement(parts[i].Replace("[x]", "", StringComparison.Ordinal));
            if (element is null)
            {
                return false;
            }
            // A choice element has no single type to walk into; it can only be the last part.
            type = element.NestedType ?? (element.Types.Count == 1 ? FhirDefinitions.R4.FindType(element.Types[0].Code) : null);
        }
        return FhirDefinitions.R4.FindType(parts[0]) is not null;
    }

    /// <summary>Canonical URLs a resource points at: base definitions, type profiles, bindings, ValueSet systems, declared profiles, extension URLs.</summary>
    private static IEnumerable<string> ReferencedCanonicals(JsonElement resource)
    {
        var found = new List<string>();
        Walk(resource, null);
        return found;

        void Walk(JsonElement node, string? name)
        {
            switch (node.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in node.EnumerateObject())
                    {
                        if (property.Name == "url" && property.Value.ValueKind == JsonValueKind.String && name == "extension"
                            && property.Value.GetString()!.StartsWith("http", StringComparison.Ordinal))
                        {
                            found.Add(property.Value.GetString()!);
                        }
                        Walk(property.Value, property.Name);
                    }
                    break;
                case JsonValueKind.Array:
                    foreach (var item in node.EnumerateArray())
                    {
                        Walk(item, name);
                    }
                    break;
                case JsonValueKind.String when name is "baseDefinition" or "profile" or "targetProfile" or "valueSet":
                    found.Add(node.GetString()!);
                    break;
                case JsonValueKind.String when IsOwnConformanceUrl(node.GetString()!):
                    // Codings, systems and references to the trial's own code systems, value sets and definitions.
                    found.Add(node.GetString()!);
                    break;
            }
        }
    }
}
