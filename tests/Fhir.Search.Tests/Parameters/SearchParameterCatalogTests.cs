using Fhir.Search.Indexing;
using Fhir.Search.Parameters;

namespace Fhir.Search.Tests.Parameters;

public class SearchParameterCatalogTests
{
    private const string CopyNumberObservation = """
        {"resourceType":"Observation","status":"final","code":{"text":"variant"},
         "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"48018-6"}]},
                       "valueCodeableConcept":{"coding":[{"system":"http://www.genenames.org","code":"HGNC:6973"}]}}]}
        """;

    private static IReadOnlyList<SearchParameterInfo> Gene(string expression = "Observation.component.where(code.coding.code = '48018-6').value") =>
        [.. SearchParameterRegistry.FromResource(CustomParameters.Element(CustomParameters.Gene(expression)))];

    [Fact]
    public void A_custom_parameter_is_in_force_in_the_next_snapshot_and_its_indexer_extracts_it()
    {
        var catalog = new SearchParameterCatalog(R4.Registry);
        var before = catalog.Current;

        var changed = catalog.Set("SearchParameter/gene", Gene());

        Assert.Equal([("Observation", "test-gene")], changed);
        Assert.Null(before.Registry.Find("Observation", "test-gene"));
        Assert.True(catalog.Current.Registry.Version > before.Registry.Version);
        Assert.Equal(CustomParameters.GeneUrl, catalog.Current.Registry.Find("Observation", "test-gene")!.Url);
        var values = catalog.Current.Indexer.Extract(R4.Parse(CopyNumberObservation));
        Assert.Contains(new TokenIndexValue("test-gene", "http://www.genenames.org", "HGNC:6973"), values);
        Assert.DoesNotContain(before.Indexer.Extract(R4.Parse(CopyNumberObservation)), v => v.Code == "test-gene");
    }

    [Fact]
    public void Setting_the_same_definition_again_changes_nothing()
    {
        var catalog = new SearchParameterCatalog(R4.Registry);
        catalog.Set("SearchParameter/gene", Gene());
        var version = catalog.Current.Registry.Version;

        Assert.Empty(catalog.Set("SearchParameter/gene", Gene()));
        Assert.Equal(version, catalog.Current.Registry.Version);
    }

    [Fact]
    public void Changing_the_expression_reports_the_pair_and_the_new_expression_wins()
    {
        var catalog = new SearchParameterCatalog(R4.Registry);
        catalog.Set("SearchParameter/gene", Gene());

        var changed = catalog.Set("SearchParameter/gene", Gene("Observation.code"));

        Assert.Equal([("Observation", "test-gene")], changed);
        Assert.Equal("Observation.code", catalog.Current.Registry.Find("Observation", "test-gene")!.Expression);
    }

    [Fact]
    public void Removing_a_source_that_overrode_a_base_parameter_brings_the_base_one_back()
    {
        var catalog = new SearchParameterCatalog(R4.Registry);
        var baseCode = R4.Registry.Find("Observation", "code")!;
        var custom = Gene("Observation.category").Select(p => p with { Code = "code", Url = "http://example.org/sp/code" }).ToList();

        Assert.Equal([("Observation", "code")], catalog.Set("x", custom));
        Assert.Equal("Observation.category", catalog.Current.Registry.Find("Observation", "code")!.Expression);

        Assert.Equal([("Observation", "code")], catalog.Remove("x"));
        Assert.Equal(baseCode, catalog.Current.Registry.Find("Observation", "code"));
        Assert.Empty(catalog.Remove("x"));
    }

    [Fact]
    public void Extract_with_codes_returns_only_the_values_of_those_parameters()
    {
        var indexer = new ResourceIndexer(R4.Registry);
        var observation = R4.Parse(CopyNumberObservation);

        var some = indexer.Extract(observation, new HashSet<string> { "status", "code" });

        Assert.Equal(["code", "status"], some.Select(v => v.Code).Distinct().Order());
        Assert.Equal(indexer.Extract(observation).Where(v => v.Code is "status" or "code"), some);
    }
}
