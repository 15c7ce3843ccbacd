using Fhir.Core.Outcomes;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Validation;

/// <summary>Contained resources, Bundles, declared profiles and cache invalidation.</summary>
public class ResourceTests
{
    [Fact]
    public void A_contained_resource_is_validated_as_a_resource()
    {
        var result = V.Validate("""
            {"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"#p"},
             "contained":[{"resourceType":"Patient","id":"p","gender":"robot"}]}
            """);
        result.AssertIssue(IssueSeverity.Error, IssueType.CodeInvalid, "Observation.contained[0].gender");
    }

    [Fact]
    public void A_local_reference_to_a_missing_contained_resource_is_an_error()
    {
        var result = V.Validate("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"#nobody"}}""");
        result.AssertIssue(IssueSeverity.Error, IssueType.NotFound, "Observation.subject", "#nobody");
    }

    [Fact]
    public void A_contained_resource_that_nothing_refers_to_breaks_dom_3()
    {
        var result = V.Validate("""
            {"resourceType":"Observation","status":"final","code":{"text":"x"},"contained":[{"resourceType":"Patient","id":"p"}]}
            """);
        result.AssertIssue(IssueSeverity.Error, IssueType.Invariant, "Observation", "dom-3");
    }

    private static string Bundle(string entries) => $$$"""{"resourceType":"Bundle","type":"transaction","entry":[{{{entries}}}]}""";

    private const string Post = "\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}";

    [Fact]
    public void Each_Bundle_entry_is_validated_with_its_position_in_the_expression()
    {
        var result = V.Validate(Bundle($$$"""
            {"fullUrl":"urn:uuid:9a4f4a3e-0000-4000-8000-00000000000a","resource":{"resourceType":"Observation","status":"final","code":{"text":"x"}},{{{Post}}}},
            {"fullUrl":"urn:uuid:9a4f4a3e-0000-4000-8000-00000000000b","resource":{"resourceType":"Observation","code":{"text":"x"}},{{{Post}}}}
            """));
        var issue = result.Problems().Single(i => i.IsError);
        Assert.Equal((IssueType.Required, "Bundle.entry[1].resource.status"), (issue.Code, issue.Expression));
    }

    [Fact]
    public void A_fullUrl_that_disagrees_with_the_resource_id_is_an_error()
    {
        var result = V.Validate(Bundle($$$"""
            {"fullUrl":"http://x.org/fhir/Observation/1","resource":{"resourceType":"Observation","id":"2","status":"final","code":{"text":"x"}},
             "request":{"method":"PUT","url":"Observation/2"}}
            """));
        result.AssertIssue(IssueSeverity.Error, IssueType.Invalid, "Bundle.entry[0].fullUrl", "does not match");
    }

    [Fact]
    public void A_duplicate_fullUrl_is_an_error()
    {
        var entry = $$$"""{"fullUrl":"urn:uuid:9a4f4a3e-0000-4000-8000-00000000000a","resource":{"resourceType":"Observation","status":"final","code":{"text":"x"}},{{{Post}}}}""";
        var result = V.Validate(Bundle(entry + "," + entry));
        result.AssertIssue(IssueSeverity.Error, IssueType.Duplicate, "Bundle.entry[1].fullUrl");
    }

    [Fact]
    public void A_duplicate_resource_id_is_an_error()
    {
        var entry = """{"resource":{"resourceType":"Patient","id":"p1"},"request":{"method":"PUT","url":"Patient/p1"}}""";
        var result = V.Validate(Bundle(entry + "," + entry));
        result.AssertIssue(IssueSeverity.Error, IssueType.Duplicate, "Bundle.entry[1].resource.id");
    }

    [Fact]
    public void An_unknown_declared_profile_is_a_warning_by_default_and_an_error_when_configured()
    {
        const string json = """
            {"resourceType":"Patient","meta":{"profile":["http://example.org/unknown-profile"]}}
            """;
        var warning = V.Validate(json);
        warning.AssertIssue(IssueSeverity.Warning, IssueType.NotSupported, "Patient.meta.profile[0]", "unknown-profile");
        var strict = new ResourceValidator(global::Fhir.Validation.Conformance.CoreConformanceSource.R4, new ValidationOptions { UnknownProfileSeverity = IssueSeverity.Error });
        V.Validate(json, validator: strict).AssertIssue(IssueSeverity.Error, IssueType.NotSupported, "Patient.meta.profile[0]");
    }

    [Fact]
    public void A_profile_for_another_resource_type_is_an_error()
    {
        var result = V.Validate("""{"resourceType":"Patient"}""", ["http://hl7.org/fhir/StructureDefinition/bodyweight"]);
        result.AssertIssue(IssueSeverity.Error, IssueType.Structure, "Patient", "Observation");
    }

    [Fact]
    public void A_profile_added_at_run_time_takes_effect_after_Invalidate()
    {
        const string url = "http://example.org/sd/later";
        var source = new OverlaySource();
        var validator = new ResourceValidator(source);
        const string json = """{"resourceType":"Observation","status":"final","code":{"text":"x"}}""";
        Assert.False(V.Validate(json, [url], validator).HasErrors);
        source.Add(OverlaySource.Derive("Observation", url, e => e("Observation.subject")["min"] = 1));
        validator.Invalidate(url);
        V.Validate(json, [url], validator).AssertIssue(IssueSeverity.Error, IssueType.Required, "Observation.subject");
    }

    [Fact]
    public void The_profile_validator_makes_conformsTo_use_the_full_validation()
    {
        var weight = V.Parse("""{"resourceType":"Observation","status":"final","code":{"text":"x"}}""");
        Assert.False(V.Core.ProfileValidator.ConformsTo(weight, "http://hl7.org/fhir/StructureDefinition/bodyweight"));
        Assert.True(V.Core.ProfileValidator.ConformsTo(weight, "http://hl7.org/fhir/StructureDefinition/Observation"));
        Assert.Null(V.Core.ProfileValidator.ConformsTo(weight, "http://example.org/none"));
    }
}
