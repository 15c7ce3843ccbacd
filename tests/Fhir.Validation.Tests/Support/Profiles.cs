using System.Text.Json.Nodes;
using Fhir.Core.Json;
using Fhir.Core.Model;

namespace Fhir.Validation.Tests.Support;

/// <summary>Hand-written profiles for the tests: a chain Observation &lt;- obs-a &lt;- obs-b, and an extension obs-b uses.</summary>
internal static class Profiles
{
    public const string Base = "http://example.org/fhir/StructureDefinition/";

    public const string ObsA = $$$"""
        {"resourceType":"StructureDefinition","id":"obs-a","url":"{{{Base}}}obs-a","version":"1.0.0","name":"ObsA","status":"active",
         "fhirVersion":"4.0.1","kind":"resource","abstract":false,"type":"Observation","derivation":"constraint",
         "baseDefinition":"http://hl7.org/fhir/StructureDefinition/Observation",
         "differential":{"element":[
           {"id":"Observation","path":"Observation"},
           {"id":"Observation.subject","path":"Observation.subject","min":1,"mustSupport":true},
           {"id":"Observation.component","path":"Observation.component",
            "slicing":{"discriminator":[{"type":"pattern","path":"code"}],"rules":"open"}},
           {"id":"Observation.component:copyNumber","path":"Observation.component","sliceName":"copyNumber","min":0,"max":"1"},
           {"id":"Observation.component:copyNumber.code","path":"Observation.component.code",
            "patternCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"82155-3"}]}},
           {"id":"Observation.component:copyNumber.value[x]","path":"Observation.component.value[x]","type":[{"code":"Quantity"},{"code":"Range"}],
            "constraint":[{"key":"cn-1","severity":"error","human":"a copy number is not negative","expression":"value >= 0"}]}
         ]}}
        """;

    public const string ObsB = $$$"""
        {"resourceType":"StructureDefinition","id":"obs-b","url":"{{{Base}}}obs-b","name":"ObsB","status":"active",
         "fhirVersion":"4.0.1","kind":"resource","abstract":false,"type":"Observation","derivation":"constraint",
         "baseDefinition":"{{{Base}}}obs-a|1.0.0",
         "differential":{"element":[
           {"id":"Observation.extension:grade","path":"Observation.extension","sliceName":"grade",
            "type":[{"code":"Extension","profile":["{{{Base}}}grade"]}]},
           {"id":"Observation.component:copyNumber","path":"Observation.component","sliceName":"copyNumber","min":1},
           {"id":"Observation.component:copyNumber.valueQuantity","path":"Observation.component.valueQuantity"},
           {"id":"Observation.component:copyNumber.valueQuantity.value","path":"Observation.component.valueQuantity.value","min":1}
         ]}}
        """;

    public const string Grade = $$$"""
        {"resourceType":"StructureDefinition","id":"grade","url":"{{{Base}}}grade","name":"Grade","status":"active",
         "fhirVersion":"4.0.1","kind":"complex-type","abstract":false,"context":[{"type":"element","expression":"Observation"}],
         "type":"Extension","derivation":"constraint","baseDefinition":"http://hl7.org/fhir/StructureDefinition/Extension",
         "differential":{"element":[
           {"id":"Extension","path":"Extension","short":"The grade","max":"1"},
           {"id":"Extension.extension","path":"Extension.extension","max":"0"},
           {"id":"Extension.url","path":"Extension.url","fixedUri":"{{{Base}}}grade"},
           {"id":"Extension.value[x]","path":"Extension.value[x]","min":1,"type":[{"code":"CodeableConcept"}]}
         ]}}
        """;

    /// <summary>A StructureDefinition's snapshot elements by id.</summary>
    public static Dictionary<string, JsonObject> SnapshotById(ElementNode structureDefinition)
    {
        var json = JsonNode.Parse(FhirJsonWriter.SerializeToString(structureDefinition))!;
        return SnapshotById((JsonObject)json);
    }

    public static Dictionary<string, JsonObject> SnapshotById(JsonObject structureDefinition) =>
        ((JsonArray)structureDefinition["snapshot"]!["element"]!).OfType<JsonObject>().ToDictionary(e => e["id"]!.GetValue<string>());

    public static List<string> TypeCodes(JsonObject element) =>
        [.. ((element["type"] as JsonArray) ?? []).Select(t => t!["code"]!.GetValue<string>())];
}
