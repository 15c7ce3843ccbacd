using Fhir.Core.Outcomes;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Validation;

public class ExtensionTests
{
    private const string BirthPlace = "http://hl7.org/fhir/StructureDefinition/patient-birthPlace";

    [Fact]
    public void A_known_extension_with_the_right_value_type_passes()
    {
        V.Validate($$$"""{"resourceType":"Patient","extension":[{"url":"{{{BirthPlace}}}","valueAddress":{"city":"Oslo"}}]}""").AssertNoErrors();
    }

    [Fact]
    public void A_known_extension_with_a_value_type_its_definition_does_not_allow_is_an_error()
    {
        var result = V.Validate($$$"""{"resourceType":"Patient","extension":[{"url":"{{{BirthPlace}}}","valueString":"Oslo"}]}""");
        result.AssertIssue(IssueSeverity.Error, IssueType.Structure, "Patient.extension[0].valueString", "'string' is not allowed");
    }

    [Fact]
    public void An_extension_used_outside_its_context_is_an_error()
    {
        var result = V.Validate($$$"""
            {"resourceType":"Observation","status":"final","code":{"text":"x"},"extension":[{"url":"{{{BirthPlace}}}","valueAddress":{"city":"Oslo"}}]}
            """);
        result.AssertIssue(IssueSeverity.Error, IssueType.Extension, "Observation.extension[0]", "not allowed on");
    }

    [Fact]
    public void An_unknown_extension_is_a_warning_by_default()
    {
        var result = V.Validate("""{"resourceType":"Patient","extension":[{"url":"http://example.org/unknown","valueString":"x"}]}""");
        var issue = result.Single();
        Assert.Equal((IssueSeverity.Warning, IssueType.Extension, "Patient.extension[0]"), (issue.Severity, issue.Code, issue.Expression));
    }

    [Fact]
    public void An_unknown_extension_is_an_error_when_configured()
    {
        var validator = new ResourceValidator(global::Fhir.Validation.Conformance.CoreConformanceSource.R4, new ValidationOptions { UnknownExtensionSeverity = IssueSeverity.Error });
        var result = V.Validate("""{"resourceType":"Patient","name":[{"family":"x","extension":[{"url":"http://example.org/unknown","valueString":"x"}]}]}""",
            validator: validator);
        result.AssertIssue(IssueSeverity.Error, IssueType.Extension, "Patient.name[0].extension[0]", "Unknown extension");
    }

    [Fact]
    public void An_unknown_modifier_extension_is_always_an_error()
    {
        var result = V.Validate("""{"resourceType":"Patient","modifierExtension":[{"url":"http://example.org/unknown","valueString":"x"}]}""");
        result.AssertIssue(IssueSeverity.Error, IssueType.Extension, "Patient.modifierExtension[0]", "Unknown modifier extension");
    }

    [Fact]
    public void An_extension_on_a_primitive_is_checked_against_its_definition()
    {
        var result = V.Validate("""
            {"resourceType":"Patient","birthDate":"2020-01-01","_birthDate":{"extension":[
              {"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime","valueString":"noon"}]}}
            """);
        result.AssertIssue(IssueSeverity.Error, IssueType.Structure, "Patient.birthDate.extension[0].valueString", "'string' is not allowed");
    }

    [Fact]
    public void The_parts_of_a_complex_extension_are_checked_against_its_slices()
    {
        // patient-nationality: code (CodeableConcept, 0..1) and period (Period, 0..1).
        var result = V.Validate("""
            {"resourceType":"Patient","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-nationality",
              "extension":[{"url":"code","valueString":"NO"}]}]}
            """);
        result.AssertIssue(IssueSeverity.Error, IssueType.Structure, "Patient.extension[0].extension[0].valueString", "'string' is not allowed");
    }
}
