using Fhir.Core.Json;
using Fhir.Validation.Conformance;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Validation;

/// <summary>Extension contexts as implementation guides built with the extensions package use them (issue 14 item 3).</summary>
public sealed class ExtensionContextTests
{
    private static readonly Lazy<ResourceValidator> WithPackages = new(() => new ResourceValidator(new ConformanceSetBuilder().AddDefinitions(RepositoryFiles.PackagesFolder).Build()));
    private static readonly Lazy<ResourceValidator> CoreOnly = new(() => new ResourceValidator(new ConformanceSetBuilder().Build()));

    private const string Expectation = "http://hl7.org/fhir/StructureDefinition/capabilitystatement-expectation";
    private const string StandardsStatus = "http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status";

    /// <summary>A SearchParameter shaped as US Core publishes them: standards status on the resource, expectations on its capabilities.</summary>
    private const string UsCoreSearchParameter = $$"""
        {"resourceType":"SearchParameter","id":"us-core-observation-date",
         "text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\">date</div>"},
         "extension":[{"url":"{{StandardsStatus}}","valueCode":"trial-use"}],
         "url":"http://hl7.org/fhir/us/core/SearchParameter/us-core-observation-date","version":"6.1.0","name":"USCoreObservationDate",
         "derivedFrom":"http://hl7.org/fhir/SearchParameter/clinical-date","status":"active","experimental":false,"date":"2022-04-14",
         "publisher":"HL7 International - Cross-Group Projects","description":"Obtains observations by date","code":"date","base":["Observation"],
         "type":"date","expression":"Observation.effective","xpathUsage":"normal",
         "multipleOr":true,"_multipleOr":{"extension":[{"url":"{{Expectation}}","valueCode":"MAY"}]},
         "multipleAnd":true,"_multipleAnd":{"extension":[{"url":"{{Expectation}}","valueCode":"SHOULD"}]},
         "comparator":["eq","gt","lt","ge","le"],
         "_comparator":[{"extension":[{"url":"{{Expectation}}","valueCode":"MAY"}]},{"extension":[{"url":"{{Expectation}}","valueCode":"SHALL"}]},
                        {"extension":[{"url":"{{Expectation}}","valueCode":"SHALL"}]},{"extension":[{"url":"{{Expectation}}","valueCode":"SHALL"}]},
                        {"extension":[{"url":"{{Expectation}}","valueCode":"SHALL"}]}],
         "modifier":["missing"],"_modifier":[{"extension":[{"url":"{{Expectation}}","valueCode":"MAY"}]}] }
        """;

    [Fact]
    public void Issue14_item3_US_Core_SearchParameters_with_standards_status_and_expectations_validate()
    {
        foreach (var validator in new[] { WithPackages.Value, CoreOnly.Value })
        {
            var result = validator.Validate(FhirJsonReader.Parse(UsCoreSearchParameter).Resource!);
            Assert.True(!result.HasErrors, string.Join("\n", result.Issues.Where(i => i.IsError).Select(i => $"{i.Expression}: {i.Message}")));
        }
    }

    [Fact]
    public void The_extensions_package_CanonicalResource_context_admits_every_R4_canonical_resource_and_nothing_else()
    {
        foreach (var type in new[] { "ValueSet", "CodeSystem", "Questionnaire", "OperationDefinition" })
        {
            var canonical = FhirJsonReader.Parse($$"""
                {"resourceType":"{{type}}","url":"http://example.org/{{type}}","status":"draft","extension":[{"url":"{{StandardsStatus}}","valueCode":"draft"}] }
                """).Resource!;
            Assert.DoesNotContain(WithPackages.Value.Validate(canonical).Issues, i => i.IsError && i.Code == Core.Outcomes.IssueType.Extension);
        }
        var patient = FhirJsonReader.Parse($$"""{"resourceType":"Patient","extension":[{"url":"{{StandardsStatus}}","valueCode":"draft"}] }""").Resource!;
        Assert.Contains(WithPackages.Value.Validate(patient).Issues, i => i.IsError && i.Code == Core.Outcomes.IssueType.Extension && i.Expression == "Patient.extension[0]");
    }

    [Fact]
    public void The_adopted_expectation_contexts_reach_SearchParameter_elements_only()
    {
        var elsewhere = FhirJsonReader.Parse($$"""
            {"resourceType":"SearchParameter","url":"http://example.org/sp","name":"x","status":"draft","description":"x","code":"x","base":["Patient"],"type":"token",
             "expression":"Patient.gender","_status":{"extension":[{"url":"{{Expectation}}","valueCode":"MAY"}]} }
            """).Resource!;
        Assert.Contains(WithPackages.Value.Validate(elsewhere).Issues, i => i.IsError && i.Expression == "SearchParameter.status.extension[0]");
    }
}
