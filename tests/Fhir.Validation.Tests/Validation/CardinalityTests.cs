using Fhir.Core.Outcomes;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Validation;

public class CardinalityTests
{
    private const string Valid = """
        {"resourceType":"Observation","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},
         "status":"final","code":{"text":"weight"},"valueQuantity":{"value":70,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}
        """;

    [Fact]
    public void A_minimal_valid_Observation_has_no_problems()
    {
        V.Validate(Valid).AssertClean();
    }

    [Fact]
    public void A_missing_required_element_is_an_error_at_the_element()
    {
        var result = V.Validate("""{"resourceType":"Observation","code":{"text":"weight"}}""");
        var issue = result.Problems().Single(i => i.IsError);
        Assert.Equal((IssueSeverity.Error, IssueType.Required, "Observation.status"), (issue.Severity, issue.Code, issue.Expression));
        Assert.Contains("minimum required = 1", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_element_inside_a_backbone_element_is_reported_with_its_index()
    {
        var result = V.Validate("""
            {"resourceType":"Observation","status":"final","code":{"text":"bp"},
             "component":[{"code":{"text":"a"}},{"valueString":"x"}]}
            """);
        result.AssertIssue(IssueSeverity.Error, IssueType.Required, "Observation.component[1].code");
        Assert.Single(result.Issues, i => i.IsError);
    }

    [Fact]
    public void A_profile_that_narrows_a_maximum_rejects_extra_repetitions()
    {
        var source = new OverlaySource().Add(OverlaySource.Derive("Observation", "http://example.org/sd/one-identifier",
            e => e("Observation.identifier")["max"] = "1"));
        var validator = new ResourceValidator(source);
        var result = V.Validate("""
            {"resourceType":"Observation","meta":{"profile":["http://example.org/sd/one-identifier"]},"status":"final","code":{"text":"x"},
             "identifier":[{"value":"a"},{"value":"b"}]}
            """, validator: validator);
        result.AssertIssue(IssueSeverity.Error, IssueType.Structure, "Observation.identifier[0]", "maximum allowed = 1, but found 2");
    }

    [Fact]
    public void A_profile_that_raises_a_minimum_requires_the_element()
    {
        var source = new OverlaySource().Add(OverlaySource.Derive("Observation", "http://example.org/sd/needs-subject",
            e => e("Observation.subject")["min"] = 1));
        var validator = new ResourceValidator(source);
        var result = V.Validate(Valid, ["http://example.org/sd/needs-subject"], validator);
        var issue = result.Single();
        Assert.Equal((IssueSeverity.Error, IssueType.Required, "Observation.subject"), (issue.Severity, issue.Code, issue.Expression));
    }

    [Fact]
    public void A_nested_Questionnaire_item_without_linkId_is_found_through_the_content_reference()
    {
        var result = V.Validate("""
            {"resourceType":"Questionnaire","status":"draft",
             "item":[{"linkId":"1","type":"group","item":[{"type":"string","text":"no id"}]}]}
            """);
        result.AssertIssue(IssueSeverity.Error, IssueType.Required, "Questionnaire.item[0].item[0].linkId");
    }
}
