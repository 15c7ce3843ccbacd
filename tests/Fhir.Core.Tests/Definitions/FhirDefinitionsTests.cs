using Fhir.Core.Definitions;

namespace Fhir.Core.Tests.Definitions;

public class FhirDefinitionsTests
{
    private static FhirDefinitions R4 => FhirDefinitions.R4;

    [Fact]
    public void Holds_every_conformance_resource_of_the_package()
    {
        var counts = R4.Entries.GroupBy(e => e.ResourceType).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(655, counts["StructureDefinition"]);
        Assert.Equal(1400, counts["SearchParameter"]);
        Assert.Equal(1316, counts["ValueSet"]);
        Assert.Equal(1062, counts["CodeSystem"]);
        Assert.Equal(6, counts["CompartmentDefinition"]);
    }

    [Fact]
    public void Lists_the_146_concrete_resource_types_of_R4()
    {
        Assert.Equal(146, R4.ResourceTypeNames.Count);
        Assert.Contains("Observation", R4.ResourceTypeNames);
        Assert.DoesNotContain("DomainResource", R4.ResourceTypeNames);
    }

    [Fact]
    public void Observation_has_a_choice_value_and_a_repeating_backbone_component()
    {
        var observation = R4.FindType("Observation")!;
        Assert.Equal(TypeKind.Resource, observation.Kind);
        Assert.True(observation.IsA("DomainResource"));
        Assert.True(observation.IsA("Resource"));

        Assert.True(observation.TryResolveJsonName("valueQuantity", out var value, out var choice));
        Assert.Equal("value", value.Name);
        Assert.Equal("Quantity", choice!.Code);
        Assert.False(observation.TryResolveJsonName("valueFoo", out _, out _));

        var component = observation.FindElement("component")!;
        Assert.True(component.IsCollection);
        Assert.Equal("Observation.component", component.NestedType!.Name);
        Assert.True(component.NestedType.TryResolveJsonName("valueCodeableConcept", out _, out _));
    }

    [Fact]
    public void A_content_reference_points_at_the_referenced_backbone_type()
    {
        var range = R4.FindType("Observation.component")!.FindElement("referenceRange")!;
        Assert.Same(R4.FindType("Observation.referenceRange"), range.NestedType);
    }

    [Fact]
    public void Primitive_types_know_their_system_type_and_pattern()
    {
        var dec = R4.FindType("decimal")!;
        Assert.Equal(TypeKind.Primitive, dec.Kind);
        Assert.Equal("System.Decimal", dec.SystemType);
        Assert.NotNull(dec.ValuePattern);
        Assert.Null(dec.FindElement("value"));
        Assert.NotNull(dec.FindElement("extension"));
        Assert.Equal("System.String", R4.FindType("Extension")!.FindElement("url")!.Types[0].Code);
    }

    [Fact]
    public void Finds_conformance_resources_by_canonical_url_ignoring_the_version()
    {
        var entry = R4.FindByUrl("http://hl7.org/fhir/SearchParameter/clinical-code|4.0.1");
        Assert.NotNull(entry);
        Assert.Equal("SearchParameter", entry.ResourceType);
        Assert.Contains("\"expression\"", System.Text.Encoding.UTF8.GetString(R4.ReadJson(entry)));
    }
}
