using Fhir.Views.Evaluation;

namespace Fhir.Views.Tests.Evaluation;

public sealed class ResourceKeysTests
{
    [Theory]
    [InlineData("Patient/p1", "Patient", "p1")]
    [InlineData("http://example.org/fhir/Patient/p1", "Patient", "p1")]
    [InlineData("Patient/p1/_history/3", "Patient", "p1")]
    [InlineData("urn:uuid:6a4b3a0e-1d2c-4a8e-9f00-000000000001", null, "6a4b3a0e-1d2c-4a8e-9f00-000000000001")]
    public void References_give_the_id_they_point_at(string reference, string? type, string id)
    {
        Assert.True(ResourceKeys.TryParse(reference, out var parsedType, out var parsedId));
        Assert.Equal(type, parsedType);
        Assert.Equal(id, parsedId);
    }

    [Theory]
    [InlineData("#contained")]
    [InlineData("Patient?identifier=x|1")]
    [InlineData("")]
    [InlineData("p1")]
    public void Contained_conditional_and_bare_references_have_no_key(string reference) =>
        Assert.False(ResourceKeys.TryParse(reference, out _, out _));

    [Fact]
    public async Task Keys_join_a_resource_with_the_references_to_it()
    {
        var view = Views.Compile("""
            {"resource":"Observation","select":[{"column":[{"name":"key","path":"getResourceKey()"},{"name":"patient","path":"subject.getReferenceKey(Patient)"},
              {"name":"group","path":"subject.getReferenceKey(Group)"}]}]}
            """);
        var csv = await Views.RunText(view, ["""{"resourceType":"Observation","id":"o1","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/p9"}}"""],
            Fhir.Views.Output.ViewOutputFormat.Csv);
        Assert.Equal("key,patient,group\no1,p9,\n", csv);
    }
}
