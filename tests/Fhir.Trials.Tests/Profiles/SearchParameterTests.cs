using Fhir.Core.Definitions;
using Fhir.Core.Model;
using Fhir.Path;
using Fhir.Search.Indexing;
using Fhir.Search.Parameters;

namespace Fhir.Trials.Tests.Profiles;

/// <summary>The custom SearchParameters in <c>profiles/</c> find the right values in the valid examples, through FHIRPath and through the search indexer.</summary>
public class SearchParameterTests
{
    private static readonly Lazy<ResourceIndexer> Indexer = new(() =>
    {
        var added = ProfilesFolder.Canonicals.Values
            .Where(r => r.GetProperty("resourceType").GetString() == "SearchParameter")
            .SelectMany(SearchParameterRegistry.FromResource);
        return new ResourceIndexer(SearchParameterRegistry.CreateR4(FhirDefinitions.R4).With(added));
    });

    [Theory]
    [InlineData("observation-gene", "Observation-mdm2-p001.json", "http://www.genenames.org|HGNC:6973")]
    [InlineData("observation-gene", "Observation-tp53-p001.json", "http://www.genenames.org|HGNC:11998")]
    [InlineData("observation-gene", "Observation-bor-p001.json", "")]
    [InlineData("observation-copy-number", "Observation-mdm2-p001.json", "12 http://unitsofmeasure.org|1")]
    [InlineData("observation-copy-number", "Observation-mdm2-range-p002.json", "")]
    [InlineData("observation-copy-number-range", "Observation-mdm2-range-p002.json", "8 http://unitsofmeasure.org|1")]
    [InlineData("observation-copy-number-range", "Observation-mdm2-p001.json", "")]
    [InlineData("adverseevent-grade", "AdverseEvent-ae-p001-1.json", "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl#|C41340")]
    [InlineData("adverseevent-grade", "AdverseEvent-ae-p004-1.json", "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl#|C48275")]
    [InlineData("adverseevent-outcome", "AdverseEvent-ae-p004-1.json", "http://terminology.hl7.org/CodeSystem/adverse-event-outcome|fatal")]
    [InlineData("adverseevent-research-subject", "AdverseEvent-ae-p001-1.json", "ResearchSubject/rain-32-p001")]
    [InlineData("adverseevent-research-subject", "AdverseEvent-ae-p004-1.json", "")]
    [InlineData("researchsubject-arm", "ResearchSubject-rain-32-p001.json", "liposarcoma")]
    public void The_expression_finds_the_expected_values_in_the_example(string parameter, string example, string expected)
    {
        var sp = ProfilesFolder.Canonicals[$"{ProfilesFolder.Base}/SearchParameter/{parameter}"];
        var resource = ProfilesFolder.ReadResource(System.IO.Path.Combine(ProfilesFolder.Root, "examples", "valid", example));
        var result = FhirPathCompiler.Compile(sp.GetProperty("expression").GetString()!).Evaluate(resource);
        Assert.Equal(expected, string.Join(",", result.Select(Render)));

        // The indexer (what the server stores) sees the same values under the parameter's code.
        var code = sp.GetProperty("code").GetString()!;
        var indexed = Indexer.Value.Extract(resource).Where(v => v.Code == code).Select(v => v switch
        {
            TokenIndexValue t => t.System is null ? t.Value : $"{t.System}|{t.Value}",
            QuantityIndexValue q => $"{q.Value} {q.System}|{q.Unit}",
            ReferenceIndexValue r => $"{r.TargetType}/{r.TargetId}",
            _ => v.ToString(),
        });
        Assert.Equal(expected, string.Join(",", indexed));
    }

    [Fact]
    public void Every_custom_parameter_is_tested_and_its_base_and_type_suit_its_expression()
    {
        var parameters = ProfilesFolder.Canonicals.Values.Where(r => r.GetProperty("resourceType").GetString() == "SearchParameter").ToList();
        Assert.Equal(7, parameters.Count);
        foreach (var sp in parameters)
        {
            var baseType = Assert.Single(sp.GetProperty("base").EnumerateArray()).GetString()!;
            Assert.StartsWith(baseType + ".", sp.GetProperty("expression").GetString(), StringComparison.Ordinal);
            var compiled = FhirPathCompiler.Compile(sp.GetProperty("expression").GetString()!, new CompileOptions { Strict = true, RootType = baseType });
            Assert.NotNull(compiled);
        }
    }

    private static string Render(object item) => item switch
    {
        Fhir.Core.Model.ElementNode { Type.Name: "CodeableConcept" } node =>
            string.Join(",", node.ChildrenNamed("coding").Select(c => $"{c.GetString("system")}|{c.GetString("code")}")),
        Fhir.Core.Model.ElementNode { Type.Name: "Quantity" } node => $"{node.Child("value")!.DecimalText ?? node.Child("value")!.Value} {node.GetString("system")}|{node.GetString("code")}",
        Fhir.Core.Model.ElementNode { Type.Name: "Reference" } node => node.GetString("reference")!,
        // A closed Range is indexed as the quantity at its middle (covering low..high).
        Fhir.Core.Model.ElementNode { Type.Name: "Range" } node =>
            $"{((decimal)node.Child("low")!.Child("value")!.Value! + (decimal)node.Child("high")!.Child("value")!.Value!) / 2} {node.Child("low")!.GetString("system")}|{node.Child("low")!.GetString("code")}",
        Fhir.Core.Model.ElementNode node => node.Value?.ToString() ?? node.Type.Name,
        _ => item.ToString()!,
    };
}
