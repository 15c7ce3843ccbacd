using System.Text;
using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;

namespace Fhir.Core.Tests.Json;

public class StrictnessTests
{
    // ---- rejections: each is an error with its issue type and the exact FHIRPath of the element ----

    [Fact]
    public void An_unknown_element_is_rejected_at_its_path()
    {
        AssertRejected("""{"resourceType":"Patient","name":[{"family":"Chalmers","nickname":"Pete"}]}""",
            IssueType.Structure, "Patient.name[0].nickname");
    }

    [Theory]
    [InlineData(""" "_name":[{"id":"n1"}] """, "Patient._name")]          // name is a HumanName, not a primitive
    [InlineData(""" "_nickname":{"id":"n1"} """, "Patient._nickname")]    // no element at all
    [InlineData(""" "id":"p1","_id":{"id":"x"} """, "Patient._id")]       // Resource.id is a system string: no extensions
    public void An_underscore_property_without_a_matching_primitive_element_is_rejected(string properties, string expression)
    {
        AssertRejected(Patient(properties), IssueType.Structure, expression);
    }

    [Theory]
    [InlineData(""" "name":{"family":"Chalmers"} """, "Patient.name")]
    [InlineData(""" "name":[{"given":"Peter"}] """, "Patient.name[0].given")]
    [InlineData(""" "name":[{"given":["Peter"]}],"_name":{"id":"x"} """, "Patient._name")]
    public void A_single_value_where_the_definition_says_array_is_rejected(string properties, string expression)
    {
        var issue = OnlyError(Patient(properties));
        Assert.Equal(IssueType.Structure, issue.Code);
        Assert.Equal(expression, issue.Expression);
    }

    [Theory]
    [InlineData(""" "gender":["male"] """, "Patient.gender")]
    [InlineData(""" "maritalStatus":[{"text":"married"}] """, "Patient.maritalStatus")]
    [InlineData(""" "birthDate":"1970","_birthDate":[{"id":"b"}] """, "Patient._birthDate")]
    public void An_array_where_the_definition_says_single_value_is_rejected(string properties, string expression)
    {
        AssertRejected(Patient(properties), IssueType.Structure, expression);
    }

    [Fact]
    public void A_string_in_a_decimal_is_rejected_at_the_exact_element()
    {
        const string json = """
            {"resourceType":"Observation","status":"final","code":{"text":"blood pressure"},
             "component":[
               {"code":{"text":"systolic"},"valueQuantity":{"value":120,"unit":"mmHg"}},
               {"code":{"text":"diastolic"},"valueQuantity":{"value":"80.5","unit":"mmHg"}}]}
            """;
        AssertRejected(json, IssueType.Structure, "Observation.component[1].valueQuantity.value");
    }

    [Theory]
    [InlineData(""" "active":"true" """, "Patient.active")]                      // boolean must be a JSON boolean
    [InlineData(""" "multipleBirthInteger":"2" """, "Patient.multipleBirthInteger")] // integer must be a JSON number
    [InlineData(""" "photo":[{"size":"100"}] """, "Patient.photo[0].size")]      // unsignedInt too
    [InlineData(""" "name":[{"family":42}] """, "Patient.name[0].family")]        // string must be a JSON string
    [InlineData(""" "gender":true """, "Patient.gender")]
    [InlineData(""" "birthDate":19700101 """, "Patient.birthDate")]
    [InlineData(""" "active":{"value":true} """, "Patient.active")]
    [InlineData(""" "maritalStatus":"married" """, "Patient.maritalStatus")]       // a complex element must be an object
    public void A_primitive_of_the_wrong_JSON_type_is_rejected(string properties, string expression)
    {
        AssertRejected(Patient(properties), IssueType.Structure, expression);
    }

    [Theory]
    [InlineData(""" "id":"has space" """, "Patient.id")]
    [InlineData(""" "id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" """, "Patient.id")] // 65 characters
    [InlineData(""" "birthDate":"1970-02-30" """, "Patient.birthDate")]                   // not a calendar date
    [InlineData(""" "birthDate":"1970-1-1" """, "Patient.birthDate")]
    [InlineData(""" "birthDate":"1970-01-01T10:00:00Z" """, "Patient.birthDate")]        // a date has no time
    [InlineData(""" "deceasedDateTime":"2020-01-01T10:00:00" """, "Patient.deceasedDateTime")] // a time needs a timezone
    [InlineData(""" "deceasedDateTime":"2020-01-01T10:00Z" """, "Patient.deceasedDateTime")]   // and seconds
    [InlineData(""" "deceasedDateTime":"2019-02-29" """, "Patient.deceasedDateTime")]
    [InlineData(""" "implicitRules":"http://example.org/a rule" """, "Patient.implicitRules")]
    [InlineData(""" "gender":" male" """, "Patient.gender")]                            // code: no leading whitespace
    [InlineData(""" "gender":"ma  le" """, "Patient.gender")]                           // code: no double whitespace
    [InlineData(""" "name":[{"family":""}] """, "Patient.name[0].family")]               // empty strings are not allowed
    [InlineData(""" "photo":[{"data":"abc"}] """, "Patient.photo[0].data")]              // base64: groups of 4
    [InlineData(""" "photo":[{"data":"ab=c"}] """, "Patient.photo[0].data")]             // base64: padding only at the end
    [InlineData(""" "photo":[{"size":-1}] """, "Patient.photo[0].size")]                 // unsignedInt >= 0
    [InlineData(""" "multipleBirthInteger":2147483648 """, "Patient.multipleBirthInteger")] // 32-bit
    [InlineData(""" "multipleBirthInteger":1.0 """, "Patient.multipleBirthInteger")]   // an integer has no fraction
    [InlineData(""" "multipleBirthInteger":1e2 """, "Patient.multipleBirthInteger")]   // nor an exponent
    [InlineData(""" "extension":[{"url":"http://example.org/x","valuePositiveInt":0}] """, "Patient.extension[0].valuePositiveInt")]
    [InlineData(""" "extension":[{"url":"http://example.org/x","valueOid":"1.2.3"}] """, "Patient.extension[0].valueOid")]
    [InlineData(""" "extension":[{"url":"http://example.org/x","valueUuid":"urn:uuid:C757873D-EC9A-4326-A141-556F43239520"}] """, "Patient.extension[0].valueUuid")]
    [InlineData(""" "extension":[{"url":"http://example.org/x","valueTime":"24:00:00"}] """, "Patient.extension[0].valueTime")]
    [InlineData(""" "extension":[{"url":"http://example.org/x","valueInstant":"2020-01-01T10:00:00"}] """, "Patient.extension[0].valueInstant")]
    [InlineData(""" "extension":[{"url":"http://example.org/x","valueInstant":"2020-01-01"}] """, "Patient.extension[0].valueInstant")]
    [InlineData(""" "extension":[{"url":"http://example.org/x","valueCanonical":"http://example.org/a b"}] """, "Patient.extension[0].valueCanonical")]
    [InlineData(""" "extension":[{"url":"http://example.org/x","valueMarkdown":""}] """, "Patient.extension[0].valueMarkdown")]
    [InlineData(""" "extension":[{"url":"not a uri"}] """, "Patient.extension[0].url")]
    [InlineData(""" "text":{"status":"generated","div":"<p>no div</p>"} """, "Patient.text.div")]
    public void An_invalid_primitive_value_is_rejected(string properties, string expression)
    {
        AssertRejected(Patient(properties), IssueType.Value, expression);
    }

    [Fact]
    public void A_decimal_with_a_leading_zero_is_not_even_well_formed_JSON()
    {
        var result = FhirJsonReader.Parse("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":01.5}}""");
        var issue = Assert.Single(result.Issues);
        Assert.Equal(IssueType.Structure, issue.Code);
        Assert.Contains("line 1", issue.Message);
        Assert.Null(result.Resource);
    }

    [Theory]
    [InlineData(""" "valueBanana":"yellow" """, "Observation.valueBanana")]
    [InlineData(""" "valueMoney":{"value":1} """, "Observation.valueMoney")]   // Money is not one of Observation.value[x]'s types
    [InlineData(""" "value":"120" """, "Observation.value")]                   // no suffix at all
    public void A_choice_element_with_a_wrong_type_suffix_is_rejected(string properties, string expression)
    {
        var issue = OnlyError(Observation(properties));
        Assert.Equal(IssueType.Structure, issue.Code);
        Assert.Equal(expression, issue.Expression);
        Assert.Contains("value", issue.Message);
    }

    [Theory]
    [InlineData(""" "valueString":"high","valueQuantity":{"value":120} """, "Observation.valueQuantity")]
    [InlineData(""" "_valueString":{"id":"v"},"valueBoolean":true """, "Observation.valueBoolean")]
    public void Two_types_of_the_same_choice_element_are_rejected(string properties, string expression)
    {
        AssertRejected(Observation(properties), IssueType.Structure, expression);
    }

    [Fact]
    public void A_resource_without_resourceType_is_rejected()
    {
        var result = FhirJsonReader.Parse("""{"id":"p1","active":true}""");
        var issue = Assert.Single(result.Issues);
        Assert.Equal(IssueType.Structure, issue.Code);
        Assert.Null(issue.Expression);
        Assert.Null(result.Resource);

        AssertRejected(Patient(""" "contained":[{"id":"o1","name":"ACME"}] """), IssueType.Structure, "Patient.contained[0]");
    }

    [Theory]
    [InlineData("Patientt")]
    [InlineData("HumanName")]        // a data type, not a resource
    [InlineData("Observation.component")]
    public void An_unknown_resourceType_is_not_supported(string resourceType)
    {
        var result = FhirJsonReader.Parse($$"""{"resourceType":"{{resourceType}}","id":"x"}""");
        var issue = Assert.Single(result.Issues);
        Assert.Equal(IssueType.NotSupported, issue.Code);
        Assert.Null(result.Resource);

        AssertRejected(Patient($$""" "contained":[{"resourceType":"{{resourceType}}","id":"x"}] """), IssueType.NotSupported, "Patient.contained[0]");
    }

    [Theory]
    [InlineData("Resource")]
    [InlineData("DomainResource")]
    public void An_abstract_resourceType_is_rejected(string resourceType)
    {
        var result = FhirJsonReader.Parse($$"""{"resourceType":"{{resourceType}}","id":"x"}""");
        Assert.Equal(IssueType.Invalid, Assert.Single(result.Issues).Code);
        Assert.Null(result.Resource);
    }

    [Fact]
    public void A_resourceType_that_is_not_a_string_is_rejected()
    {
        var result = FhirJsonReader.Parse("""{"resourceType":{"name":"Patient"}}""");
        Assert.Equal(IssueType.Structure, Assert.Single(result.Issues).Code);
        Assert.Null(result.Resource);
    }

    [Fact]
    public void A_resourceType_on_an_object_that_is_not_a_resource_is_rejected()
    {
        AssertRejected(Patient(""" "maritalStatus":{"resourceType":"CodeableConcept","text":"married"} """),
            IssueType.Structure, "Patient.maritalStatus.resourceType");
    }

    [Theory]
    [InlineData(""" "birthDate":null """, "Patient.birthDate")]
    [InlineData(""" "_birthDate":null """, "Patient._birthDate")]
    [InlineData(""" "maritalStatus":null """, "Patient.maritalStatus")]
    [InlineData(""" "name":null """, "Patient.name")]
    [InlineData(""" "name":[null] """, "Patient.name[0]")]
    [InlineData(""" "name":[{"given":["Peter",null]}] """, "Patient.name[0].given[1]")]   // a null with no '_given' to align with
    [InlineData(""" "contained":[null] """, "Patient.contained[0]")]
    public void A_null_is_rejected(string properties, string expression)
    {
        AssertRejected(Patient(properties), IssueType.Structure, expression);
    }

    [Theory]
    [InlineData(""" "maritalStatus":{} """, "Patient.maritalStatus")]
    [InlineData(""" "name":[{}] """, "Patient.name[0]")]
    [InlineData(""" "birthDate":"1970","_birthDate":{} """, "Patient.birthDate")]
    [InlineData(""" "name":[{"given":["Peter"],"_given":[{}]}] """, "Patient.name[0].given[0]")]
    public void An_empty_object_is_rejected(string properties, string expression)
    {
        AssertRejected(Patient(properties), IssueType.Structure, expression);
    }

    [Theory]
    [InlineData(""" "name":[] """, "Patient.name")]
    [InlineData(""" "name":[{"given":[]}] """, "Patient.name[0].given")]
    [InlineData(""" "name":[{"_given":[]}] """, "Patient.name[0]._given")]
    public void An_empty_array_is_rejected(string properties, string expression)
    {
        var result = FhirJsonReader.Parse(Patient(properties));
        var errors = result.Issues.Where(i => i.IsError).ToList();
        Assert.Contains(errors, e => e.Code == IssueType.Structure && e.Expression == expression && e.Message.Contains("empty array"));
    }

    [Fact]
    public void An_empty_string_is_rejected()
    {
        AssertRejected(Patient(""" "name":[{"given":["Peter",""]}] """), IssueType.Value, "Patient.name[0].given[1]");
    }

    [Theory]
    [InlineData(""" "active":true,"active":false """, "Patient.active")]
    [InlineData(""" "birthDate":"1970","_birthDate":{"id":"b"},"birthDate":"1971" """, "Patient.birthDate")]
    [InlineData(""" "resourceType":"Patient" """, "Patient.resourceType")]
    [InlineData(""" "name":[{"family":"A","family":"B"}] """, "Patient.name[0].family")]
    public void A_duplicate_key_is_rejected(string properties, string expression)
    {
        AssertRejected(Patient(properties), IssueType.Structure, expression);
    }

    [Fact]
    public void Nesting_deeper_than_MaxDepth_is_an_issue_not_a_crash()
    {
        // Extensions nest three JSON levels each (array, object, array...).
        var json = new StringBuilder("""{"resourceType":"Patient","extension":""");
        const int levels = 30;
        for (var i = 0; i < levels; i++)
        {
            json.Append("""[{"url":"http://example.org/x","extension":""");
        }
        json.Append("""[{"url":"http://example.org/x","valueString":"deep"}]""");
        for (var i = 0; i < levels; i++)
        {
            json.Append("}]");
        }
        json.Append('}');

        var limited = FhirJsonReader.Parse(json.ToString(), new FhirJsonReaderOptions { MaxDepth = 16 });
        var issue = Assert.Single(limited.Issues);
        Assert.Equal(IssueType.Structure, issue.Code);
        Assert.Contains("16", issue.Message);
        Assert.StartsWith("Patient.extension[0].extension[0]", issue.Expression);
        Assert.Null(limited.Resource);

        Assert.True(FhirJsonReader.Parse(json.ToString(), new FhirJsonReaderOptions { MaxDepth = 100 }).IsSuccess);
    }

    [Theory]
    [InlineData("[")]
    [InlineData("{\"resourceType\":\"Patient\",\"extension\":")]
    [InlineData("{\"resourceType\":\"Patient\",\"unknownElement\":")]
    public void Hostile_nesting_of_any_depth_is_one_issue(string prefix)
    {
        var json = prefix + new string('[', 100_000) + new string(']', 100_000) + (prefix == "[" ? "]" : "}");
        var result = FhirJsonReader.Parse(json);
        Assert.Null(result.Resource);
        var depth = Assert.Single(result.Issues, i => i.Message.Contains("maximum depth of 64"));
        Assert.Equal(IssueType.Structure, depth.Code);
        Assert.True(result.Issues.Count <= 2); // at most the fault met on the way down, then the depth
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient","active":true,}""", 1)]    // trailing comma
    [InlineData("{\"resourceType\":\"Patient\",\n\"active\":true\n", 3)]  // no closing brace
    [InlineData("""{"resourceType":"Patient" /* comment */}""", 1)]
    [InlineData("""{'resourceType':'Patient'}""", 1)]
    [InlineData("""{"resourceType":"Patient"}{}""", 1)]                 // two values
    [InlineData("""{"resourceType":"Patient","multipleBirthInteger":NaN}""", 1)]
    [InlineData("", 1)]
    [InlineData("{\"resourceType\":\"Patient\",\"nickname\":\"x\",\n\"gender\":\"bad code \",\n\"active\":tru}", 3)] // strict errors first, then the fault
    public void JSON_that_is_not_well_formed_is_one_issue_with_its_position(string json, int line)
    {
        var result = FhirJsonReader.Parse(json);
        var issue = Assert.Single(result.Issues);
        Assert.Equal(IssueType.Structure, issue.Code);
        Assert.Contains($"line {line}", issue.Message);
        Assert.Null(result.Resource);
    }

    [Fact]
    public void Text_that_is_not_UTF8_is_one_issue_with_its_position()
    {
        byte[] json = [.. "{\"resourceType\":\"Patient\",\n\"name\":[{\"family\":\""u8, 0xC3, 0x28, .. "\"}]}"u8];
        var issue = Assert.Single(FhirJsonReader.Parse(json).Issues);
        Assert.Equal(IssueType.Structure, issue.Code);
        Assert.Contains("line 2, byte 20", issue.Message);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"Patient\"")]
    [InlineData("null")]
    public void A_body_that_is_not_an_object_is_rejected(string json)
    {
        var result = FhirJsonReader.Parse(json);
        Assert.Equal(IssueType.Structure, Assert.Single(result.Issues).Code);
        Assert.Null(result.Resource);
    }

    [Fact]
    public void Aligned_arrays_of_different_lengths_are_rejected()
    {
        AssertRejected(Patient(""" "name":[{"given":["Peter","James"],"_given":[{"id":"g1"}]}] """),
            IssueType.Structure, "Patient.name[0].given");
    }

    [Fact]
    public void A_position_null_in_both_aligned_arrays_is_rejected()
    {
        AssertRejected(Patient(""" "name":[{"given":["Peter",null],"_given":[{"id":"g1"},null]}] """),
            IssueType.Structure, "Patient.name[0].given[1]");
    }

    [Fact]
    public void An_element_with_maximum_cardinality_zero_is_rejected()
    {
        // xhtml allows no extensions (Narrative.div.extension is 0..0).
        AssertRejected(Patient(""" "text":{"status":"generated","div":"<div>x</div>","_div":{"extension":[{"url":"http://example.org/x","valueString":"y"}]}} """),
            IssueType.Structure, "Patient.text.div.extension");
    }

    [Fact]
    public void A_long_unknown_name_is_shortened_in_the_issue()
    {
        var name = new string('x', 100_000);
        var issue = OnlyError(Patient($$""" "{{name}}":1 """));
        Assert.True(issue.Expression!.Length < 100 && issue.Message.Length < 200);
        Assert.StartsWith("Patient.xxx", issue.Expression);
    }

    [Fact]
    public void Issues_keep_being_collected_after_the_first_in_document_order()
    {
        var result = FhirJsonReader.Parse(Patient(""" "nickname":"Pete","birthDate":"1970-13-01","name":{"family":"Chalmers"},"gender":"male","active":"yes" """));
        Assert.Equal(
            ["Patient.nickname", "Patient.birthDate", "Patient.name", "Patient.active"],
            result.Issues.Select(i => i.Expression));
        Assert.All(result.Issues, i => Assert.True(i.IsError));
        Assert.False(result.IsSuccess);
    }

    [Fact]
    public void Paths_continue_into_bundle_entry_resources()
    {
        const string json = """
            {"resourceType":"Bundle","type":"collection","entry":[
              {"resource":{"resourceType":"Patient","id":"a"}},
              {"resource":{"resourceType":"Patient","id":"b"}},
              {"resource":{"resourceType":"Patient","id":"c","name":[{"given":["Peter",42]}]}}]}
            """;
        AssertRejected(json, IssueType.Structure, "Bundle.entry[2].resource.name[0].given[1]");
    }

    [Fact]
    public void Paths_continue_into_contained_resources()
    {
        AssertRejected(Patient(""" "contained":[{"resourceType":"Organization","id":"o1","name":42}] """),
            IssueType.Structure, "Patient.contained[0].name");
    }

    [Fact]
    public void ParseElement_rejects_a_resource_of_another_type()
    {
        var patient = FhirDefinitions.R4.FindType("Patient")!;
        var result = FhirJsonReader.ParseElement("""{"resourceType":"Observation","status":"final","code":{"text":"x"}}"""u8, patient, "resource", null);
        Assert.Equal(IssueType.Invalid, Assert.Single(result.Issues).Code);
        Assert.Null(result.Resource);
    }

    // ---- acceptance ----

    [Fact]
    public void A_primitive_value_and_its_id_and_extensions_become_one_node()
    {
        var patient = Read(Patient(""" "birthDate":"1970-03-30","_birthDate":{"id":"bd","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueDateTime":"1970-03-30T14:35:45-05:00"}]} """));
        var birthDate = Assert.Single(patient.ChildrenNamed("birthDate"));
        Assert.Equal("1970-03-30", birthDate.Value);
        Assert.Equal("bd", birthDate.GetString("id"));
        var extension = Assert.Single(birthDate.ChildrenNamed("extension"));
        Assert.Equal("1970-03-30T14:35:45-05:00", extension.GetString("valueDateTime"));
        Assert.Equal("Patient.birthDate.extension[0]", extension.Location);
    }

    [Fact]
    public void A_primitive_may_have_extensions_and_no_value()
    {
        var patient = Read(Patient(""" "_birthDate":{"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/data-absent-reason","valueCode":"unknown"}]} """));
        var birthDate = Assert.Single(patient.ChildrenNamed("birthDate"));
        Assert.Null(birthDate.Value);
        Assert.Single(birthDate.ChildrenNamed("extension"));
    }

    [Theory]
    [InlineData(""" "given":["Peter",null,"James"],"_given":[null,{"extension":[{"url":"http://example.org/x","valueString":"x"}]},{"id":"g3"}] """)]
    [InlineData(""" "_given":[null,{"extension":[{"url":"http://example.org/x","valueString":"x"}]},{"id":"g3"}],"given":["Peter",null,"James"] """)]
    public void Aligned_arrays_pair_values_with_their_extensions_by_position(string nameProperties)
    {
        var patient = Read(Patient($$""" "name":[{{{nameProperties}}}] """));
        var given = patient.Child("name")!.ChildrenNamed("given").ToList();
        Assert.Equal(3, given.Count);
        Assert.Equal("Peter", given[0].Value);
        Assert.Empty(given[0].Children);
        Assert.Null(given[1].Value);
        Assert.Single(given[1].ChildrenNamed("extension"));
        Assert.Equal("James", given[2].Value);
        Assert.Equal("g3", given[2].GetString("id"));
        Assert.Equal("Patient.name[0].given[2]", given[2].Location);
    }

    [Fact]
    public void A_contained_resource_is_a_resource_node_named_contained()
    {
        var patient = Read(Patient(""" "contained":[{"resourceType":"Organization","id":"o1","name":"ACME"}],"managingOrganization":{"reference":"#o1"} """));
        var contained = Assert.Single(patient.ChildrenNamed("contained"));
        Assert.True(contained.IsResource);
        Assert.Equal("Organization", contained.Type.Name);
        Assert.Equal("Patient.contained", contained.Definition!.Path);
        Assert.Equal("ACME", contained.GetString("name"));
        Assert.Equal("Patient.contained[0]", contained.Location);
    }

    [Fact]
    public void Bundle_entries_and_Parameters_hold_resources_of_any_type()
    {
        var bundle = Read("""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"urn:uuid:c757873d-ec9a-4326-a141-556f43239520","resource":{"resourceType":"Patient","active":true},"request":{"method":"POST","url":"Patient"}},
              {"resource":{"resourceType":"Parameters","parameter":[{"name":"p","resource":{"resourceType":"Observation","status":"final","code":{"text":"x"}}}]},"request":{"method":"POST","url":"Parameters"}}]}
            """);
        var resources = bundle.ChildrenNamed("entry").Select(e => e.Child("resource")!).ToList();
        Assert.Equal(["Patient", "Parameters"], resources.Select(r => r.Type.Name));
        var observation = resources[1].Child("parameter")!.Child("resource")!;
        Assert.Equal("Observation", observation.Type.Name);
        Assert.Equal("Bundle.entry[1].resource.parameter[0].resource", observation.Location);
    }

    [Fact]
    public void The_resourceType_may_come_after_other_properties()
    {
        var patient = Read("""{"id":"p1","active":true,"resourceType":"Patient"}""");
        Assert.Equal("Patient", patient.Type.Name);
        Assert.Equal("p1", patient.GetString("id"));
    }

    [Fact]
    public void Elements_come_out_in_the_order_of_the_definition()
    {
        var patient = Read("""{"resourceType":"Patient","gender":"male","name":[{"given":["Peter"],"family":"Chalmers"}],"id":"p1","active":true}""");
        Assert.Equal(["id", "active", "name", "gender"], patient.Children.Select(c => c.Name));
        Assert.Equal(["family", "given"], patient.Child("name")!.Children.Select(c => c.Name));
    }

    [Fact]
    public void Decimals_keep_their_precision_and_their_text()
    {
        var observation = Read(Observation(""" "component":[{"code":{"text":"a"},"valueQuantity":{"value":1.50}},{"code":{"text":"b"},"valueQuantity":{"value":1e3}},{"code":{"text":"c"},"valueQuantity":{"value":-0.0}}] """));
        var values = observation.ChildrenNamed("component").Select(c => c.Child("value")!.Child("value")!).ToList();
        Assert.Equal("1.50", ((decimal)values[0].Value!).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("1.50", values[0].DecimalText);
        Assert.Equal(1000m, values[1].Value);
        Assert.Equal("1e3", values[1].DecimalText);
        Assert.Equal("-0.0", values[2].DecimalText);
    }

    [Fact]
    public void A_string_of_only_whitespace_is_a_warning_not_an_error()
    {
        var result = FhirJsonReader.Parse(Patient(""" "name":[{"family":"   "}] """));
        Assert.True(result.IsSuccess);
        var warning = Assert.Single(result.Issues);
        Assert.Equal(IssueSeverity.Warning, warning.Severity);
        Assert.Equal("Patient.name[0].family", warning.Expression);
    }

    [Fact]
    public void An_element_that_happens_to_be_named_resourceType_is_read_as_an_element()
    {
        var scenario = Read("""
            {"resourceType":"ExampleScenario","status":"draft",
             "instance":[{"resourceId":"p1","resourceType":"Patient","name":"A patient"}]}
            """);
        Assert.Equal("Patient", scenario.Child("instance")!.GetString("resourceType"));
    }

    [Fact]
    public void A_byte_order_mark_and_escaped_names_and_values_are_read()
    {
        byte[] json = [0xEF, 0xBB, 0xBF, .. """{"resourceType":"Patient","\u0067ender":"male","name":[{"family":"Ch\u00e2lmers \"Pete\""}]}"""u8];
        var patient = FhirJsonReader.Parse(json).Resource!;
        Assert.Equal("male", patient.GetString("gender"));
        Assert.Equal("Châlmers \"Pete\"", patient.Child("name")!.GetString("family"));
    }

    [Fact]
    public void ParseElement_reads_a_data_type_and_reports_paths_from_its_JSON_name()
    {
        var observation = FhirDefinitions.R4.FindType("Observation")!;
        var value = observation.FindElement("value")!;
        var quantity = FhirDefinitions.R4.FindType("Quantity")!;

        var good = FhirJsonReader.ParseElement("""{"value":1.50,"unit":"mmHg"}"""u8, quantity, "value", value);
        Assert.True(good.IsSuccess);
        Assert.Equal("valueQuantity", good.Resource!.JsonName);
        Assert.Equal("1.50", good.Resource.GetString("value"));

        var bad = FhirJsonReader.ParseElement("""{"value":"1.50","unit":"mmHg"}"""u8, quantity, "value", value);
        Assert.Equal("valueQuantity.value", Assert.Single(bad.Issues).Expression);
    }

    [Fact]
    public void ParseElement_reads_primitives_backbone_elements_and_resources()
    {
        var r4 = FhirDefinitions.R4;
        var date = FhirJsonReader.ParseElement("\"2020-02-29\""u8, r4.FindType("date")!, "birthDate", r4.FindType("Patient")!.FindElement("birthDate"));
        Assert.Equal("2020-02-29", date.Resource!.Value);
        Assert.Equal("birthDate", Assert.Single(FhirJsonReader.ParseElement("\"2019-02-29\""u8, r4.FindType("date")!, "birthDate", null).Issues).Expression);

        var component = FhirJsonReader.ParseElement("""{"code":{"text":"systolic"},"valueQuantity":{"value":120}}"""u8,
            r4.FindType("Observation.component")!, "component", r4.FindType("Observation")!.FindElement("component"));
        Assert.True(component.IsSuccess);
        Assert.Equal("120", component.Resource!.Child("value")!.GetString("value"));

        var resource = FhirJsonReader.ParseElement("""{"resourceType":"Patient","active":true}"""u8, r4.FindType("Resource")!, "resource", null);
        Assert.Equal("Patient", resource.Resource!.Type.Name);
    }

    // ---- helpers ----

    private static string Patient(string properties) => $$"""{"resourceType":"Patient",{{properties}}}""";

    private static string Observation(string properties) => $$"""{"resourceType":"Observation","status":"final","code":{"text":"x"},{{properties}}}""";

    private static ElementNode Read(string json)
    {
        var result = FhirJsonReader.Parse(json);
        Assert.True(result.IsSuccess, string.Join("; ", result.Issues.Select(i => $"{i.Expression}: {i.Message}")));
        return result.Resource!;
    }

    private static Issue OnlyError(string json)
    {
        var errors = FhirJsonReader.Parse(json).Issues.Where(i => i.IsError).ToList();
        Assert.True(errors.Count == 1, $"expected one error, got {errors.Count}: " + string.Join("; ", errors.Select(i => $"{i.Code} {i.Expression}: {i.Message}")));
        return errors[0];
    }

    private static void AssertRejected(string json, IssueType code, string? expression)
    {
        var issue = OnlyError(json);
        Assert.True(code == issue.Code && expression == issue.Expression,
            $"expected {code} at {expression}, got {issue.Code} at {issue.Expression}: {issue.Message}");
    }
}
