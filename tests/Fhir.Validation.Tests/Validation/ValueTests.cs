using System.Text.Json.Nodes;
using Fhir.Core.Outcomes;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Validation;

/// <summary>fixed[x], pattern[x], minValue/maxValue and maxLength, on a hand-made Observation profile.</summary>
public class ValueTests
{
    private const string Url = "http://example.org/sd/values";

    private static readonly ResourceValidator Validator = new(new OverlaySource().Add(OverlaySource.Derive("Observation", Url, e =>
    {
        e("Observation.code")["patternCodeableConcept"] = JsonNode.Parse("""{"coding":[{"system":"http://loinc.org","code":"8480-6"}]}""");
        e("Observation.status")["fixedCode"] = "final";
        e("Observation.value[x]")["minValueInteger"] = 1;
        e("Observation.value[x]")["maxValueInteger"] = 10;
        e("Observation.component.value[x]")["maxLength"] = 5;
    })));

    private static ValidationResult Check(string status, string code, string value, string component = "\"short\"") => V.Validate($$$"""
        {"resourceType":"Observation","meta":{"profile":["{{{Url}}}"]},"status":"{{{status}}}","code":{{{code}}},{{{value}}},
         "component":[{"code":{"text":"c"},"valueString":{{{component}}}}]}
        """, validator: Validator);

    private const string Systolic = """{"coding":[{"system":"http://loinc.org","code":"8480-6","display":"Systolic"}],"text":"sys"}""";

    [Fact]
    public void Values_within_every_constraint_give_no_errors()
    {
        Check("final", Systolic, "\"valueInteger\":5").AssertNoErrors();
    }

    [Fact]
    public void A_value_other_than_the_fixed_one_is_an_error()
    {
        Check("amended", Systolic, "\"valueInteger\":5").AssertIssue(IssueSeverity.Error, IssueType.Value, "Observation.status", "'final'");
    }

    [Fact]
    public void A_CodeableConcept_without_the_pattern_coding_is_an_error()
    {
        var result = Check("final", """{"coding":[{"system":"http://loinc.org","code":"8462-4"}]}""", "\"valueInteger\":5");
        result.AssertIssue(IssueSeverity.Error, IssueType.Value, "Observation.code", "pattern");
    }

    [Fact]
    public void A_pattern_matches_when_the_instance_has_more_than_the_pattern()
    {
        var code = """{"coding":[{"system":"http://snomed.info/sct","code":"1"},{"system":"http://loinc.org","code":"8480-6","display":"x"}]}""";
        Assert.DoesNotContain(Check("final", code, "\"valueInteger\":5").Issues, i => i.Code == IssueType.Value);
    }

    [Fact]
    public void A_value_below_minValue_is_an_error()
    {
        Check("final", Systolic, "\"valueInteger\":0").AssertIssue(IssueSeverity.Error, IssueType.Value, "Observation.valueInteger", "less than the minimum 1");
    }

    [Fact]
    public void A_value_above_maxValue_is_an_error()
    {
        Check("final", Systolic, "\"valueInteger\":11").AssertIssue(IssueSeverity.Error, IssueType.Value, "Observation.valueInteger", "more than the maximum 10");
    }

    [Fact]
    public void A_string_longer_than_maxLength_is_an_error()
    {
        Check("final", Systolic, "\"valueInteger\":5", "\"toolong\"")
            .AssertIssue(IssueSeverity.Error, IssueType.Value, "Observation.component[0].valueString", "maximum length 5");
    }
}
