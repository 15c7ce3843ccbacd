using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Core.Model;

namespace Fhir.Core.Tests.Json;

public class ElementNodeExtensionsTests
{
    private static FhirDefinitions R4 => FhirDefinitions.R4;

    [Fact]
    public void SetPrimitive_and_GetOrAddComplex_build_a_resource_in_canonical_order()
    {
        var patient = new ElementNode("Patient", R4.FindType("Patient")!);
        patient.SetPrimitive("gender", "male");
        patient.SetPrimitive("id", "p1");
        patient.GetOrAddComplex("meta").SetPrimitive("versionId", "1");
        patient.SetPrimitive("active", true);
        Assert.Equal(
            """{"resourceType":"Patient","id":"p1","meta":{"versionId":"1"},"active":true,"gender":"male"}""",
            FhirJsonWriter.SerializeToString(patient));
    }

    [Fact]
    public void SetPrimitive_replaces_the_value_and_keeps_the_primitive_extensions()
    {
        var patient = FhirJsonReader.Parse("""{"resourceType":"Patient","birthDate":"1970","_birthDate":{"id":"b"}}""").Resource!;
        var before = patient.Child("birthDate");
        var after = patient.SetPrimitive("birthDate", "1971-02");
        Assert.Same(before, after);
        Assert.Equal("""{"resourceType":"Patient","birthDate":"1971-02","_birthDate":{"id":"b"}}""", FhirJsonWriter.SerializeToString(patient));
    }

    [Fact]
    public void SetPrimitive_names_a_choice_by_its_JSON_name_or_by_the_CLR_type_of_the_value()
    {
        var observation = new ElementNode("Observation", R4.FindType("Observation")!);
        observation.SetPrimitive("valueString", "high");
        observation.SetPrimitive("valueBoolean", true); // switches the choice
        Assert.Equal(true, Assert.Single(observation.ChildrenNamed("value")).Value);

        var integer = observation.SetPrimitive("value", 7);
        Assert.Equal("valueInteger", integer.JsonName);
        Assert.Single(observation.ChildrenNamed("value"));
    }

    [Fact]
    public void SetPrimitive_formats_moments_as_FHIR_instants()
    {
        var meta = new ElementNode("Patient", R4.FindType("Patient")!).GetOrAddComplex("meta");
        Assert.Equal("2024-05-01T10:00:00Z", meta.SetPrimitive("lastUpdated", new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero)).Value);
        Assert.Equal("2024-05-01T10:00:00.123Z", meta.SetPrimitive("lastUpdated", new DateTimeOffset(2024, 5, 1, 10, 0, 0, 123, TimeSpan.Zero)).Value);
        Assert.Equal("2024-05-01T10:00:00+02:00", meta.SetPrimitive("lastUpdated", new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.FromHours(2))).Value);
    }

    [Theory]
    [InlineData("birthDate", "1970-02-30")]     // not a date
    [InlineData("gender", 1)]                   // a code is a string
    [InlineData("id", "not an id")]
    [InlineData("name", "Peter")]               // HumanName is not a primitive
    [InlineData("nickname", "Pete")]            // no such element
    [InlineData("deceased", 1.5)]               // no choice type takes a double
    public void SetPrimitive_rejects_what_the_element_cannot_hold(string name, object value)
    {
        var patient = new ElementNode("Patient", R4.FindType("Patient")!);
        Assert.Throws<ArgumentException>(() => patient.SetPrimitive(name, value));
        Assert.Empty(patient.Children);
    }

    [Fact]
    public void GetOrAddComplex_returns_the_existing_element()
    {
        var patient = new ElementNode("Patient", R4.FindType("Patient")!);
        var meta = patient.GetOrAddComplex("meta");
        Assert.Same(meta, patient.GetOrAddComplex("meta"));
        Assert.Throws<ArgumentException>(() => patient.GetOrAddComplex("gender"));
    }

    [Fact]
    public void GetString_reads_any_primitive_as_text()
    {
        var observation = FhirJsonReader.Parse("""
            {"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1.50,"unit":"mmHg"},
             "component":[{"code":{"text":"c"},"valueBoolean":false}]}
            """).Resource!;
        Assert.Equal("final", observation.GetString("status"));
        Assert.Equal("1.50", observation.Child("value")!.GetString("value"));
        Assert.Equal("false", observation.Child("component")!.GetString("valueBoolean"));
        Assert.Null(observation.GetString("issued"));
        Assert.Null(observation.GetString("code")); // not a primitive
    }
}
