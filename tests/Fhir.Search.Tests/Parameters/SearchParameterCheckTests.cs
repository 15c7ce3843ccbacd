using Fhir.Core.Definitions;
using Fhir.Search.Parameters;

namespace Fhir.Search.Tests.Parameters;

public class SearchParameterCheckTests
{
    private static IReadOnlyList<Core.Outcomes.Issue> Check(string json) =>
        SearchParameterCheck.Check(CustomParameters.Element(json), FhirDefinitions.R4);

    [Fact]
    public void A_usable_custom_parameter_has_no_issues() => Assert.Empty(Check(CustomParameters.Gene()));

    [Fact]
    public void An_expression_that_is_not_FHIRPath_is_reported_at_SearchParameter_expression()
    {
        var issue = Assert.Single(Check(CustomParameters.Gene("Observation.component.where(code = ")));
        Assert.Equal("SearchParameter.expression", issue.Expression);
        Assert.True(issue.IsError);
    }

    [Fact]
    public void Missing_code_and_an_unknown_base_are_reported_at_their_elements()
    {
        var json = CustomParameters.Gene().Replace("\"code\":\"test-gene\",", "").Replace("[\"Observation\"]", "[\"Observation\",\"Gadget\"]");
        var issues = Check(json);
        Assert.Equal(["SearchParameter.code", "SearchParameter.base[1]"], issues.Select(i => i.Expression));
    }

    [Fact]
    public void A_token_parameter_without_an_expression_cannot_be_indexed()
    {
        var json = CustomParameters.Gene().Replace(",\n \"expression\":\"Observation.component.where(code.coding.code = '48018-6').value\"", "");
        var element = CustomParameters.Element(json);
        Assert.False(element.TryGetProperty("expression", out _));
        Assert.Equal("SearchParameter.expression", Assert.Single(SearchParameterCheck.Check(element, FhirDefinitions.R4)).Expression);
    }
}
