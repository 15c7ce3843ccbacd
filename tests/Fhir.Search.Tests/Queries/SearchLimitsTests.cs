using Fhir.Core.Outcomes;
using Fhir.Search.Queries;

namespace Fhir.Search.Tests.Queries;

/// <summary>Issue 12 items 11 and 19: the parser refuses searches beyond its limits, naming the limit and the parameter.</summary>
public class SearchLimitsTests
{
    private static readonly SearchLimits Small = new() { MaxCriteria = 6, MaxValuesPerCriterion = 10, MaxValues = 15, MaxValueLength = 40 };

    private static ParsedSearch Parse(string type, SearchLimits limits, IEnumerable<(string Name, string Value)> parameters, ICodeSets? codeSets = null) =>
        SearchQueryParser.Parse(type, [.. parameters.Select(p => KeyValuePair.Create(p.Name, p.Value))], R4.Registry,
            new SearchParseOptions { Handling = HandlingMode.Strict, Limits = limits, CodeSets = codeSets });

    private static Issue Refused(ParsedSearch parsed, IssueType type, string parameter)
    {
        var error = Assert.Single(parsed.Issues, i => i.IsError);
        Assert.Equal(type, error.Code);
        Assert.Equal(parameter, error.Expression);
        return error;
    }

    [Fact]
    public void Issue_12_item_11_a_code_ANDed_a_hundred_times_is_refused_with_the_limit_named()
    {
        var parsed = Parse("Observation", SearchLimits.Default, Enumerable.Range(0, 100).Select(i => ("code", $"http://loinc.org|{i}")));
        var error = Refused(parsed, IssueType.TooCostly, "code");
        Assert.Contains("32 criteria", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Issue_12_item_19_a_hundred_thousand_ids_are_refused_before_they_reach_a_database()
    {
        var parsed = Parse("Patient", SearchLimits.Default, [("_id", string.Join(",", Enumerable.Range(0, 100_000).Select(i => "id" + i)))]);
        var error = Refused(parsed, IssueType.TooCostly, "_id");
        Assert.Contains("at most 500 values", error.Message, StringComparison.Ordinal);
    }

    // One criterion of each kind, with the number of criteria it counts as (links of chains and _has count too).
    public static TheoryData<string, string, string, int> CriterionKinds => new()
    {
        { "Observation", "code", "http://loinc.org|1", 1 },
        { "Observation", "date", "ge2020", 1 },
        { "Observation", "value-quantity", "5.4|http://unitsofmeasure.org|mg", 1 },
        { "Observation", "code-value-quantity", "http://loinc.org|1$gt5", 1 },
        { "Observation", "subject:Patient.name", "x", 2 },
        { "Observation", "subject:Patient.organization.name", "x", 3 },
        { "Patient", "_has:Observation:subject:code", "x", 2 },
        { "Patient", "_has:Observation:subject:_has:Provenance:target:agent", "Practitioner/x", 3 },
        { "Patient", "_id", "a", 1 },
        { "Patient", "_lastUpdated", "ge2020", 1 },
        { "Patient", "name:contains", "x", 1 },
    };

    [Theory]
    [MemberData(nameof(CriterionKinds))]
    public void Criteria_up_to_the_limit_pass_and_one_more_is_refused_for_every_kind(string type, string name, string value, int weight)
    {
        var fits = Small.MaxCriteria / weight;
        Assert.Empty(Parse(type, Small, Enumerable.Repeat((name, value), fits)).Issues);
        var parsed = Parse(type, Small, Enumerable.Repeat((name, value), fits + 1));
        Refused(parsed, IssueType.TooCostly, name);
        Assert.Empty(parsed.Query.Criteria.Skip(fits)); // nothing past the limit is parsed
    }

    [Fact]
    public void Sort_keys_count_as_criteria()
    {
        Assert.Empty(Parse("Patient", Small, [("name", "x"), ("_sort", "birthdate,-name,_id,_lastUpdated,family")]).Issues);
        Refused(Parse("Patient", Small, [("name", "x"), ("_sort", "birthdate,-name,_id,_lastUpdated,family,given")]), IssueType.TooCostly, "_sort");
    }

    // A value of every parameter type; the second is a value that is one character longer at the end.
    public static TheoryData<string, string, string> ValueKinds => new()
    {
        { "Observation", "code", "http://loinc.org|{0}" },
        { "Observation", "code:text", "{0}" },
        { "Observation", "identifier:of-type", "http://x|MR|{0}" },
        { "Patient", "name", "{0}" },
        { "Patient", "name:exact", "{0}" },
        { "Patient", "name:contains", "{0}" },
        { "Observation", "subject", "Patient/{0}" },
        { "Observation", "subject:identifier", "urn:x|{0}" },
        { "Observation", "date", "ge20{0}" },
        { "RiskAssessment", "probability", "gt0.{0}" },
        { "Observation", "value-quantity", "ap{0}|http://unitsofmeasure.org|mg" },
        { "ValueSet", "url", "http://x/{0}" },
        { "Observation", "code-value-quantity", "http://loinc.org|{0}$ge1" },
        { "Patient", "_id", "x{0}" },
        { "Observation", "subject:Patient.name", "{0}" },
        { "Patient", "_has:Observation:subject:code", "{0}" },
    };

    [Theory]
    [MemberData(nameof(ValueKinds))]
    public void Values_of_one_parameter_up_to_the_limit_pass_and_one_more_is_refused_for_every_type(string type, string name, string pattern)
    {
        var limits = Small with { MaxValues = 100 };
        string List(int n) => string.Join(",", Enumerable.Range(10, n).Select(i => string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, i)));
        Assert.Empty(Parse(type, limits, [(name, List(limits.MaxValuesPerCriterion))]).Issues);
        var error = Refused(Parse(type, limits, [(name, List(limits.MaxValuesPerCriterion + 1))]), IssueType.TooCostly, name);
        Assert.Contains("at most 10 values", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ValueKinds))]
    public void Values_of_the_whole_search_up_to_the_limit_pass_and_one_more_is_refused_for_every_type(string type, string name, string pattern)
    {
        // Composite values count one per component: two here.
        var each = name == "code-value-quantity" ? 2 : 1;
        var limits = Small with { MaxValuesPerCriterion = 100, MaxValues = 12 };
        string List(int n) => string.Join(",", Enumerable.Range(10, n).Select(i => string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, i)));
        var fits = limits.MaxValues / each;
        Assert.Empty(Parse(type, limits, [(name, List(fits / 2)), (name, List(fits - fits / 2))]).Issues);
        var error = Refused(Parse(type, limits, [(name, List(fits / 2)), (name, List(fits - fits / 2 + 1))]), IssueType.TooCostly, name);
        Assert.Contains("more than 12 values", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ValueKinds))]
    public void A_value_as_long_as_the_limit_passes_and_one_character_more_is_too_long_for_every_type(string type, string name, string pattern)
    {
        var shortest = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, "");
        var fits = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, new string('7', Small.MaxValueLength - shortest.Length));
        var over = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, new string('7', Small.MaxValueLength - shortest.Length + 1));
        Assert.Equal(Small.MaxValueLength, fits.Length);
        Assert.DoesNotContain(Parse(type, Small, [(name, fits)]).Issues, i => i.Code == IssueType.TooLong);
        var error = Refused(Parse(type, Small, [(name, over)]), IssueType.TooLong, name);
        Assert.Contains("at most 40 characters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_set_counts_what_it_expands_to()
    {
        var codeSets = new Expanding(12);
        var refused = Parse("Observation", Small with { MaxValues = 100, MaxValuesPerCriterion = 23 }, [("code:in", "http://x/vs")], codeSets);
        Refused(refused, IssueType.TooCostly, "code:in");
        // 12 members, each with and without its system.
        Assert.Empty(Parse("Observation", Small with { MaxValues = 100, MaxValuesPerCriterion = 24 }, [("code:in", "http://x/vs")], codeSets).Issues);
    }

    [Fact]
    public void System_searches_have_the_same_limits()
    {
        var options = new SearchParseOptions { Limits = Small };
        var parsed = SearchQueryParser.ParseSystem([.. Enumerable.Repeat(KeyValuePair.Create("_id", "a"), 7), KeyValuePair.Create("_type", "Patient,Observation")], R4.Registry, options);
        Refused(parsed, IssueType.TooCostly, "_id");
    }

    [Fact]
    public void Limits_beyond_the_ceiling_or_below_one_are_refused_at_start()
    {
        SearchLimits.Default.Validate();
        SearchLimits.Ceiling.Validate();
        Assert.Throws<InvalidOperationException>(() => (SearchLimits.Ceiling with { MaxCriteria = SearchLimits.Ceiling.MaxCriteria + 1 }).Validate());
        Assert.Throws<InvalidOperationException>(() => (SearchLimits.Ceiling with { MaxValues = SearchLimits.Ceiling.MaxValues + 1 }).Validate());
        Assert.Throws<InvalidOperationException>(() => (SearchLimits.Ceiling with { MaxValueLength = SearchLimits.Ceiling.MaxValueLength + 1 }).Validate());
        Assert.Throws<InvalidOperationException>(() => (SearchLimits.Default with { MaxValuesPerCriterion = 0 }).Validate());
    }

    [Theory]
    [MemberData(nameof(ValueKinds))]
    public void Issue_12_item_16_control_characters_in_a_value_are_refused_for_every_type_but_tab_CR_and_LF(string type, string name, string pattern)
    {
        for (var c = (char)0; c < ' '; c++)
        {
            var value = string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, "a" + c + "b");
            var parsed = Parse(type, SearchLimits.Default, [(name, value)]);
            if (c is '\t' or '\r' or '\n')
            {
                Assert.DoesNotContain(parsed.Issues, i => i.Message.Contains("control character", StringComparison.Ordinal));
                continue;
            }
            var error = Assert.Single(parsed.Issues, i => i.IsError);
            Assert.Equal(name, error.Expression);
            Assert.Contains($"U+{(int)c:X4}", error.Message, StringComparison.Ordinal);
        }
    }

    private sealed class Expanding(int members) : ICodeSets
    {
        public IReadOnlyCollection<CodeSetMember>? Expand(string valueSetUrl) =>
            [.. Enumerable.Range(0, members).Select(i => new CodeSetMember("http://x", "c" + i))];

        public IReadOnlyCollection<CodeSetMember>? Related(string system, string code, SubsumptionDirection direction) => null;
    }
}
