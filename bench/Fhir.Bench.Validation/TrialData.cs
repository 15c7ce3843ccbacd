namespace Fhir.Bench.Validation;

/// <summary>Trial-like inputs: genomic variant Observations with components, vital signs, and a transaction Bundle of them.</summary>
internal static class TrialData
{
    /// <summary>How the body-weight Observations declare the core <c>bodyweight</c> profile.</summary>
    private const string BodyweightMeta = "\"meta\":{\"profile\":[\"http://hl7.org/fhir/StructureDefinition/bodyweight\"]},";

    public static IEnumerable<string> Observations(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return i % 2 == 0 ? Variant(i) : Weight(i);
        }
    }

    /// <summary>The same Observation without its declared profile: validated against the base definition only.</summary>
    public static string WithoutProfile(string json) => json.Replace(BodyweightMeta, "", StringComparison.Ordinal);

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
        {"resourceType":"Observation",{{{BodyweightMeta}}}
         "text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">weight</div>"},"status":"final",
         "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
         "code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},
         "subject":{"reference":"Patient/p{{{i}}}"},"effectiveDateTime":"2024-03-01",
         "valueQuantity":{"value":{{{50 + i % 40}}},"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}
        """;
}
