using Fhir.Core.Outcomes;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Validation;

public class InvariantTests
{
    [Fact]
    public void A_failed_error_invariant_on_the_resource_is_an_error_with_its_key_and_text()
    {
        var result = V.Validate("""
            {"resourceType":"Observation","status":"final","code":{"text":"x"},"valueString":"a",
             "dataAbsentReason":{"text":"unknown"}}
            """);
        var issue = result.Problems().Single(i => i.IsError);
        Assert.Equal((IssueType.Invariant, "Observation"), (issue.Code, issue.Expression));
        Assert.Contains("obs-6", issue.Message, StringComparison.Ordinal);
        Assert.Contains("dataAbsentReason SHALL only be present if Observation.value[x] is not present", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_data_type_invariant_is_reported_at_the_value()
    {
        var result = V.Validate("""
            {"resourceType":"Observation","status":"final","code":{"text":"x"},
             "effectivePeriod":{"start":"2024-02-01","end":"2024-01-01"}}
            """);
        result.AssertIssue(IssueSeverity.Error, IssueType.Invariant, "Observation.effectivePeriod", "per-1");
    }

    [Fact]
    public void A_warning_invariant_stays_a_warning()
    {
        var result = V.Validate("""{"resourceType":"Observation","status":"final","code":{"text":"x"}}""");
        var issue = Assert.Single(result.Issues);
        Assert.Equal((IssueSeverity.Warning, IssueType.Invariant, "Observation"), (issue.Severity, issue.Code, issue.Expression));
        Assert.Contains("dom-6", issue.Message, StringComparison.Ordinal);
        Assert.False(result.HasErrors);
    }

    [Fact]
    public void Issue16_item10_best_practice_invariants_can_be_left_out_and_only_they()
    {
        var quiet = new ResourceValidator(Fhir.Validation.Conformance.CoreConformanceSource.R4, new ValidationOptions { CheckBestPractice = false });
        // dom-6 (no narrative) is best practice: gone.
        Assert.Empty(V.Validate("""{"resourceType":"Observation","status":"final","code":{"text":"x"}}""", validator: quiet).Issues);
        // A warning invariant that is not best practice stays, and so do error invariants.
        var result = V.Validate("""
            {"resourceType":"Observation","status":"final","code":{"text":"x"},"valueString":"a","dataAbsentReason":{"text":"u"}}
            """, validator: quiet);
        Assert.Single(result.Issues, i => i.IsError && i.Message.Contains("obs-6", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Issues, i => i.Message.Contains("dom-6", StringComparison.Ordinal));
    }

    [Fact]
    public void An_invariant_of_an_extension_is_checked_on_each_extension()
    {
        var result = V.Validate("""
            {"resourceType":"Patient","extension":[{"url":"http://hl7.org/fhir/StructureDefinition/patient-birthTime",
              "valueDateTime":"2020-01-01","extension":[{"url":"x","valueString":"y"}]}]}
            """);
        result.AssertIssue(IssueSeverity.Error, IssueType.Invariant, "Patient.extension[0]", "ext-1");
    }

    [Fact]
    public void Each_invariant_is_reported_once_even_when_a_profile_repeats_it()
    {
        var result = V.Validate("""
            {"resourceType":"Observation","status":"final","code":{"text":"x"},"valueString":"a","dataAbsentReason":{"text":"u"}}
            """, ["http://hl7.org/fhir/StructureDefinition/vitalsigns"]);
        Assert.Single(result.Issues, i => i.Message.Contains("obs-6", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2999)]
    public void Bundle_invariants_over_every_entry_hold_on_a_Bundle_of_thousands_of_entries(int entryWithRequest)
    {
        // bdl-3 reads %resource.type once per entry: it must still see the Bundle's type after thousands of entries
        // (the navigation that finds it no longer scans every later sibling) and flag the one entry that breaks it.
        var entries = Enumerable.Range(0, 3000).Select(i =>
            $$$"""{"fullUrl":"urn:uuid:00000000-0000-0000-0000-{{{i:D12}}}","resource":{"resourceType":"Basic","id":"b{{{i}}}","code":{"text":"x"}}{{{(i == entryWithRequest ? ""","request":{"method":"POST","url":"Basic"}""" : "")}}}}""");
        var result = V.Validate($$$"""{"resourceType":"Bundle","type":"collection","entry":[{{{string.Join(",", entries)}}}]}""");

        var bdl3 = result.Issues.Where(i => i.Message.Contains("bdl-3", StringComparison.Ordinal)).ToList();
        if (entryWithRequest < 0)
        {
            result.AssertNoErrors();
        }
        else
        {
            Assert.Equal("Bundle", Assert.Single(bdl3).Expression);
            Assert.True(Assert.Single(result.Issues, i => i.IsError).Message.Contains("bdl-3", StringComparison.Ordinal), V.Show(result.Issues));
        }
        Assert.Equal(entryWithRequest < 0 ? 0 : 1, bdl3.Count);
    }
}
