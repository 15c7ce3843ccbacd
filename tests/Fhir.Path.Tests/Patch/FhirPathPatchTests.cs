using Fhir.Core.Json;
using Fhir.Path.Patch;
using static Fhir.Path.Tests.Patch.PatchJson;

namespace Fhir.Path.Tests.Patch;

public sealed class FhirPathPatchTests
{
    private const string Patient = """
        {"resourceType":"Patient","id":"p1","identifier":[{"system":"urn:a","value":"1"},{"system":"urn:a","value":"2"},{"system":"urn:a","value":"3"}],
         "name":[{"family":"Doe","given":["Jane"]}],"gender":"female","birthDate":"1970-05-01"}
        """;

    private const string Observation = """
        {"resourceType":"Observation","status":"final","code":{"text":"weight"},"valueQuantity":{"value":70,"unit":"kg"}}
        """;

    private static string Values(string json, string element) =>
        string.Join("|", System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty(element).EnumerateArray().Select(e => e.GetProperty("value").GetString()));

    // ---- add ----

    [Fact]
    public void Add_sets_an_absent_element()
    {
        var json = Patched(Patient, Op("add", "Patient", Name("deceasedBoolean"), Value("\"valueBoolean\":false")));
        Assert.Contains("\"deceasedBoolean\":false", json);
    }

    [Fact]
    public void Add_appends_to_a_list()
    {
        var json = Patched(Patient, Op("add", "Patient.name[0]", Name("given"), Value("\"valueString\":\"Ann\"")));
        Assert.Contains("\"given\":[\"Jane\",\"Ann\"]", json);
    }

    [Fact]
    public void Add_refuses_a_non_repeating_element_that_exists()
    {
        var result = Failed(Patient, Op("add", "Patient", Name("gender"), Value("\"valueCode\":\"male\"")));
        Assert.False(result.IsMalformed);
        Assert.Equal("Patient.gender", result.Location);
        Assert.Contains("use replace", result.Error);
    }

    [Fact]
    public void Add_to_a_path_that_selects_nothing_fails_with_the_path()
    {
        var result = Failed(Patient, Op("add", "Patient.identifier.where(use = 'official').period", Name("end"), Value("\"valueDateTime\":\"2021-12-01\"")));
        Assert.Equal(0, result.OperationIndex);
        Assert.Contains("No content found at Patient.identifier.where(use = 'official').period", result.Error);
        Assert.Equal("Patient.identifier.where(use = 'official').period", result.Location);
    }

    [Fact]
    public void Add_builds_an_anonymous_type_from_parts()
    {
        var json = Patched(Patient, Op("add", "Patient", Name("contact"), Parts("value",
            Part("name", "\"valueHumanName\":{\"text\":\"a name\"}"),
            Parts("telecom", Part("system", "\"valueCode\":\"phone\""), Part("value", "\"valueString\":\"555\"")),
            Part("gender", "\"valueCode\":\"male\""))));
        Assert.Contains("\"contact\":[{\"name\":{\"text\":\"a name\"},\"telecom\":[{\"system\":\"phone\",\"value\":\"555\"}],\"gender\":\"male\"}]", json);
    }

    [Fact]
    public void Add_to_a_choice_element_takes_the_type_of_the_value_or_of_the_name()
    {
        var json = Patched("""{"resourceType":"Observation","status":"final","code":{"text":"t"}}""",
            Op("add", "Observation", Name("value"), Value("\"valueQuantity\":{\"value\":1.50,\"unit\":\"kg\"}")),
            Op("add", "Observation", Name("effectiveDateTime"), Value("\"valueDate\":\"2020-01-02\"")));
        Assert.Contains("\"valueQuantity\":{\"value\":1.50,\"unit\":\"kg\"}", json);
        Assert.Contains("\"effectiveDateTime\":\"2020-01-02\"", json);
    }

    [Fact]
    public void Add_a_choice_element_named_with_its_type_from_parts()
    {
        var json = Patched("""{"resourceType":"Observation","status":"final","code":{"text":"t"}}""",
            Op("add", "Observation", Name("valueQuantity"), Parts("value", Part("value", "\"valueDecimal\":2.5"), Part("unit", "\"valueString\":\"kg\""))));
        Assert.Contains("\"valueQuantity\":{\"value\":2.5,\"unit\":\"kg\"}", json);
    }

    [Fact]
    public void Add_an_extension_to_a_primitive()
    {
        var json = Patched(Patient, Op("add", "Patient.birthDate", Name("extension"), Parts("value",
            Part("url", "\"valueUri\":\"http://example.org/x\""), Part("valueString", "\"valueString\":\"x\""))));
        Assert.Contains("\"birthDate\":\"1970-05-01\",\"_birthDate\":{\"extension\":[{\"url\":\"http://example.org/x\",\"valueString\":\"x\"}]}", json);
    }

    [Fact]
    public void Add_a_contained_resource()
    {
        var json = Patched(Patient, Op("add", "Patient", Name("contained"), Part("value", "\"resource\":{\"resourceType\":\"Organization\",\"id\":\"o\",\"name\":\"Acme\"}")));
        Assert.Contains("\"contained\":[{\"resourceType\":\"Organization\",\"id\":\"o\",\"name\":\"Acme\"}]", json);
    }

    [Fact]
    public void Add_of_an_unknown_element_fails()
    {
        var result = Failed(Patient, Op("add", "Patient", Name("colour"), Value("\"valueString\":\"red\"")));
        Assert.Contains("no element 'colour'", result.Error);
    }

    // ---- insert ----

    [Theory]
    [InlineData(0, "x|1|2|3")]
    [InlineData(1, "1|x|2|3")]
    [InlineData(3, "1|2|3|x")]
    public void Insert_puts_the_value_at_the_index(int index, string expected)
    {
        var json = Patched(Patient, Op("insert", "Patient.identifier", Int("index", index), Value("\"valueIdentifier\":{\"system\":\"urn:a\",\"value\":\"x\"}")));
        Assert.Equal(expected, Values(json, "identifier"));
    }

    [Fact]
    public void Insert_into_a_list_of_primitives()
    {
        var json = Patched(Patient, Op("insert", "Patient.name[0].given", Int("index", 0), Value("\"valueString\":\"Ann\"")));
        Assert.Contains("\"given\":[\"Ann\",\"Jane\"]", json);
    }

    [Fact]
    public void Insert_beyond_the_end_fails()
    {
        var result = Failed(Patient, Op("insert", "Patient.identifier", Int("index", 4), Value("\"valueIdentifier\":{\"value\":\"x\"}")));
        Assert.Contains("beyond the end", result.Error);
    }

    [Fact]
    public void Insert_into_an_empty_list_names_the_list_by_its_path()
    {
        var json = Patched(Patient, Op("insert", "Patient.telecom", Int("index", 0), Value("\"valueContactPoint\":{\"system\":\"phone\",\"value\":\"555\"}")));
        Assert.Contains("\"telecom\":[{\"system\":\"phone\",\"value\":\"555\"}]", json);
    }

    [Fact]
    public void Insert_needs_the_whole_list()
    {
        var result = Failed(Patient, Op("insert", "Patient.identifier[1]", Int("index", 0), Value("\"valueIdentifier\":{\"value\":\"x\"}")));
        Assert.Contains("whole list", result.Error);
    }

    // ---- delete ----

    [Fact]
    public void Delete_removes_one_element()
    {
        var json = Patched(Patient, Op("delete", "Patient.identifier[1]"));
        Assert.Equal("1|3", Values(json, "identifier"));
    }

    [Fact]
    public void Delete_of_nothing_is_a_no_op()
    {
        var json = Patched(Patient, Op("delete", "Patient.deceased"));
        Assert.Equal(FhirJsonWriter.SerializeToString(Parse(Patient)), json);
    }

    [Fact]
    public void Delete_of_several_elements_fails()
    {
        var result = Failed(Patient, Op("delete", "Patient.identifier"));
        Assert.Contains("selects 3 elements", result.Error);
    }

    [Fact]
    public void Delete_removes_ancestors_left_empty()
    {
        var json = Patched(Patient, Op("delete", "Patient.name[0].family"), Op("delete", "Patient.name[0].given"));
        Assert.DoesNotContain("\"name\"", json);
    }

    // ---- replace ----

    [Fact]
    public void Replace_a_primitive()
    {
        var json = Patched(Patient, Op("replace", "Patient.birthDate", Value("\"valueDate\":\"1930-01-01\"")));
        Assert.Contains("\"birthDate\":\"1930-01-01\"", json);
    }

    [Fact]
    public void Replace_keeps_the_position_in_a_list()
    {
        var json = Patched(Patient, Op("replace", "Patient.identifier[1]", Value("\"valueIdentifier\":{\"value\":\"x\"}")));
        Assert.Contains("{\"system\":\"urn:a\",\"value\":\"1\"},{\"value\":\"x\"},{\"system\":\"urn:a\",\"value\":\"3\"}", json);
    }

    [Fact]
    public void Replace_a_choice_element_with_another_allowed_type()
    {
        var json = Patched(Observation, Op("replace", "Observation.value", Value("\"valueString\":\"heavy\"")));
        Assert.Contains("\"valueString\":\"heavy\"", json);
        Assert.DoesNotContain("valueQuantity", json);
    }

    [Fact]
    public void Replace_a_choice_element_with_a_type_it_does_not_allow_fails()
    {
        var result = Failed(Observation, Op("replace", "Observation.value", Value("\"valueAddress\":{\"city\":\"x\"}")));
        Assert.Contains("does not allow a Address", result.Error);
    }

    [Fact]
    public void Replace_of_a_missing_element_fails()
    {
        var result = Failed(Patient, Op("replace", "Patient.deceased", Value("\"valueBoolean\":true")));
        Assert.Contains("No content found", result.Error);
    }

    // ---- move ----

    [Theory]
    [InlineData(2, 0, "3|1|2")]
    [InlineData(0, 2, "2|3|1")]
    [InlineData(1, 1, "1|2|3")]
    public void Move_reorders_a_list(int source, int destination, string expected)
    {
        var json = Patched(Patient, Op("move", "Patient.identifier", Int("source", source), Int("destination", destination)));
        Assert.Equal(expected, Values(json, "identifier"));
    }

    [Fact]
    public void Move_outside_the_list_fails()
    {
        var result = Failed(Patient, Op("move", "Patient.identifier", Int("source", 3), Int("destination", 0)));
        Assert.Contains("0 to 2", result.Error);
    }

    // ---- values and types ----

    [Fact]
    public void A_string_converts_to_a_code_and_to_xhtml()
    {
        var json = Patched("""{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">a</div>"}}""",
            Op("replace", "Patient.text.div", Value("\"valueString\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">b</div>\"")),
            Op("add", "Patient", Name("gender"), Value("\"valueString\":\"male\"")));
        Assert.Contains("\"div\":\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">b</div>\"", json);
        Assert.Contains("\"gender\":\"male\"", json);
    }

    [Fact]
    public void An_integer_converts_to_a_decimal()
    {
        var json = Patched(Observation, Op("replace", "Observation.value.value", Value("\"valueInteger\":72")));
        Assert.Contains("\"value\":72", json);
    }

    [Fact]
    public void A_value_of_another_kind_is_a_type_error()
    {
        var result = Failed(Patient, Op("replace", "Patient.gender", Value("\"valueBoolean\":true")));
        Assert.False(result.IsMalformed);
        Assert.Contains("Patient.gender is a code", result.Error);
        Assert.Equal("Parameters.parameter[0].part[2]", result.Location);
    }

    [Fact]
    public void A_string_that_is_not_valid_for_the_target_type_fails()
    {
        var result = Failed(Patient, Op("replace", "Patient.birthDate", Value("\"valueString\":\"yesterday\"")));
        Assert.Contains("not a valid date", result.Error);
    }

    [Fact]
    public void A_complex_value_of_the_wrong_type_fails()
    {
        var result = Failed(Patient, Op("add", "Patient", Name("maritalStatus"), Value("\"valueCoding\":{\"code\":\"M\"}")));
        Assert.Contains("is a CodeableConcept; a Coding cannot be its value", result.Error);
    }

    [Fact]
    public void A_part_naming_an_unknown_element_fails_with_its_location()
    {
        var result = Failed(Patient, Op("add", "Patient", Name("contact"), Parts("value", Part("nickname", "\"valueString\":\"x\""))));
        Assert.Equal("Parameters.parameter[0].part[3].part[0]", result.Location);
    }

    // ---- paths ----

    [Fact]
    public void Paths_may_reach_contained_resources()
    {
        var json = Patched("""{"resourceType":"Patient","contained":[{"resourceType":"Organization","id":"o","name":"Acme"}],"managingOrganization":{"reference":"#o"}}""",
            Op("replace", "Patient.managingOrganization.resolve().name", Value("\"valueString\":\"Beta\"")));
        Assert.Contains("\"name\":\"Beta\"", json);
    }

    [Fact]
    public void A_path_to_a_computed_value_fails()
    {
        var result = Failed(Patient, Op("delete", "Patient.birthDate.toString()"));
        Assert.Contains("computed value", result.Error);
    }

    [Fact]
    public void The_resource_itself_cannot_be_deleted_or_replaced()
    {
        Assert.Contains("resource itself", Failed(Patient, Op("delete", "Patient")).Error);
        Assert.Contains("resource itself", Failed(Patient, Op("replace", "Patient", Value("\"valueString\":\"x\""))).Error);
    }

    // ---- all or nothing ----

    [Fact]
    public void A_failing_operation_leaves_the_input_unchanged_and_names_its_index()
    {
        var input = Parse(Patient);
        var before = FhirJsonWriter.SerializeToString(input);
        var result = FhirPathPatch.Apply(input, Parameters(
            Op("replace", "Patient.gender", Value("\"valueCode\":\"male\"")),
            Op("delete", "Patient.identifier")));
        Assert.False(result.IsSuccess);
        Assert.Equal(1, result.OperationIndex);
        Assert.StartsWith("operation 1 (delete 'Patient.identifier')", result.Error);
        Assert.Equal(before, FhirJsonWriter.SerializeToString(input));
    }

    [Fact]
    public void Success_returns_a_copy()
    {
        var input = Parse(Patient);
        var result = FhirPathPatch.Apply(input, Parameters(Op("delete", "Patient.gender")));
        Assert.True(result.IsSuccess);
        Assert.NotSame(input, result.Resource);
        Assert.Contains("gender", FhirJsonWriter.SerializeToString(input));
        Assert.Equal(-1, result.OperationIndex);
        Assert.Null(result.Error);
    }

    [Fact]
    public void An_empty_patch_changes_nothing() =>
        Assert.Equal(FhirJsonWriter.SerializeToString(Parse(Patient)), Patched(Patient));

    // ---- malformed patches ----

    public static TheoryData<string, string, string> MalformedPatches() => new()
    {
        { Op("jump", "Patient"), "the type must be one of", "Parameters.parameter[0].part[0]" },
        { """{"name":"operation","part":[{"name":"type","valueCode":"delete"}]}""", "'path' is missing", "Parameters.parameter[0]" },
        { Op("delete", "Patient.gender", Part("colour", "\"valueString\":\"x\"")), "'colour' is not a part", "Parameters.parameter[0].part[2].name" },
        { Op("delete", "Patient.gender", Name("x")), "delete does not take the part 'name'", "Parameters.parameter[0].part[2]" },
        { Op("add", "Patient", Value("\"valueCode\":\"male\"")), "'name' is missing", "Parameters.parameter[0]" },
        { Op("replace", "Patient.gender"), "'value' is missing", "Parameters.parameter[0]" },
        { Op("delete", "Patient.name.where("), "not a valid FHIRPath expression", "Parameters.parameter[0].part[1]" },
        { Op("insert", "Patient.identifier", Int("index", -1), Value("\"valueIdentifier\":{\"value\":\"x\"}")), "list index", "Parameters.parameter[0].part[2]" },
        { Op("replace", "Patient.gender", """{"name":"value"}"""), "needs content", "Parameters.parameter[0].part[2]" },
        { Op("delete", "Patient.gender", Part("path", "\"valueString\":\"Patient.id\"")), "more than once", "Parameters.parameter[0].part[2]" },
        { """{"name":"change","part":[{"name":"type","valueCode":"delete"}]}""", "named 'change'", "Parameters.parameter[0].name" },
    };

    [Theory]
    [MemberData(nameof(MalformedPatches))]
    public void Malformed_patches_are_reported_with_their_location(string operation, string message, string location)
    {
        var result = FhirPathPatch.Apply(Parse(Patient), Parse($$"""{"resourceType":"Parameters","parameter":[{"name":"operation","part":[{"name":"type","valueCode":"delete"},{"name":"path","valueString":"Patient.active"}]},{{operation}}]}"""));
        Assert.False(result.IsSuccess);
        Assert.True(result.IsMalformed, result.Error);
        Assert.Equal(1, result.OperationIndex);
        Assert.Contains(message, result.Error);
        Assert.Equal(location.Replace("parameter[0]", "parameter[1]"), result.Location);
    }

    [Fact]
    public void A_patch_that_is_not_a_Parameters_resource_is_malformed()
    {
        var result = FhirPathPatch.Apply(Parse(Patient), Parse(Patient));
        Assert.True(result.IsMalformed);
        Assert.Equal(-1, result.OperationIndex);
        Assert.Contains("Parameters resource", result.Error);
    }
}
