using Fhir.Core.Definitions;
using Fhir.Core.Model;

namespace Fhir.Path.Tests.Unit;

public sealed class NavigationTests
{
    [Fact]
    public void A_property_before_a_long_repeat_is_found_and_the_repeat_keeps_its_order()
    {
        var entries = string.Join(",", Enumerable.Range(0, 500).Select(i => $$$"""{"fullUrl":"urn:uuid:{{{i}}}"}"""));
        var bundle = Fp.Resource($$$"""{"resourceType":"Bundle","type":"collection","entry":[{{{entries}}}],"signature":{"data":"AA=="}}""");

        Assert.Equal("collection", Fp.Value("Bundle.type", bundle));
        Assert.Equal(500, Fp.Value("Bundle.entry.count()", bundle));
        Assert.Equal("urn:uuid:499", Fp.Value("Bundle.entry.last().fullUrl", bundle));
        Assert.True(Fp.Bool("Bundle.entry.all(%resource.type = 'collection')", bundle));
        Assert.Equal("AA==", Fp.Value("Bundle.signature.data", bundle));
    }

    [Fact]
    public void Children_without_a_definition_are_found_even_when_interleaved()
    {
        var text = FhirDefinitions.R4.FindType("string")!;
        var root = new ElementNode("Basic", FhirDefinitions.R4.FindType("Basic")!);
        foreach (var (name, value) in new[] { ("a", "1"), ("b", "2"), ("a", "3") })
        {
            root.Add(new ElementNode(name, text) { Value = value });
        }

        Assert.Equal(["1", "3"], Fp.Eval("a", root).Select(n => ((ElementNode)n).Value));
    }
}
