using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Validation;
using Fhir.Validation.Conformance;

// Validation throughput: the official R4 examples, trial-like Observations, and one 100-entry transaction Bundle.
// Usage: dotnet run -c Release --project bench/Fhir.Bench.Validation [-- <r4-examples.zip>]
var zipPath = args.Length > 0 ? args[0] : System.IO.Path.Combine("tests", "Fhir.Core.Tests", "Data", "r4-examples.zip");
var validator = new ResourceValidator(CoreConformanceSource.R4);

var examples = new List<ElementNode>();
using (var zip = ZipFile.OpenRead(zipPath))
{
    foreach (var entry in zip.Entries)
    {
        if (entry.FullName == "index.json")
        {
            continue;
        }
        using var stream = entry.Open();
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var resource = FhirJsonReader.Parse(memory.ToArray()).Resource;
        if (resource is not null && resource.Type.Name is not ("ConceptMap" or "CapabilityStatement" or "ImplementationGuide"))
        {
            examples.Add(resource);
        }
    }
}
var trial = TrialData.Observations(1000).Select(j => FhirJsonReader.Parse(j).Resource!).ToList();
var bundle = FhirJsonReader.Parse(TrialData.TransactionBundle(100)).Resource!;

Console.WriteLine($"R4 examples: {examples.Count}, trial Observations: {trial.Count}");
Report("R4 examples (729)", examples, rounds: 3);
Report("trial Observations (1,000)", trial, rounds: 10);

foreach (var _ in Enumerable.Range(0, 20))
{
    validator.Validate(bundle); // warm-up
}
var times = new List<double>();
for (var i = 0; i < 50; i++)
{
    var sw = Stopwatch.StartNew();
    var result = validator.Validate(bundle);
    times.Add(sw.Elapsed.TotalMilliseconds);
    if (result.HasErrors)
    {
        throw new InvalidOperationException("the benchmark bundle must be valid");
    }
}
times.Sort();
Console.WriteLine($"100-entry transaction Bundle: median {times[times.Count / 2]:F2} ms, max {times[^1]:F2} ms");

void Report(string name, List<ElementNode> resources, int rounds)
{
    foreach (var r in resources)
    {
        validator.Validate(r); // warm-up: plans compiled, expansions built
    }
    var sw = Stopwatch.StartNew();
    var count = 0;
    for (var round = 0; round < rounds; round++)
    {
        foreach (var r in resources)
        {
            validator.Validate(r);
            count++;
        }
    }
    Console.WriteLine($"{name}: {count / sw.Elapsed.TotalSeconds:F0} resources/s");
}

/// <summary>Trial-like inputs: genomic variant Observations with components, vital signs, and a transaction Bundle of them.</summary>
internal static class TrialData
{
    public static IEnumerable<string> Observations(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return i % 2 == 0 ? Variant(i) : Weight(i);
        }
    }

    public static string TransactionBundle(int entries)
    {
        var items = Observations(entries).Select((json, i) =>
            $$$"""{"fullUrl":"urn:uuid:00000000-0000-0000-0000-{{{i:D12}}}","resource":{{{json}}},"request":{"method":"POST","url":"Observation"}}""");
        return $$$"""{"resourceType":"Bundle","type":"transaction","entry":[{{{string.Join(",", items)}}}]}""";
    }

    private static string Variant(int i) => $$$"""
        {"resourceType":"Observation","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">MDM2 copy number</div>"},
         "status":"final",
         "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],
         "code":{"coding":[{"system":"http://loinc.org","code":"69548-6","display":"Genetic variant assessment"}]},
         "subject":{"reference":"Patient/p{{{i}}}"},"effectiveDateTime":"2024-03-0{{{i % 9 + 1}}}",
         "valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA9633-4","display":"Present"}]},
         "component":[
          {"code":{"coding":[{"system":"http://loinc.org","code":"48018-6"}]},"valueCodeableConcept":{"coding":[{"system":"http://www.genenames.org","code":"HGNC:6973","display":"MDM2"}]}},
          {"code":{"coding":[{"system":"http://loinc.org","code":"82155-3"}]},"valueQuantity":{"value":{{{8 + i % 20}}},"unit":"1","system":"http://unitsofmeasure.org","code":"1"}},
          {"code":{"coding":[{"system":"http://loinc.org","code":"48002-0"}]},"valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA6684-0"}]}},
          {"code":{"coding":[{"system":"http://loinc.org","code":"48019-4"}]},"valueCodeableConcept":{"coding":[{"system":"http://www.sequenceontology.org","code":"SO:0001742"}]}}]}
        """;

    private static string Weight(int i) => $$$"""
        {"resourceType":"Observation","meta":{"profile":["http://hl7.org/fhir/StructureDefinition/bodyweight"]},
         "text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">weight</div>"},"status":"final",
         "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
         "code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},
         "subject":{"reference":"Patient/p{{{i}}}"},"effectiveDateTime":"2024-03-01",
         "valueQuantity":{"value":{{{50 + i % 40}}},"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}
        """;
}
