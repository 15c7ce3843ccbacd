using Fhir.Core.Outcomes;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Validation;

public class TypeTests
{
    private const string BodyWeight = "http://hl7.org/fhir/StructureDefinition/bodyweight";

    private static string Weight(string value, string subject = "Patient/1") => $$$"""
        {"resourceType":"Observation","meta":{"profile":["{{{BodyWeight}}}"]},"status":"final",
         "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
         "code":{"coding":[{"system":"http://loinc.org","code":"29463-7"}]},
         "subject":{"reference":"{{{subject}}}"},"effectiveDateTime":"2024-01-01",
         {{{value}}}}
        """;

    [Fact]
    public void A_body_weight_with_a_Quantity_value_conforms_to_the_core_profile()
    {
        V.Validate(Weight("""
            "valueQuantity":{"value":70,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}
            """)).AssertNoErrors();
    }

    [Fact]
    public void A_profile_restricting_a_choice_type_rejects_the_other_types()
    {
        var result = V.Validate(Weight("\"valueString\":\"70 kg\""));
        result.AssertIssue(IssueSeverity.Error, IssueType.Structure, "Observation.valueString", "'string' is not allowed");
    }

    [Fact]
    public void A_reference_to_a_resource_type_outside_the_target_profiles_is_an_error()
    {
        var result = V.Validate("""
            {"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Medication/1"}}
            """);
        var issue = result.Problems().Single(i => i.IsError);
        Assert.Equal((IssueType.Structure, "Observation.subject"), (issue.Code, issue.Expression));
        Assert.Contains("Medication", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_profile_narrowing_a_reference_target_rejects_the_types_it_dropped()
    {
        var result = V.Validate(Weight("""
            "valueQuantity":{"value":70,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}
            """, subject: "Group/1"));
        result.AssertIssue(IssueSeverity.Error, IssueType.Structure, "Observation.subject", "Group");
    }

    [Fact]
    public void A_reference_resolved_in_the_Bundle_is_checked_against_a_target_profile()
    {
        var source = new OverlaySource().Add(OverlaySource.Derive("Observation", "http://example.org/sd/member-is-weight", e =>
            e("Observation.hasMember")["type"] = System.Text.Json.Nodes.JsonNode.Parse($$$"""
                [{"code":"Reference","targetProfile":["{{{BodyWeight}}}"]}]
                """)));
        var validator = new ResourceValidator(source);
        var bundle = """
            {"resourceType":"Bundle","type":"collection","entry":[
              {"fullUrl":"urn:uuid:9a4f4a3e-0000-4000-8000-000000000001","resource":{"resourceType":"Observation","meta":{"profile":["http://example.org/sd/member-is-weight"]},
                "status":"final","code":{"text":"panel"},"hasMember":[{"reference":"urn:uuid:9a4f4a3e-0000-4000-8000-000000000002"}]}},
              {"fullUrl":"urn:uuid:9a4f4a3e-0000-4000-8000-000000000002","resource":{"resourceType":"Observation","status":"final","code":{"text":"not a weight"}}}]}
            """;
        var result = V.Validate(bundle, validator: validator);
        result.AssertIssue(IssueSeverity.Error, IssueType.Structure, "Bundle.entry[0].resource.hasMember[0]", "does not conform to the target profile");
    }
}
