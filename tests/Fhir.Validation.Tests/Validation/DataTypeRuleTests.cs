using Fhir.Core.Outcomes;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Validation;

/// <summary>Issue 19: the rules the specification states in prose for data types, Bundles and extensions.</summary>
public sealed class DataTypeRuleTests
{
    private static ValidationResult Media(string attachment) =>
        V.Validate($$$"""{"resourceType":"Media","status":"completed","content":{{{attachment}}}}""");

    [Fact]
    public void An_attachment_size_that_is_not_the_data_size_is_an_error() =>
        Media("""{"contentType":"text/plain","data":"aGVsbG8=","size":6}""")
            .AssertIssue(IssueSeverity.Error, IssueType.Value, "Media.content.size", "5 bytes");

    [Fact]
    public void An_attachment_whose_size_and_hash_agree_with_its_data_is_clean() =>
        Media("""{"contentType":"text/plain","data":"aGVsbG8=","size":5,"hash":"qvTGHdzF6KLavt4PO0gs2a6pQ00="}""").AssertNoErrors();

    [Fact]
    public void A_content_type_that_is_not_a_mime_type_is_an_error() =>
        Media("""{"contentType":"pdf"}""").AssertIssue(IssueSeverity.Error, IssueType.Value, "Media.content.contentType", "MIME");

    [Fact]
    public void A_malformed_uuid_urn_is_an_error_and_upper_case_a_warning()
    {
        V.Validate("""{"resourceType":"Basic","code":{"text":"x"},"implicitRules":"urn:uuid:c757873d-ec9a-4326-a141-556f43239520asdf"}""")
            .AssertIssue(IssueSeverity.Error, IssueType.Invalid, "Basic.implicitRules", "UUID");
        V.Validate("""{"resourceType":"Basic","code":{"text":"x"},"implicitRules":"urn:uuid:C757873D-EC9A-4326-A141-556F43239520"}""")
            .AssertIssue(IssueSeverity.Warning, IssueType.Invalid, "Basic.implicitRules", "lower case");
    }

    [Fact]
    public void A_reference_with_whitespace_or_to_a_type_that_does_not_exist_is_an_error()
    {
        V.Validate("""{"resourceType":"Basic","code":{"text":"x"},"subject":{"reference":"Pa tient/1"}}""")
            .AssertIssue(IssueSeverity.Error, IssueType.Invalid, "Basic.subject", "whitespace");
        V.Validate("""{"resourceType":"Basic","code":{"text":"x"},"subject":{"reference":"Chicken/1"}}""")
            .AssertIssue(IssueSeverity.Error, IssueType.Invalid, "Basic.subject", "Chicken");
    }

    [Fact]
    public void A_relative_fullUrl_is_an_error() =>
        V.Validate("""{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"Patient/1","resource":{"resourceType":"Patient","id":"1"}}]}""")
            .AssertIssue(IssueSeverity.Error, IssueType.Invalid, "Bundle.entry[0].fullUrl", "absolute");

    [Fact]
    public void An_extension_url_with_a_version_is_an_error() =>
        V.Validate("""{"resourceType":"Patient","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime|4.0.1","valueDateTime":"2020-01-01T10:00:00Z"}]}""")
            .AssertIssue(IssueSeverity.Error, IssueType.Invalid, "Patient.extension[0]", "version");

    [Fact]
    public void Example_urls_are_errors_only_when_the_options_say_so()
    {
        const string json = """{"resourceType":"Media","status":"completed","content":{"url":"http://repository.example.org/doc/1"}}""";
        V.Validate(json).AssertNoErrors();
        V.Validate(json, validator: new ResourceValidator(Fhir.Validation.Conformance.CoreConformanceSource.R4, new ValidationOptions { AllowExampleUrls = false }))
            .AssertIssue(IssueSeverity.Error, IssueType.Value, "Media.content.url", "Example URLs");
    }

    [Fact]
    public void A_bundled_aggregation_needs_the_target_in_the_bundle()
    {
        var source = new OverlaySource().Add(OverlaySource.Derive("Observation", "http://example.org/sd/bundled-subject", element =>
            element("Observation.subject")["type"]![0]!["aggregation"] = new System.Text.Json.Nodes.JsonArray("bundled")));
        var validator = new ResourceValidator(source);
        const string entry = """{"fullUrl":"http://example.org/fhir/Observation/1","resource":{"resourceType":"Observation","id":"1","meta":{"profile":["http://example.org/sd/bundled-subject"]},"status":"final","code":{"text":"x"},"subject":{"reference":"Patient/REF"}}}""";
        const string patient = """,{"fullUrl":"http://example.org/fhir/Patient/p","resource":{"resourceType":"Patient","id":"p"}}""";
        V.Validate($$$"""{"resourceType":"Bundle","type":"collection","entry":[{{{entry.Replace("REF", "p", StringComparison.Ordinal) + patient}}}]}""", validator: validator).AssertNoErrors();
        V.Validate($$$"""{"resourceType":"Bundle","type":"collection","entry":[{{{entry.Replace("REF", "q", StringComparison.Ordinal) + patient}}}]}""", validator: validator)
            .AssertIssue(IssueSeverity.Error, IssueType.Structure, "Bundle.entry[0].resource.subject", "same Bundle");
    }

    [Fact]
    public void A_value_that_is_not_exactly_the_fixed_one_is_reported_at_each_element_too_many()
    {
        var source = new OverlaySource().Add(OverlaySource.Derive("Patient", "http://example.org/sd/home-phone", element =>
            element("Patient.telecom")["fixedContactPoint"] = System.Text.Json.Nodes.JsonNode.Parse("""{"use":"home"}""")));
        V.Validate("""{"resourceType":"Patient","meta":{"profile":["http://example.org/sd/home-phone"]},"telecom":[{"system":"phone","value":"1","use":"home"}]}""",
                validator: new ResourceValidator(source))
            .AssertIssue(IssueSeverity.Error, IssueType.Value, "Patient.telecom[0].system", "fixed");
    }
}
