using System.Text.Json.Nodes;
using Fhir.Core.Outcomes;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Validation;

/// <summary>Slicing, on the core blood-pressure profile (pattern discriminator on component.code) and hand-made variations.</summary>
public class SlicingTests
{
    private const string Bp = "http://hl7.org/fhir/StructureDefinition/bp";

    private static string Component(string code, int value) => $$$"""
        {"code":{"coding":[{"system":"http://loinc.org","code":"{{{code}}}"}]},
         "valueQuantity":{"value":{{{value}}},"unit":"mmHg","system":"http://unitsofmeasure.org","code":"mm[Hg]"}}
        """;

    private static string BloodPressure(params string[] components) => $$$"""
        {"resourceType":"Observation","meta":{"profile":["{{{Bp}}}"]},"status":"final",
         "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
         "code":{"coding":[{"system":"http://loinc.org","code":"85354-9"}]},
         "subject":{"reference":"Patient/1"},"effectiveDateTime":"2024-01-01",
         "component":[{{{string.Join(",", components)}}}]}
        """;

    [Fact]
    public void A_blood_pressure_with_both_components_conforms()
    {
        V.Validate(BloodPressure(Component("8480-6", 120), Component("8462-4", 80))).AssertNoErrors();
    }

    [Fact]
    public void A_blood_pressure_without_the_diastolic_component_misses_a_required_slice()
    {
        var result = V.Validate(BloodPressure(Component("8480-6", 120)));
        result.AssertIssue(IssueSeverity.Error, IssueType.Required, "Observation.component", "Slice 'DiastolicBP'");
        // The profile also asks for at least two components in all.
        result.AssertIssue(IssueSeverity.Error, IssueType.Required, "Observation.component[0]", "minimum required = 2");
        Assert.Equal(2, result.ErrorCount);
    }

    [Fact]
    public void Two_systolic_components_exceed_the_slice_maximum()
    {
        var result = V.Validate(BloodPressure(Component("8480-6", 120), Component("8480-6", 121), Component("8462-4", 80)));
        // At the component one too many, the second systolic one.
        result.AssertIssue(IssueSeverity.Error, IssueType.Structure, "Observation.component[1]", "SystolicBP");
    }

    [Fact]
    public void A_node_in_a_slice_is_checked_against_the_slice_definition()
    {
        // The systolic slice requires valueQuantity in mm[Hg] (a required binding on the unit in the vital-signs profiles).
        var wrongUnit = """
            {"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},"valueQuantity":{"value":120,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}
            """;
        var result = V.Validate(BloodPressure(wrongUnit, Component("8462-4", 80)));
        Assert.Contains(result.Issues, i => i.IsError && i.Expression is not null && i.Expression.StartsWith("Observation.component[0].valueQuantity", StringComparison.Ordinal));
    }

    private static ResourceValidator Sliced(string rules, bool ordered) => new(new OverlaySource().Add(OverlaySource.Derive("Observation", "http://example.org/sd/sliced", e =>
    {
        var identifier = e("Observation.identifier");
        identifier["slicing"] = JsonNode.Parse($$$"""
            {"discriminator":[{"type":"value","path":"system"}],"rules":"{{{rules}}}","ordered":{{{(ordered ? "true" : "false")}}}}
            """);
        var parent = (JsonArray)identifier.Parent!;
        var at = parent.IndexOf(identifier);
        var identifierType = Fhir.Core.Definitions.FhirDefinitions.R4.FindByUrl("http://hl7.org/fhir/StructureDefinition/Identifier")!;
        var children = JsonNode.Parse(Fhir.Core.Definitions.FhirDefinitions.R4.ReadJson(identifierType))!["snapshot"]!["element"]!.AsArray()
            .Skip(1).Select(n => n!.AsObject()).ToList();
        var insertAt = at + 1;
        foreach (var (name, system) in new[] { ("mrn", "urn:mrn"), ("ssn", "urn:ssn") })
        {
            var slice = identifier.DeepClone().AsObject();
            slice.Remove("slicing");
            slice["id"] = "Observation.identifier:" + name;
            slice["sliceName"] = name;
            slice["max"] = "1";
            parent.Insert(insertAt++, slice);
            foreach (var child in children)
            {
                var copy = child.DeepClone().AsObject();
                copy["id"] = ((string)child["id"]!).Replace("Identifier.", "Observation.identifier:" + name + ".", StringComparison.Ordinal);
                copy["path"] = ((string)child["path"]!).Replace("Identifier.", "Observation.identifier.", StringComparison.Ordinal);
                if ((string)copy["path"]! == "Observation.identifier.system")
                {
                    copy["fixedUri"] = system;
                }
                parent.Insert(insertAt++, copy);
            }
        }
    })));

    private static string WithIdentifiers(params string[] systems)
    {
        var identifiers = string.Join(",", systems.Select(s => "{\"system\":\"" + s + "\",\"value\":\"1\"}"));
        return $$$"""
            {"resourceType":"Observation","meta":{"profile":["http://example.org/sd/sliced"]},"status":"final","code":{"text":"x"},
             "identifier":[{{{identifiers}}}]}
            """;
    }

    [Fact]
    public void Closed_slicing_rejects_a_node_that_matches_no_slice()
    {
        var result = V.Validate(WithIdentifiers("urn:mrn", "urn:other"), validator: Sliced("closed", ordered: false));
        result.AssertIssue(IssueSeverity.Error, IssueType.Structure, "Observation.identifier[1]", "closed");
    }

    [Fact]
    public void Open_slicing_accepts_a_node_that_matches_no_slice()
    {
        V.Validate(WithIdentifiers("urn:mrn", "urn:other"), validator: Sliced("open", ordered: false)).AssertNoErrors();
    }

    [Fact]
    public void Ordered_slicing_rejects_slices_out_of_order()
    {
        var result = V.Validate(WithIdentifiers("urn:ssn", "urn:mrn"), validator: Sliced("open", ordered: true));
        result.AssertIssue(IssueSeverity.Error, IssueType.Structure, "Observation.identifier[1]", "out of order");
    }

    [Fact]
    public void OpenAtEnd_slicing_rejects_a_slice_after_an_unmatched_node()
    {
        var result = V.Validate(WithIdentifiers("urn:other", "urn:mrn"), validator: Sliced("openAtEnd", ordered: false));
        result.AssertIssue(IssueSeverity.Error, IssueType.Structure, "Observation.identifier[1]", "openAtEnd");
    }
}
