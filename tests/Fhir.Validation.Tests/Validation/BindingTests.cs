using Fhir.Core.Outcomes;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Validation;

public class BindingTests
{
    [Fact]
    public void A_code_outside_a_required_value_set_is_an_error()
    {
        var result = V.Validate("""{"resourceType":"Observation","status":"done","code":{"text":"x"}}""");
        result.AssertIssue(IssueSeverity.Error, IssueType.CodeInvalid, "Observation.status", "http://hl7.org/fhir/ValueSet/observation-status");
    }

    [Fact]
    public void A_code_in_a_required_value_set_passes()
    {
        Assert.DoesNotContain(V.Validate("""{"resourceType":"Observation","status":"amended","code":{"text":"x"}}""").Issues,
            i => i.Code == IssueType.CodeInvalid);
    }

    [Fact]
    public void A_code_outside_an_extensible_value_set_is_a_warning()
    {
        var result = V.Validate("""
            {"resourceType":"Observation","status":"final","code":{"text":"x"},
             "interpretation":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation","code":"NOPE"}]}]}
            """);
        result.AssertIssue(IssueSeverity.Warning, IssueType.CodeInvalid, "Observation.interpretation[0]");
        Assert.False(result.HasErrors);
    }

    [Fact]
    public void A_code_outside_a_preferred_value_set_gives_no_issue()
    {
        var result = V.Validate("""
            {"resourceType":"Observation","status":"final","code":{"text":"x"},
             "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"nope"}]}]}
            """);
        Assert.DoesNotContain(result.Issues, i => i.Expression == "Observation.category[0]");
    }

    [Fact]
    public void A_code_from_a_system_not_available_locally_is_accepted_with_an_information()
    {
        var source = new OverlaySource().Add(OverlaySource.Derive("Observation", "http://example.org/sd/loinc-coded", e =>
            e("Observation.code")["binding"] = System.Text.Json.Nodes.JsonNode.Parse(
                """{"strength":"required","valueSet":"http://hl7.org/fhir/ValueSet/observation-codes"}""")));
        var result = V.Validate("""
            {"resourceType":"Observation","meta":{"profile":["http://example.org/sd/loinc-coded"]},"status":"final",
             "code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]}}
            """, validator: new ResourceValidator(source));
        result.AssertIssue(IssueSeverity.Information, IssueType.Informational, "Observation.code", "could not be checked");
        Assert.False(result.HasErrors);
    }

    [Fact]
    public void A_CodeableConcept_with_only_text_under_a_required_binding_is_an_error()
    {
        var source = new OverlaySource().Add(OverlaySource.Derive("Observation", "http://example.org/sd/coded", e =>
            e("Observation.code")["binding"] = System.Text.Json.Nodes.JsonNode.Parse(
                """{"strength":"required","valueSet":"http://hl7.org/fhir/ValueSet/observation-category"}""")));
        var result = V.Validate("""
            {"resourceType":"Observation","meta":{"profile":["http://example.org/sd/coded"]},"status":"final","code":{"text":"no code"}}
            """, validator: new ResourceValidator(source));
        result.AssertIssue(IssueSeverity.Error, IssueType.CodeInvalid, "Observation.code", "No code provided");
    }

    [Fact]
    public void Bindings_are_not_checked_when_terminology_is_off()
    {
        var validator = new ResourceValidator(global::Fhir.Validation.Conformance.CoreConformanceSource.R4, new ValidationOptions { Terminology = TerminologyMode.Off });
        var result = V.Validate("""{"resourceType":"Observation","status":"done","code":{"text":"x"}}""", validator: validator);
        Assert.DoesNotContain(result.Issues, i => i.Code == IssueType.CodeInvalid);
    }
}
