using Fhir.Search.Queries;

namespace Fhir.Search.Tests.Queries;

public class QueryParametersTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("?")]
    [InlineData("&&")]
    public void An_empty_query_has_no_parameters(string? query)
    {
        Assert.Empty(QueryParameters.Parse(query));
    }

    [Fact]
    public void Pairs_come_out_decoded_and_in_order_with_repeats_kept()
    {
        var pairs = QueryParameters.Parse("?b=2&a=1&b=3");

        Assert.Equal([KeyValuePair.Create("b", "2"), KeyValuePair.Create("a", "1"), KeyValuePair.Create("b", "3")], pairs);
    }

    [Fact]
    public void Percent_escapes_and_plus_signs_are_decoded()
    {
        var pairs = QueryParameters.Parse("family=van+der+Berg&code=http%3A%2F%2Floinc.org%7C2345-7&date=2024-01-01T00:00:00%2B01:00&given=Zo%C3%AB");

        Assert.Equal(
            [KeyValuePair.Create("family", "van der Berg"), KeyValuePair.Create("code", "http://loinc.org|2345-7"),
             KeyValuePair.Create("date", "2024-01-01T00:00:00+01:00"), KeyValuePair.Create("given", "Zoë")],
            pairs);
    }

    [Fact]
    public void A_name_without_a_value_gets_an_empty_one_and_only_the_first_equals_splits()
    {
        var pairs = QueryParameters.Parse("_summary&x=a=b&y=");

        Assert.Equal([KeyValuePair.Create("_summary", ""), KeyValuePair.Create("x", "a=b"), KeyValuePair.Create("y", "")], pairs);
    }

    [Fact]
    public void Names_are_decoded_too()
    {
        Assert.Equal(KeyValuePair.Create("subject:Patient", "1"), Assert.Single(QueryParameters.Parse("subject%3APatient=1")));
    }

    [Fact]
    public void Backslash_escapes_pass_through_for_the_search_parser()
    {
        Assert.Equal(KeyValuePair.Create("family", @"a\,b"), Assert.Single(QueryParameters.Parse(@"family=a%5C%2Cb")));
    }
}
