using Fhir.Core.Outcomes;
using Fhir.Search.Queries;

namespace Fhir.Search.Tests.Queries;

/// <summary><see cref="SearchQueryParser.ParseSystem"/>: system-level search, <c>_type</c> and the parameters common to the types searched.</summary>
public class SearchQueryParserSystemTests
{
    private static ParsedSearch Parse(HandlingMode handling, params (string Name, string Value)[] parameters) =>
        SearchQueryParser.ParseSystem([.. parameters.Select(p => KeyValuePair.Create(p.Name, p.Value))], R4.Registry,
            new SearchParseOptions { Handling = handling, DefaultCount = 50, MaxCount = 500 });

    private static ParsedSearch Parse(params (string Name, string Value)[] parameters) => Parse(HandlingMode.Strict, parameters);

    [Theory]
    [InlineData("_tag", "urn:x|1", SearchParamType.Token)]
    [InlineData("_security", "urn:x|1", SearchParamType.Token)]
    [InlineData("_profile", "http://example.org/p", SearchParamType.Uri)]
    [InlineData("_source", "http://example.org/s", SearchParamType.Uri)]
    [InlineData("_id", "a,b", SearchParamType.Special)]
    [InlineData("_lastUpdated", "ge2020-01-01", SearchParamType.Special)]
    public void Without_type_the_parameters_of_every_resource_apply_to_all_types(string name, string value, SearchParamType type)
    {
        var parsed = Parse((name, value));

        Assert.Empty(parsed.Issues);
        var criterion = Assert.Single(parsed.Query.Criteria);
        Assert.Equal((name, type), (criterion.Code, criterion.Type));
        Assert.Null(parsed.Query.ResourceType);
        Assert.Null(parsed.Query.ResourceTypes);
    }

    [Fact]
    public void One_type_makes_it_a_search_of_that_type_with_its_own_parameters()
    {
        var parsed = Parse(("_type", "Patient"), ("family", "doe"), ("_sort", "birthdate"));

        Assert.Empty(parsed.Issues);
        Assert.Equal("Patient", parsed.Query.ResourceType);
        Assert.Null(parsed.Query.ResourceTypes);
        Assert.Equal("family", Assert.Single(parsed.Query.Criteria).Code);
        Assert.Equal(SearchParamType.Date, Assert.Single(parsed.Query.Sort).Type);
        Assert.Equal(KeyValuePair.Create("_type", "Patient"), parsed.SelfQuery[0]);
    }

    [Fact]
    public void Several_types_are_listed_once_each_and_take_the_parameters_they_all_define()
    {
        var parsed = Parse(("_type", "Patient,Practitioner"), ("_type", "Patient"), ("name", "zed"), ("_sort", "-name"));

        Assert.Empty(parsed.Issues);
        Assert.Null(parsed.Query.ResourceType);
        Assert.Equal(["Patient", "Practitioner"], parsed.Query.ResourceTypes!);
        var criterion = Assert.Single(parsed.Query.Criteria);
        Assert.Equal(("name", SearchParamType.String), (criterion.Code, criterion.Type));
        Assert.Equal(new SortKey("name", SearchParamType.String, SortDirection.Descending), Assert.Single(parsed.Query.Sort));
        Assert.Equal([KeyValuePair.Create("_type", "Patient,Practitioner"), KeyValuePair.Create("name", "zed"), KeyValuePair.Create("_sort", "-name")], parsed.SelfQuery);
    }

    [Fact]
    public void A_chain_common_to_the_listed_types_is_accepted()
    {
        var parsed = Parse(("_type", "Observation,Encounter"), ("subject:Patient.name", "zed"));

        Assert.Empty(parsed.Issues);
        var chain = Assert.IsType<ChainSearchValue>(Assert.Single(Assert.Single(parsed.Query.Criteria).Values));
        Assert.Equal(["Patient"], chain.TargetTypes);
    }

    [Fact]
    public void A_type_specific_parameter_without_type_is_rejected_strictly_naming_it()
    {
        var issue = Assert.Single(Parse(("name", "zed")).Issues);

        Assert.True(issue.IsError);
        Assert.Equal("name", issue.Expression);
        Assert.Contains("_type", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_specific_parameter_without_type_is_ignored_with_a_warning_when_lenient()
    {
        var parsed = Parse(HandlingMode.Lenient, ("name", "zed"), ("_tag", "urn:x|1"));

        var issue = Assert.Single(parsed.Issues);
        Assert.False(issue.IsError);
        Assert.Equal("name", issue.Expression);
        Assert.Equal("_tag", Assert.Single(parsed.Query.Criteria).Code);
    }

    [Theory]
    [InlineData("name")] // Observation has no name
    [InlineData("_has:Observation:patient:code")] // without _type there is no type for _has to point at
    public void A_parameter_some_listed_type_lacks_is_rejected_naming_it(string name)
    {
        var types = name == "name" ? "Patient,Observation" : null;
        var parsed = types is null ? Parse((name, "x")) : Parse(("_type", types), (name, "x"));

        var issue = Assert.Single(parsed.Issues);
        Assert.True(issue.IsError);
        Assert.Equal(name, issue.Expression);
    }

    [Fact]
    public void An_unknown_type_is_a_400_naming_type()
    {
        var issue = Assert.Single(Parse(("_type", "Patient,NoSuchThing")).Issues);

        Assert.True(issue.IsError);
        Assert.Equal("_type", issue.Expression);
        Assert.Contains("NoSuchThing", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sorting_without_type_takes_only_id_and_last_updated()
    {
        Assert.Empty(Parse(("_sort", "-_lastUpdated,_id")).Issues);

        var issue = Assert.Single(Parse(("_sort", "name")).Issues);
        Assert.Equal("_sort", issue.Expression);
    }

    [Fact]
    public void A_malformed_common_parameter_is_an_error_whatever_the_handling()
    {
        var issue = Assert.Single(Parse(HandlingMode.Lenient, ("_lastUpdated", "yesterday")).Issues);

        Assert.True(issue.IsError);
        Assert.Equal("_lastUpdated", issue.Expression);
    }
}
