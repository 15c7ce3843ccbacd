using Fhir.Core.Outcomes;
using Fhir.Search.Queries;

namespace Fhir.Search.Tests.Queries;

/// <summary>Chains, reverse chains, composites, the modifiers that become index codes, code sets, sort and total.</summary>
public class CriterionParserTests
{
    private const string Loinc = "http://loinc.org";

    private static ParsedSearch Parse(string type, params (string Name, string Value)[] parameters) =>
        Parse(type, new SearchParseOptions { DefaultCount = 20, MaxCount = 100 }, parameters);

    private static ParsedSearch Parse(string type, SearchParseOptions options, params (string Name, string Value)[] parameters) =>
        SearchQueryParser.Parse(type, [.. parameters.Select(p => KeyValuePair.Create(p.Name, p.Value))], R4.Registry, options);

    private static SearchCriterion Single(ParsedSearch parsed)
    {
        Assert.Empty(parsed.Issues);
        return Assert.Single(parsed.Query.Criteria);
    }

    private static Issue SingleError(ParsedSearch parsed)
    {
        var issue = Assert.Single(parsed.Issues);
        Assert.True(issue.IsError);
        return issue;
    }

    // --- chains ---

    [Fact]
    public void A_typed_chain_is_a_reference_criterion_whose_value_holds_the_inner_criterion()
    {
        var criterion = Single(Parse("Observation", ("subject:Patient.name", "Smith")));

        Assert.Equal(("subject", SearchParamType.Reference, (string?)null), (criterion.Code, criterion.Type, criterion.Modifier));
        var chain = Assert.IsType<ChainSearchValue>(Assert.Single(criterion.Values));
        Assert.Equal(["Patient"], chain.TargetTypes);
        Assert.Equal(("name", SearchParamType.String, (string?)null), (chain.Inner.Code, chain.Inner.Type, chain.Inner.Modifier));
        Assert.Equal(new StringSearchValue("smith"), Assert.Single(chain.Inner.Values));
    }

    [Fact]
    public void An_untyped_chain_goes_to_every_target_that_has_the_next_parameter()
    {
        var chain = Assert.IsType<ChainSearchValue>(Assert.Single(Single(Parse("Observation", ("subject.birthdate", "2000"))).Values));

        // Of subject's targets (Patient, Group, Device, Location) only Patient has birthdate.
        Assert.Equal(["Patient"], chain.TargetTypes);
        Assert.Equal(SearchParamType.Date, chain.Inner.Type);
    }

    [Fact]
    public void A_chain_may_have_several_levels_and_end_in_a_modifier()
    {
        var outer = Assert.IsType<ChainSearchValue>(Assert.Single(Single(Parse("Observation", ("subject:Patient.organization.name:exact", "Acme,Beta"))).Values));
        var middle = Assert.IsType<ChainSearchValue>(Assert.Single(outer.Inner.Values));

        Assert.Equal("organization", outer.Inner.Code);
        Assert.Equal(["Organization"], middle.TargetTypes);
        Assert.Equal(("name", "exact"), (middle.Inner.Code, middle.Inner.Modifier));
        Assert.Equal([new StringSearchValue("Acme"), new StringSearchValue("Beta")], middle.Inner.Values);
    }

    [Fact]
    public void A_chain_through_a_parameter_that_is_not_a_reference_is_unsupported()
    {
        var issue = Assert.Single(Parse("Observation", ("code.name", "x")).Issues);

        Assert.Equal((IssueSeverity.Warning, "code.name"), (issue.Severity, issue.Expression));
    }

    [Fact]
    public void A_malformed_value_at_the_end_of_a_chain_is_an_error_naming_the_whole_parameter()
    {
        var issue = SingleError(Parse("Observation", ("subject:Patient.birthdate", "2024-13-01")));

        Assert.Equal("subject:Patient.birthdate", issue.Expression);
    }

    // --- reverse chains ---

    [Fact]
    public void Has_is_a_reverse_chain_on_the_source_type_and_reference()
    {
        var criterion = Single(Parse("Patient", ("_has:Observation:patient:code", $"{Loinc}|1234-5")));

        Assert.Equal(("_has", SearchParamType.Special), (criterion.Code, criterion.Type));
        var has = Assert.IsType<ReverseChainSearchValue>(Assert.Single(criterion.Values));
        Assert.Equal(("Observation", "patient", "code"), (has.SourceType, has.ReferenceCode, has.Inner.Code));
        Assert.Equal(new TokenSearchValue(Loinc, "1234-5", true), Assert.Single(has.Inner.Values));
    }

    [Fact]
    public void Has_nests()
    {
        var outer = Assert.IsType<ReverseChainSearchValue>(Assert.Single(Single(Parse("Patient", ("_has:Observation:patient:_has:Provenance:target:agent", "Practitioner/1"))).Values));
        var inner = Assert.IsType<ReverseChainSearchValue>(Assert.Single(outer.Inner.Values));

        Assert.Equal(("Provenance", "target", "agent"), (inner.SourceType, inner.ReferenceCode, inner.Inner.Code));
    }

    [Theory]
    [InlineData("_has:Observation:patient")]
    [InlineData("_has:Observation::code")]
    [InlineData("_has:Observation:subject:code")]
    public void A_malformed_has_or_one_that_cannot_point_here_is_an_error(string name)
    {
        // subject can point at a Group, a Patient...: but _has on an Organization cannot be reached through it.
        var issue = SingleError(Parse("Organization", (name, "x")));

        Assert.Equal(name, issue.Expression);
    }

    // --- composites ---

    [Fact]
    public void A_composite_value_is_one_criterion_per_component_on_its_index_code()
    {
        var criterion = Single(Parse("Observation", ("component-code-value-quantity", $"{Loinc}|82155-3$ge8")));

        Assert.Equal(SearchParamType.Composite, criterion.Type);
        var value = Assert.IsType<CompositeSearchValue>(Assert.Single(criterion.Values));
        Assert.Equal(["component-code-value-quantity$0", "component-code-value-quantity$1"], value.Components.Select(c => c.Code));
        Assert.Equal(new TokenSearchValue(Loinc, "82155-3", true), Assert.Single(value.Components[0].Values));
        var quantity = Assert.IsType<QuantitySearchValue>(Assert.Single(value.Components[1].Values));
        Assert.Equal((SearchPrefix.Ge, 8m), (quantity.Prefix, quantity.Value));
    }

    [Fact]
    public void Composite_values_are_ORed_and_an_escaped_dollar_is_text()
    {
        var criterion = Single(Parse("Observation", ("code-value-string", @"a$x\$y,b$z")));

        Assert.Equal(2, criterion.Values.Count);
        var first = Assert.IsType<CompositeSearchValue>(criterion.Values[0]);
        Assert.Equal(new StringSearchValue("x$y"), Assert.Single(first.Components[1].Values));
    }

    [Theory]
    [InlineData("http://loinc.org|82155-3")]
    [InlineData("http://loinc.org|82155-3$ge8$1")]
    [InlineData("http://loinc.org|82155-3$abc")]
    [InlineData("$8")]
    public void A_composite_with_the_wrong_number_of_parts_or_a_bad_part_is_an_error(string value)
    {
        var issue = SingleError(Parse("Observation", ("component-code-value-quantity", value)));

        Assert.Equal("component-code-value-quantity", issue.Expression);
    }

    [Fact]
    public void Missing_on_a_composite_looks_at_its_first_component()
    {
        var criterion = Single(Parse("Observation", ("code-value-quantity:missing", "true")));

        Assert.Equal(("code-value-quantity$0", SearchParamType.Token, "missing"), (criterion.Code, criterion.Type, criterion.Modifier));
    }

    // --- modifiers searched as their own index code ---

    [Fact]
    public void Of_type_becomes_a_token_on_the_of_type_code()
    {
        var criterion = Single(Parse("Patient", ("identifier:of-type", "http://terminology.hl7.org/CodeSystem/v2-0203|MR|446053")));

        Assert.Equal(("identifier:of-type", SearchParamType.Token, (string?)null), (criterion.Code, criterion.Type, criterion.Modifier));
        Assert.Equal(new TokenSearchValue("http://terminology.hl7.org/CodeSystem/v2-0203", "MR|446053", true), Assert.Single(criterion.Values));
    }

    [Theory]
    [InlineData("MR|446053")]
    [InlineData("sys||446053")]
    [InlineData("sys|MR|")]
    public void Of_type_needs_a_type_code_and_a_value(string value)
    {
        Assert.Equal("identifier:of-type", SingleError(Parse("Patient", ("identifier:of-type", value))).Expression);
    }

    [Fact]
    public void Identifier_on_a_reference_becomes_a_token_on_the_identifier_code()
    {
        var criterion = Single(Parse("Observation", ("subject:identifier", "urn:mrn|123")));

        Assert.Equal(("subject:identifier", SearchParamType.Token), (criterion.Code, criterion.Type));
        Assert.Equal(new TokenSearchValue("urn:mrn", "123", true), Assert.Single(criterion.Values));
    }

    // --- references ---

    [Theory]
    [InlineData("http://example.org/fhir/Patient/1")]
    [InlineData("Patient/1/_history/3")]
    [InlineData("http://example.org/fhir/Patient/1/_history/3")]
    public void A_reference_on_this_server_or_to_a_version_is_the_local_reference(string value)
    {
        var options = new SearchParseOptions { BaseUrl = "http://example.org/fhir" };

        // ... or the same resource written as an absolute URL on this server.
        Assert.Equal(new ReferenceSearchValue("Patient", "1", "http://example.org/fhir/Patient/1"), Assert.Single(Single(Parse("Observation", options, ("subject", value))).Values));
    }

    [Fact]
    public void A_reference_to_another_server_stays_a_url()
    {
        var options = new SearchParseOptions { BaseUrl = "http://example.org/fhir" };

        Assert.Equal(new ReferenceSearchValue(null, null, "http://example.org/other/Patient/1"),
            Assert.Single(Single(Parse("Observation", options, ("subject", "http://example.org/other/Patient/1"))).Values));
    }

    // --- code sets ---

    private sealed class HandMadeCodeSets : ICodeSets
    {
        public IReadOnlyCollection<CodeSetMember>? Expand(string valueSetUrl) => valueSetUrl switch
        {
            "http://acme.org/vs/vitals" => [new(Loinc, "8867-4"), new(Loinc, "8480-6")],
            "http://acme.org/vs/empty" => [],
            _ => null,
        };

        public IReadOnlyCollection<CodeSetMember>? Related(string system, string code, SubsumptionDirection direction) =>
            (system, code, direction) switch
            {
                ("http://acme.org/cs", "tumour", SubsumptionDirection.Below) => [new(system, "tumour"), new(system, "sarcoma"), new(system, "liposarcoma")],
                ("http://acme.org/cs", "liposarcoma", SubsumptionDirection.Above) => [new(system, "liposarcoma"), new(system, "sarcoma"), new(system, "tumour")],
                _ => null,
            };
    }

    private static readonly SearchParseOptions WithCodeSets = new() { CodeSets = new HandMadeCodeSets() };

    [Fact]
    public void In_expands_the_value_set_into_alternatives_that_also_match_bare_codes()
    {
        var criterion = Single(Parse("Observation", WithCodeSets, ("code:in", "http://acme.org/vs/vitals")));

        Assert.Null(criterion.Modifier);
        // Each member as system|code, and as |code for elements of type code, which are indexed without a system.
        Assert.Equal(
            [new TokenSearchValue(Loinc, "8867-4", true), new TokenSearchValue(null, "8867-4", true), new TokenSearchValue(Loinc, "8480-6", true), new TokenSearchValue(null, "8480-6", true)],
            criterion.Values);
    }

    [Fact]
    public void Not_in_is_not_over_the_expansion_and_an_empty_expansion_has_no_values()
    {
        var notIn = Single(Parse("Observation", WithCodeSets, ("code:not-in", "http://acme.org/vs/vitals")));
        var empty = Single(Parse("Observation", WithCodeSets, ("code:in", "http://acme.org/vs/empty")));

        Assert.Equal(("not", 4), (notIn.Modifier, notIn.Values.Count));
        Assert.Empty(empty.Values);
    }

    [Fact]
    public void Below_and_above_expand_the_hierarchy()
    {
        var below = Single(Parse("Condition", WithCodeSets, ("code:below", "http://acme.org/cs|tumour")));
        var above = Single(Parse("Condition", WithCodeSets, ("code:above", "http://acme.org/cs|liposarcoma")));

        Assert.Equal(["tumour", "sarcoma", "liposarcoma"], below.Values.Cast<TokenSearchValue>().Where(v => v.System is not null).Select(v => v.Code));
        Assert.Equal(3, above.Values.Cast<TokenSearchValue>().Count(v => v.System is not null));
    }

    [Theory]
    [InlineData("code:in", "http://acme.org/vs/unknown")]
    [InlineData("code:below", "tumour")]
    [InlineData("code:below", "http://acme.org/cs|unknown")]
    public void An_unknown_code_set_is_an_error(string name, string value)
    {
        Assert.Equal(name, SingleError(Parse("Condition", WithCodeSets, (name, value))).Expression);
    }

    [Fact]
    public void Code_set_modifiers_without_terminology_are_not_supported()
    {
        var issue = SingleError(Parse("Observation", ("code:in", "http://acme.org/vs/vitals")));

        Assert.Equal(IssueType.NotSupported, issue.Code);
    }

    // --- sort and total ---

    [Fact]
    public void Sort_keys_keep_their_order_direction_and_type()
    {
        var parsed = Parse("Observation", ("_sort", "-date,code,_id,-_lastUpdated"));

        Assert.Empty(parsed.Issues);
        Assert.Equal(
            [
                new SortKey("date", SearchParamType.Date, SortDirection.Descending),
                new SortKey("code", SearchParamType.Token, SortDirection.Ascending),
                new SortKey("_id", SearchParamType.Special, SortDirection.Ascending),
                new SortKey("_lastUpdated", SearchParamType.Special, SortDirection.Descending),
            ],
            parsed.Query.Sort);
        Assert.Contains(KeyValuePair.Create("_sort", "-date,code,_id,-_lastUpdated"), parsed.SelfQuery);
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("code-value-quantity")]
    [InlineData("date,")]
    public void Sorting_by_an_unknown_or_composite_parameter_is_an_error(string value)
    {
        Assert.Equal("_sort", SingleError(Parse("Observation", ("_sort", value))).Expression);
    }

    [Theory]
    [InlineData("none", TotalMode.None)]
    [InlineData("estimate", TotalMode.Estimate)]
    [InlineData("accurate", TotalMode.Accurate)]
    public void Total_takes_none_estimate_or_accurate(string value, TotalMode expected)
    {
        Assert.Equal(expected, Parse("Patient", ("_total", value)).Query.Total);
        Assert.Equal("_total", SingleError(Parse("Patient", ("_total", "all"))).Expression);
    }

    [Fact]
    public void A_cursor_with_a_different_number_of_sort_values_than_the_sort_is_an_error()
    {
        var cursor = SearchCursorCodec.Encode(new SearchCursor(5, ["a"]));

        Assert.Empty(Parse("Patient", ("_sort", "family"), ("_cursor", cursor)).Issues);
        Assert.Equal("_cursor", SingleError(Parse("Patient", ("_cursor", cursor))).Expression);
    }
}
