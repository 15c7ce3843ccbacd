using System.Text.Json.Nodes;
using Fhir.Validation.Conformance;
using Fhir.Validation.Snapshots;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Snapshots;

public sealed class SnapshotGeneratorTests
{
    private static SnapshotResult Generate(string differential, string type = "Observation", string? baseDefinition = null, params string[] others)
    {
        var sd = new JsonObject
        {
            ["resourceType"] = "StructureDefinition",
            ["url"] = "http://example.org/fhir/StructureDefinition/test",
            ["name"] = "Test",
            ["status"] = "draft",
            ["kind"] = char.IsUpper(type[0]) && type is not ("Quantity" or "Extension" or "Coding") ? "resource" : "complex-type",
            ["abstract"] = false,
            ["type"] = type,
            ["derivation"] = "constraint",
            ["baseDefinition"] = baseDefinition ?? "http://hl7.org/fhir/StructureDefinition/" + type,
            ["differential"] = new JsonObject { ["element"] = JsonNode.Parse(differential) },
        };
        var extra = others.Select(o => (JsonObject)JsonNode.Parse(o)!).ToDictionary(o => o["url"]!.GetValue<string>());
        var generator = new SnapshotGenerator(url => extra.TryGetValue(url.Split('|')[0], out var found) ? Snapshot(found, extra) : CoreStructures.Find(url));
        return generator.Generate(sd);

        static JsonObject Snapshot(JsonObject sd, Dictionary<string, JsonObject> extra) => sd["snapshot"] is null
            ? new SnapshotGenerator(u => extra.TryGetValue(u, out var f) ? Snapshot(f, extra) : CoreStructures.Find(u)).Generate(sd).StructureDefinition!
            : sd;
    }

    private static Dictionary<string, JsonObject> Elements(SnapshotResult result)
    {
        Assert.False(result.HasErrors, string.Join(Environment.NewLine, result.Issues));
        return Profiles.SnapshotById(result.StructureDefinition!);
    }

    private static List<string> Ids(SnapshotResult result) =>
        [.. ((JsonArray)result.StructureDefinition!["snapshot"]!["element"]!).Select(e => e!["id"]!.GetValue<string>())];

    private static void AssertError(SnapshotResult result, string elementId, string text, int index)
    {
        Assert.Null(result.StructureDefinition);
        var error = Assert.Single(result.Issues, i => i.IsError);
        Assert.Contains($"'{elementId}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(text, error.Message, StringComparison.Ordinal);
        Assert.Equal($"StructureDefinition.differential.element[{index}]", error.Expression);
    }

    [Fact]
    public void An_unknown_path_is_an_error_naming_the_element() =>
        AssertError(Generate("""[{"id":"Observation.status"},{"id":"Observation.staus","path":"Observation.staus","min":1}]"""),
            "Observation.staus", "no element 'staus'", 1);

    [Fact]
    public void Widening_max_is_an_error() =>
        AssertError(Generate("""[{"id":"Observation.subject","path":"Observation.subject","max":"*"}]"""), "Observation.subject", "widens the base's max 1", 0);

    [Fact]
    public void Widening_min_is_an_error() =>
        AssertError(Generate("""[{"id":"Observation.status","path":"Observation.status","min":0}]"""), "Observation.status", "widens the base's min 1", 0);

    [Fact]
    public void Min_above_max_is_an_error() =>
        AssertError(Generate("""[{"id":"Observation.note","path":"Observation.note","min":3,"max":"2"}]"""), "Observation.note", "greater than max", 0);

    [Fact]
    public void A_type_the_base_does_not_allow_is_an_error() =>
        AssertError(Generate("""[{"id":"Observation.value[x]","path":"Observation.value[x]","type":[{"code":"Attachment"}]}]"""),
            "Observation.value[x]", "type 'Attachment' is not one of the base's types", 0);

    [Fact]
    public void A_slice_on_an_element_without_slicing_is_an_error() =>
        AssertError(Generate("""[{"id":"Observation.component:a","path":"Observation.component","sliceName":"a"}]"""),
            "Observation.component:a", "'component' is not sliced", 0);

    [Fact]
    public void Changing_an_inherited_fixed_value_is_an_error()
    {
        var result = Generate("""[{"id":"Observation.code.coding:BodyWeightCode.code","path":"Observation.code.coding.code","fixedCode":"8302-2"}]""",
            baseDefinition: "http://hl7.org/fhir/StructureDefinition/bodyweight");
        AssertError(result, "Observation.code.coding:BodyWeightCode.code", "changes the value fixed by the base", 0);
    }

    [Fact]
    public void Loosening_a_required_binding_is_an_error() =>
        AssertError(Generate("""[{"id":"Observation.status","path":"Observation.status","binding":{"strength":"preferred","valueSet":"http://example.org/vs"}}]"""),
            "Observation.status", "loosens the base's required", 0);

    [Fact]
    public void Tightening_an_extensible_binding_is_allowed() =>
        Assert.Equal("required", Elements(Generate("""[{"id":"Observation.category","path":"Observation.category","binding":{"strength":"required"}}]"""))
            ["Observation.category"]["binding"]!["strength"]!.GetValue<string>());

    [Fact]
    public void A_missing_base_is_an_error_not_an_exception()
    {
        var result = Generate("[]", baseDefinition: "http://example.org/nowhere");
        Assert.Contains(result.Issues, i => i.IsError && i.Message.Contains("http://example.org/nowhere", StringComparison.Ordinal));
    }

    [Fact]
    public void Elements_keep_base_order_and_unconstrained_ones_are_inherited()
    {
        var result = Generate("""[{"id":"Observation.status","path":"Observation.status","short":"final only"},{"id":"Observation.note","path":"Observation.note","max":"1"}]""");
        var ids = Ids(result);
        var elements = Elements(result);

        Assert.Equal(ids.Count, CoreStructures.Find("http://hl7.org/fhir/StructureDefinition/Observation")!["snapshot"]!["element"]!.AsArray().Count);
        Assert.True(ids.IndexOf("Observation.status") < ids.IndexOf("Observation.note"));
        Assert.Equal("1", elements["Observation.note"]["max"]!.GetValue<string>());
        Assert.Equal("final only", elements["Observation.status"]["short"]!.GetValue<string>());
        Assert.Equal("required", elements["Observation.status"]["binding"]!["strength"]!.GetValue<string>()); // inherited
        Assert.Equal("Observation.note", elements["Observation.note"]["base"]!["path"]!.GetValue<string>());
    }

    [Fact]
    public void Issue_19_a_differential_out_of_the_base_order_is_refused()
    {
        var sd = (JsonObject)JsonNode.Parse(Profiles.ObsA)!;
        sd["differential"]!["element"] = JsonNode.Parse("""
            [{"id":"Observation.note","path":"Observation.note","max":"1"},{"id":"Observation.status","path":"Observation.status","short":"final only"}]
            """);
        var result = new SnapshotGenerator(CoreStructures.Find).Generate(sd);
        var error = Assert.Single(result.Issues, i => i.IsError);
        Assert.Contains("out of order", error.Message, StringComparison.Ordinal);
        Assert.Equal("StructureDefinition.differential.element[1]", error.Expression);
    }

    [Fact]
    public void Constraining_inside_a_data_type_unfolds_that_type()
    {
        var result = Generate("""
            [{"id":"Observation.code.coding","path":"Observation.code.coding","min":1},
             {"id":"Observation.code.coding.system","path":"Observation.code.coding.system","min":1,"fixedUri":"http://loinc.org"}]
            """);
        var ids = Ids(result);
        var elements = Elements(result);

        Assert.Equal("http://loinc.org", elements["Observation.code.coding.system"]["fixedUri"]!.GetValue<string>());
        Assert.Equal("Observation.code.coding.system", elements["Observation.code.coding.system"]["path"]!.GetValue<string>());
        Assert.Equal(["Observation.code.coding.id", "Observation.code.coding.extension", "Observation.code.coding.system", "Observation.code.coding.version",
            "Observation.code.coding.code", "Observation.code.coding.display", "Observation.code.coding.userSelected"],
            ids.Where(i => i.StartsWith("Observation.code.coding.", StringComparison.Ordinal)));
        Assert.Equal(ids.IndexOf("Observation.code.coding.userSelected") + 1, ids.IndexOf("Observation.code.text"));
        Assert.DoesNotContain("Observation.category.coding", ids); // only what the differential constrains is unfolded
    }

    [Fact]
    public void A_renamed_choice_restricts_the_choice_element_to_that_type_and_unfolds_it()
    {
        var elements = Elements(Generate("""
            [{"id":"Observation.valueQuantity","path":"Observation.valueQuantity","min":1},
             {"id":"Observation.valueQuantity.system","path":"Observation.valueQuantity.system","fixedUri":"http://unitsofmeasure.org"}]
            """));

        Assert.Equal(["Quantity"], Profiles.TypeCodes(elements["Observation.value[x]"]));
        Assert.Equal(1, elements["Observation.value[x]"]["min"]!.GetValue<int>());
        Assert.Equal("http://unitsofmeasure.org", elements["Observation.value[x].system"]["fixedUri"]!.GetValue<string>());
        Assert.DoesNotContain("Observation.valueQuantity", elements.Keys);
    }

    [Fact]
    public void Constraining_inside_a_choice_with_several_types_is_an_error() =>
        AssertError(Generate("""[{"id":"Observation.value[x].value","path":"Observation.value[x].value","min":1}]"""),
            "Observation.value[x].value", "several types", 0);

    [Fact]
    public void Slices_follow_their_element_with_their_children_and_ids_carry_the_slice_name()
    {
        var result = Generate("""
            [{"id":"Observation.component","path":"Observation.component","slicing":{"discriminator":[{"type":"pattern","path":"code"}],"rules":"open"}},
             {"id":"Observation.component:copyNumber","path":"Observation.component","sliceName":"copyNumber","min":1,"max":"1"},
             {"id":"Observation.component:copyNumber.code","path":"Observation.component.code","patternCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"82155-3"}]}},
             {"id":"Observation.component:copyNumber.value[x]","path":"Observation.component.value[x]","type":[{"code":"Quantity"},{"code":"Range"}]},
             {"id":"Observation.component:gene","path":"Observation.component","sliceName":"gene","max":"1"}]
            """);
        var ids = Ids(result);
        var elements = Elements(result);

        var sliceAt = ids.IndexOf("Observation.component:copyNumber");
        Assert.True(ids.IndexOf("Observation.component.referenceRange") < sliceAt);
        Assert.Equal("Observation.component:copyNumber.id", ids[sliceAt + 1]);
        Assert.Equal(["Quantity", "Range"], Profiles.TypeCodes(elements["Observation.component:copyNumber.value[x]"]));
        Assert.Equal("Observation.component.value[x]", elements["Observation.component:copyNumber.value[x]"]["path"]!.GetValue<string>());
        Assert.Equal("copyNumber", elements["Observation.component:copyNumber"]["sliceName"]!.GetValue<string>());
        Assert.Null(elements["Observation.component:copyNumber"]["slicing"]);
        Assert.True(ids.IndexOf("Observation.component:copyNumber.referenceRange") < ids.IndexOf("Observation.component:gene"));
        Assert.Equal(0, elements["Observation.component:gene"]["min"]!.GetValue<int>());
        Assert.Null(elements["Observation.component:gene.code"]["patternCodeableConcept"]); // slices start from the base, not from each other
        Assert.Equal("pattern", elements["Observation.component"]["slicing"]!["discriminator"]![0]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void A_slice_may_require_fewer_than_its_element()
    {
        var result = Generate("""
            [{"id":"Observation.category","path":"Observation.category","min":1,"slicing":{"discriminator":[{"type":"pattern","path":"$this"}],"rules":"open"}},
             {"id":"Observation.category:lab","path":"Observation.category","sliceName":"lab","min":0,"max":"1"}]
            """);
        Assert.Equal(0, Elements(result)["Observation.category:lab"]["min"]!.GetValue<int>());
    }

    [Fact]
    public void Re_slices_come_after_their_slice_and_need_a_slicing_on_it()
    {
        var slicing = """{"discriminator":[{"type":"value","path":"code.coding.code"}],"rules":"open"}""";
        var result = Generate($$"""
            [{"id":"Observation.component","path":"Observation.component","slicing":{{slicing}}},
             {"id":"Observation.component:a","path":"Observation.component","sliceName":"a","slicing":{{slicing}}},
             {"id":"Observation.component:a/b","path":"Observation.component","sliceName":"a/b","max":"1"},
             {"id":"Observation.component:c","path":"Observation.component","sliceName":"c"}]
            """);
        var ids = Ids(result);

        Assert.True(ids.IndexOf("Observation.component:a.referenceRange") < ids.IndexOf("Observation.component:a/b"));
        Assert.True(ids.IndexOf("Observation.component:a/b.referenceRange") < ids.IndexOf("Observation.component:c"));
        Assert.Equal("1", Elements(result)["Observation.component:a/b"]["max"]!.GetValue<string>());

        var unsliced = Generate("""
            [{"id":"Observation.component","path":"Observation.component","slicing":{"discriminator":[{"type":"value","path":"code"}],"rules":"open"}},
             {"id":"Observation.component:a","path":"Observation.component","sliceName":"a"},
             {"id":"Observation.component:a/b","path":"Observation.component","sliceName":"a/b"}]
            """);
        AssertError(unsliced, "Observation.component:a/b", "not sliced", 2);
    }

    [Fact]
    public void A_differential_without_ids_places_children_under_the_slice_opened_above_them()
    {
        var elements = Elements(Generate("""
            [{"path":"Observation.component","slicing":{"discriminator":[{"type":"pattern","path":"code"}],"rules":"closed"}},
             {"path":"Observation.component","sliceName":"x","max":"1"},
             {"path":"Observation.component.code","short":"x code"},
             {"path":"Observation.component","sliceName":"y"},
             {"path":"Observation.component.code","short":"y code"}]
            """));

        Assert.Equal("x code", elements["Observation.component:x.code"]["short"]!.GetValue<string>());
        Assert.Equal("y code", elements["Observation.component:y.code"]["short"]!.GetValue<string>());
        Assert.NotEqual("x code", elements["Observation.component.code"]["short"]?.GetValue<string>());
    }

    [Fact]
    public void Constraints_add_to_the_inherited_ones_and_bindings_merge()
    {
        var elements = Elements(Generate("""
            [{"id":"Observation.code","path":"Observation.code",
              "constraint":[{"key":"t-1","severity":"error","human":"LOINC","expression":"coding.system = 'http://loinc.org'"}],
              "binding":{"strength":"required","valueSet":"http://example.org/fhir/ValueSet/codes"},"mustSupport":true}]
            """));
        var code = elements["Observation.code"];

        Assert.Equal(["ele-1", "t-1"], code["constraint"]!.AsArray().Select(c => c!["key"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("http://example.org/fhir/StructureDefinition/test", code["constraint"]!.AsArray().Single(c => c!["key"]!.GetValue<string>() == "t-1")!["source"]!.GetValue<string>());
        Assert.Equal("required", code["binding"]!["strength"]!.GetValue<string>());
        Assert.Equal("http://example.org/fhir/ValueSet/codes", code["binding"]!["valueSet"]!.GetValue<string>());
        Assert.NotNull(code["binding"]!["extension"]); // the base binding's name extension stays
        Assert.True(code["mustSupport"]!.GetValue<bool>());
    }

    [Fact]
    public void Content_references_unfold_the_referenced_element()
    {
        var elements = Elements(Generate("""
            [{"id":"Questionnaire.item.item","path":"Questionnaire.item.item","max":"3"},
             {"id":"Questionnaire.item.item.type","path":"Questionnaire.item.item.type","fixedCode":"string"}]
            """, type: "Questionnaire"));

        Assert.Equal("3", elements["Questionnaire.item.item"]["max"]!.GetValue<string>());
        Assert.Equal("string", elements["Questionnaire.item.item.type"]["fixedCode"]!.GetValue<string>());
        Assert.Contains("Questionnaire.item.item.linkId", elements.Keys);
    }

    [Fact]
    public void An_extension_definition_gets_its_snapshot()
    {
        var grade = (JsonObject)JsonNode.Parse(Profiles.Grade)!;
        var elements = Profiles.SnapshotById(new SnapshotGenerator(CoreStructures.Find).Generate(grade).StructureDefinition!);

        Assert.Equal("1", elements["Extension"]["max"]!.GetValue<string>());
        Assert.Equal("0", elements["Extension.extension"]["max"]!.GetValue<string>());
        Assert.Equal(Profiles.Base + "grade", elements["Extension.url"]["fixedUri"]!.GetValue<string>());
        Assert.Equal(["CodeableConcept"], Profiles.TypeCodes(elements["Extension.value[x]"]));
        Assert.Equal(1, elements["Extension.value[x]"]["min"]!.GetValue<int>());
    }

    [Fact]
    public void A_profile_on_a_data_type_gets_its_snapshot()
    {
        var elements = Elements(Generate("""
            [{"id":"Quantity","path":"Quantity","short":"UCUM quantity"},
             {"id":"Quantity.system","path":"Quantity.system","min":1,"fixedUri":"http://unitsofmeasure.org"},
             {"id":"Quantity.code","path":"Quantity.code","min":1}]
            """, type: "Quantity"));

        Assert.Equal("UCUM quantity", elements["Quantity"]["short"]!.GetValue<string>());
        Assert.Equal(1, elements["Quantity.code"]["min"]!.GetValue<int>());
        Assert.Contains("qty-3", elements["Quantity"]["constraint"]!.AsArray().Select(c => c!["key"]!.GetValue<string>()));
    }

    [Fact]
    public void An_extension_slice_takes_its_definition_and_unfolds_from_it()
    {
        var result = Generate("""
            [{"id":"Observation.extension:grade","path":"Observation.extension","sliceName":"grade","min":1,
              "type":[{"code":"Extension","profile":["http://example.org/fhir/StructureDefinition/grade"]}]},
             {"id":"Observation.extension:grade.value[x]","path":"Observation.extension.value[x]","short":"the grade code"}]
            """, others: Profiles.Grade);
        var elements = Elements(result);

        var slice = elements["Observation.extension:grade"];
        Assert.Equal(1, slice["min"]!.GetValue<int>());
        Assert.Equal("1", slice["max"]!.GetValue<string>());
        Assert.Equal("The grade", slice["short"]!.GetValue<string>());
        Assert.Equal("url", elements["Observation.extension"]["slicing"]!["discriminator"]![0]!["path"]!.GetValue<string>());
        Assert.Equal(Profiles.Base + "grade", elements["Observation.extension:grade.url"]["fixedUri"]!.GetValue<string>());
        Assert.Equal(["CodeableConcept"], Profiles.TypeCodes(elements["Observation.extension:grade.value[x]"]));
        Assert.Equal("the grade code", elements["Observation.extension:grade.value[x]"]["short"]!.GetValue<string>());
    }

    [Fact]
    public void A_type_profile_that_does_not_resolve_is_a_warning_and_the_type_is_unfolded_instead()
    {
        var result = Generate("""
            [{"id":"Observation.extension:x","path":"Observation.extension","sliceName":"x","type":[{"code":"Extension","profile":["http://example.org/unknown"]}]},
             {"id":"Observation.extension:x.value[x]","path":"Observation.extension.value[x]","type":[{"code":"string"}]}]
            """);

        var warning = Assert.Single(result.Issues);
        Assert.Equal(Fhir.Core.Outcomes.IssueSeverity.Warning, warning.Severity);
        Assert.Contains("http://example.org/unknown", warning.Message, StringComparison.Ordinal);
        Assert.Equal(["string"], Profiles.TypeCodes(Profiles.SnapshotById(result.StructureDefinition!)["Observation.extension:x.value[x]"]));
    }

    [Fact]
    public void Specialisations_are_not_generated()
    {
        var sd = (JsonObject)JsonNode.Parse(Profiles.ObsA)!;
        sd["derivation"] = "specialization";
        sd["type"] = "GenomicFinding";
        var result = new SnapshotGenerator(CoreStructures.Find).Generate(sd);
        Assert.Contains(result.Issues, i => i.IsError && i.Message.Contains("specialisations", StringComparison.Ordinal));
    }

    [Fact]
    public void Issue_19_a_specialisation_of_its_base_type_is_generated_as_the_constraint_it_is()
    {
        var sd = (JsonObject)JsonNode.Parse(Profiles.ObsA)!;
        sd["derivation"] = "specialization";
        var result = new SnapshotGenerator(CoreStructures.Find).Generate(sd);
        Assert.False(result.HasErrors, string.Join("; ", result.Issues.Select(i => i.Message)));
        Assert.Equal(1, Profiles.SnapshotById(result.StructureDefinition!)["Observation.subject"]["min"]!.GetValue<int>());
    }

    [Fact]
    public void Issue_19_named_slices_out_of_the_base_order_are_refused()
    {
        // A base with slices 'other' then 'copyNumber', and a profile of it that names copyNumber first.
        var sd = (JsonObject)JsonNode.Parse(Profiles.ObsA)!;
        var elements = (JsonArray)sd["differential"]!["element"]!;
        elements.Insert(3, JsonNode.Parse("""{"id":"Observation.component:other","path":"Observation.component","sliceName":"other","max":"1"}"""));
        elements.Insert(4, JsonNode.Parse("""{"id":"Observation.component:other.code","path":"Observation.component.code","patternCodeableConcept":{"text":"other"}}"""));
        var first = new SnapshotGenerator(CoreStructures.Find).Generate(sd);
        Assert.False(first.HasErrors, string.Join("; ", first.Issues.Select(i => i.Message)));
        var derived = (JsonObject)JsonNode.Parse("""
            {"resourceType":"StructureDefinition","url":"http://example.org/fhir/StructureDefinition/obs-c","name":"ObsC","status":"active",
             "kind":"resource","abstract":false,"type":"Observation","derivation":"constraint","baseDefinition":"http://example.org/fhir/StructureDefinition/obs-a",
             "differential":{"element":[
               {"id":"Observation.component:copyNumber","path":"Observation.component","sliceName":"copyNumber","min":1},
               {"id":"Observation.component:other","path":"Observation.component","sliceName":"other","min":1}]}}
            """)!;
        JsonObject? Find(string url) => url.StartsWith("http://example.org/fhir/StructureDefinition/obs-a", StringComparison.Ordinal) ? first.StructureDefinition : CoreStructures.Find(url);
        var result = new SnapshotGenerator(Find).Generate(derived);
        Assert.Contains(result.Issues, i => i.IsError && i.Message.Contains("out of order", StringComparison.Ordinal));
    }
}
