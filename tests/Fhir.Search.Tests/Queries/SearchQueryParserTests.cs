using Fhir.Core.Outcomes;
using Fhir.Search.Queries;

namespace Fhir.Search.Tests.Queries;

public class SearchQueryParserTests
{
    private const string Ucum = "http://unitsofmeasure.org";

    private static ParsedSearch Parse(string type, params (string Name, string Value)[] parameters) =>
        Parse(type, HandlingMode.Lenient, parameters);

    private static ParsedSearch Parse(string type, HandlingMode handling, params (string Name, string Value)[] parameters) =>
        SearchQueryParser.Parse(type, [.. parameters.Select(p => KeyValuePair.Create(p.Name, p.Value))], R4.Registry, handling, defaultCount: 50, maxCount: 500);

    /// <summary>The single criterion of a search that must have parsed without issues.</summary>
    private static SearchCriterion Single(ParsedSearch parsed)
    {
        Assert.Empty(parsed.Issues);
        return Assert.Single(parsed.Query.Criteria);
    }

    private static SearchValue SingleValue(string type, string name, string value)
    {
        var criterion = Single(Parse(type, (name, value)));
        return Assert.Single(criterion.Values);
    }

    private static Issue SingleError(ParsedSearch parsed)
    {
        var issue = Assert.Single(parsed.Issues);
        Assert.Equal(IssueSeverity.Error, issue.Severity);
        Assert.Empty(parsed.Query.Criteria);
        return issue;
    }

    // --- token ---

    [Theory]
    [InlineData("http://loinc.org|2345-7", "http://loinc.org", "2345-7", true)]
    [InlineData("|2345-7", null, "2345-7", true)]
    [InlineData("http://loinc.org|", "http://loinc.org", null, true)]
    [InlineData("2345-7", null, "2345-7", false)]
    public void A_token_is_split_into_system_and_code(string value, string? system, string? code, bool systemGiven)
    {
        var criterion = Single(Parse("Observation", ("code", value)));

        Assert.Equal(("code", SearchParamType.Token, (string?)null), (criterion.Code, criterion.Type, criterion.Modifier));
        Assert.Equal(new TokenSearchValue(system, code, systemGiven), Assert.Single(criterion.Values));
    }

    [Fact]
    public void A_token_splits_at_its_first_bar_only()
    {
        Assert.Equal(new TokenSearchValue("urn:x", "a|b", true), SingleValue("Observation", "identifier", "urn:x|a|b"));
    }

    [Fact]
    public void A_token_accepts_not_and_text_and_keeps_the_text_as_written()
    {
        var not = Single(Parse("Observation", ("code:not", "http://loinc.org|2345-7")));
        var text = Single(Parse("Observation", ("code:text", "Blood Glucose")));

        Assert.Equal("not", not.Modifier);
        Assert.Equal(new TokenSearchValue("http://loinc.org", "2345-7", true), Assert.Single(not.Values));
        Assert.Equal("text", text.Modifier);
        Assert.Equal(new TokenSearchValue(null, "Blood Glucose", false), Assert.Single(text.Values));
    }

    [Fact]
    public void A_text_search_on_a_token_keeps_a_bar_as_text()
    {
        Assert.Equal(new TokenSearchValue(null, "a|b", false), SingleValue("Observation", "code:text", @"a\|b"));
    }

    // --- string ---

    [Theory]
    [InlineData("family", "Müller", "muller")]
    [InlineData("family", "MÜLLER", "muller")]
    [InlineData("family:exact", "Müller", "Müller")]
    [InlineData("family:contains", "ÜLL", "ull")]
    [InlineData("given", "Zoë", "zoe")]
    public void A_string_is_normalised_unless_exact(string name, string value, string expected)
    {
        var criterion = Single(Parse("Patient", (name, value)));

        Assert.Equal(SearchParamType.String, criterion.Type);
        Assert.Equal(new StringSearchValue(expected), Assert.Single(criterion.Values));
    }

    [Theory]
    [InlineData("family", null)]
    [InlineData("family:exact", "exact")]
    [InlineData("family:contains", "contains")]
    public void A_string_criterion_carries_its_modifier(string name, string? modifier)
    {
        Assert.Equal(modifier, Single(Parse("Patient", (name, "x"))).Modifier);
    }

    // --- reference ---

    [Theory]
    [InlineData("Patient/123", "Patient", "123", null)]
    [InlineData("123", null, "123", null)]
    [InlineData("http://other.example/fhir/Patient/123", null, null, "http://other.example/fhir/Patient/123")]
    [InlineData("https://other.example/fhir/Patient/123", null, null, "https://other.example/fhir/Patient/123")]
    [InlineData("urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0", null, null, "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0")]
    public void A_reference_is_a_type_and_id_an_id_or_an_absolute_url(string value, string? type, string? id, string? url)
    {
        var criterion = Single(Parse("Observation", ("subject", value)));

        Assert.Equal(SearchParamType.Reference, criterion.Type);
        Assert.Null(criterion.Modifier);
        Assert.Equal(new ReferenceSearchValue(type, id, url), Assert.Single(criterion.Values));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("Patient/1")]
    public void A_type_modifier_gives_the_reference_its_type(string value)
    {
        var criterion = Single(Parse("Observation", ("subject:Patient", value)));

        Assert.Null(criterion.Modifier);
        Assert.Equal(new ReferenceSearchValue("Patient", "1", null), Assert.Single(criterion.Values));
    }

    [Theory]
    [InlineData("subject:Patient", "Group/1")]
    [InlineData("subject", "Patient/")]
    [InlineData("subject", "Patient/1/_history/")]
    public void A_reference_that_contradicts_its_modifier_or_has_no_id_is_an_error(string name, string value)
    {
        var issue = SingleError(Parse("Observation", (name, value)));

        Assert.Equal(IssueType.Invalid, issue.Code);
        Assert.Equal(name, issue.Expression);
        Assert.Contains($"'{name}'", issue.Message, StringComparison.Ordinal);
    }

    // --- date ---

    [Theory]
    [InlineData("", SearchPrefix.Eq)]
    [InlineData("eq", SearchPrefix.Eq)]
    [InlineData("ne", SearchPrefix.Ne)]
    [InlineData("gt", SearchPrefix.Gt)]
    [InlineData("lt", SearchPrefix.Lt)]
    [InlineData("ge", SearchPrefix.Ge)]
    [InlineData("le", SearchPrefix.Le)]
    [InlineData("sa", SearchPrefix.Sa)]
    [InlineData("eb", SearchPrefix.Eb)]
    [InlineData("ap", SearchPrefix.Ap)]
    public void A_date_takes_every_prefix_and_covers_the_range_of_its_precision(string prefix, SearchPrefix expected)
    {
        var criterion = Single(Parse("Patient", ("birthdate", prefix + "2024-05")));

        Assert.Equal(SearchParamType.Date, criterion.Type);
        Assert.Equal(
            new DateSearchValue(expected, R4.Utc(2024, 5, 1), R4.UtcEndOfSecond(2024, 5, 31, 23, 59, 59)),
            Assert.Single(criterion.Values));
    }

    public static TheoryData<string, DateTime, DateTime> DatePrecisions => new()
    {
        { "2024", R4.Utc(2024, 1, 1), R4.UtcEndOfSecond(2024, 12, 31, 23, 59, 59) },
        { "2024-02", R4.Utc(2024, 2, 1), R4.UtcEndOfSecond(2024, 2, 29, 23, 59, 59) },
        { "2024-05-14", R4.Utc(2024, 5, 14), R4.UtcEndOfSecond(2024, 5, 14, 23, 59, 59) },
        { "2024-05-14T10", R4.Utc(2024, 5, 14, 10, 0, 0), R4.UtcEndOfSecond(2024, 5, 14, 10, 59, 59) },
        { "2024-05-14T10:30", R4.Utc(2024, 5, 14, 10, 30, 0), R4.UtcEndOfSecond(2024, 5, 14, 10, 30, 59) },
        { "2024-05-14T10:30:15Z", R4.Utc(2024, 5, 14, 10, 30, 15), R4.UtcEndOfSecond(2024, 5, 14, 10, 30, 15) },
        { "2024-05-14T10:30:15+02:00", R4.Utc(2024, 5, 14, 8, 30, 15), R4.UtcEndOfSecond(2024, 5, 14, 8, 30, 15) },
        { "2024-05-14T10:30:15.5Z", R4.Utc(2024, 5, 14, 10, 30, 15).AddMilliseconds(500), R4.Utc(2024, 5, 14, 10, 30, 15).AddMilliseconds(600).AddTicks(-1) },
    };

    [Theory]
    [MemberData(nameof(DatePrecisions))]
    public void A_date_of_any_precision_is_the_UTC_range_it_covers(string value, DateTime low, DateTime high)
    {
        Assert.Equal(new DateSearchValue(SearchPrefix.Eq, low, high), SingleValue("Observation", "date", value));
    }

    [Theory]
    [InlineData("2024-13")]
    [InlineData("2024-5-1")]
    [InlineData("yesterday")]
    [InlineData("xx2024")]
    [InlineData("ge")]
    public void A_malformed_date_is_an_error_naming_the_parameter(string value)
    {
        var issue = SingleError(Parse("Patient", ("birthdate", value)));

        Assert.Equal(IssueType.Invalid, issue.Code);
        Assert.Equal("birthdate", issue.Expression);
        Assert.Contains("'birthdate'", issue.Message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", issue.Message, StringComparison.Ordinal);
    }

    // --- number ---

    [Theory]
    [InlineData("100", SearchPrefix.Eq, "100", "99.5", "100.5")]
    [InlineData("100.00", SearchPrefix.Eq, "100", "99.995", "100.005")]
    [InlineData("1.50", SearchPrefix.Eq, "1.5", "1.495", "1.505")]
    [InlineData("1e2", SearchPrefix.Eq, "100", "50", "150")]
    [InlineData("1.0e2", SearchPrefix.Eq, "100", "95", "105")]
    [InlineData("gt0.8", SearchPrefix.Gt, "0.8", "0.75", "0.85")]
    [InlineData("le-2", SearchPrefix.Le, "-2", "-2.5", "-1.5")]
    public void A_number_covers_the_range_of_its_precision(string value, SearchPrefix prefix, string number, string low, string high)
    {
        var criterion = Single(Parse("RiskAssessment", ("probability", value)));

        Assert.Equal(SearchParamType.Number, criterion.Type);
        Assert.Equal(new NumberSearchValue(prefix, D(number), D(low), D(high)), Assert.Single(criterion.Values));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1e")]
    [InlineData("1,5x")]
    [InlineData("gt")]
    public void A_malformed_number_is_an_error_naming_the_parameter(string value)
    {
        var issue = Assert.Single(Parse("RiskAssessment", ("probability", value)).Issues);

        Assert.True(issue.IsError);
        Assert.Equal("probability", issue.Expression);
    }

    // --- quantity ---

    [Fact]
    public void A_UCUM_quantity_gets_its_canonical_value()
    {
        var criterion = Single(Parse("Observation", ("value-quantity", $"5.4|{Ucum}|mg")));

        Assert.Equal(SearchParamType.Quantity, criterion.Type);
        Assert.Equal(
            new QuantitySearchValue(SearchPrefix.Eq, 5.4m, 5.35m, 5.45m, Ucum, "mg", 0.0054m, "g"),
            Assert.Single(criterion.Values));
    }

    [Theory]
    [InlineData("5.4", null, null, null, null)]
    [InlineData("5.4||mg", null, "mg", "0.0054", "g")]
    [InlineData("5.4|http://snomed.info/sct|258684004", "http://snomed.info/sct", "258684004", null, null)]
    [InlineData($"5.4|{Ucum}|furlongs", Ucum, "furlongs", null, null)]
    public void A_quantity_may_leave_out_system_and_unit(string value, string? system, string? unit, string? canonicalValue, string? canonicalUnit)
    {
        var quantity = Assert.IsType<QuantitySearchValue>(SingleValue("Observation", "value-quantity", value));

        Assert.Equal(5.4m, quantity.Value);
        Assert.Equal((system, unit, canonicalUnit), (quantity.System, quantity.Unit, quantity.CanonicalUnit));
        Assert.Equal(canonicalValue is null ? null : D(canonicalValue), quantity.CanonicalValue);
    }

    [Fact]
    public void A_quantity_takes_a_prefix()
    {
        var quantity = Assert.IsType<QuantitySearchValue>(SingleValue("Observation", "value-quantity", $"ge5400|{Ucum}|ug"));

        Assert.Equal(SearchPrefix.Ge, quantity.Prefix);
        Assert.Equal((5400m, 5399.5m, 5400.5m), (quantity.Value, quantity.Low, quantity.High));
        Assert.Equal((0.0054m, "g"), (quantity.CanonicalValue, quantity.CanonicalUnit));
    }

    [Theory]
    [InlineData($"5.4|{Ucum}")]
    [InlineData("5.4|a|b|c")]
    [InlineData("mg|x|y")]
    public void A_malformed_quantity_is_an_error(string value)
    {
        var issue = SingleError(Parse("Observation", ("value-quantity", value)));

        Assert.Equal("value-quantity", issue.Expression);
    }

    // --- uri ---

    [Theory]
    [InlineData("url", null)]
    [InlineData("url:below", "below")]
    [InlineData("url:above", "above")]
    public void A_uri_is_kept_as_written(string name, string? modifier)
    {
        var criterion = Single(Parse("Questionnaire", (name, "http://example.org/fhir/Questionnaire/PHQ-9|1.0")));

        Assert.Equal((SearchParamType.Uri, modifier), (criterion.Type, criterion.Modifier));
        Assert.Equal(new UriSearchValue("http://example.org/fhir/Questionnaire/PHQ-9|1.0"), Assert.Single(criterion.Values));
    }

    // --- :missing ---

    [Theory]
    [InlineData("Patient", "family:missing", "true", SearchParamType.String, true)]
    [InlineData("Patient", "birthdate:missing", "false", SearchParamType.Date, false)]
    [InlineData("Observation", "subject:missing", "true", SearchParamType.Reference, true)]
    [InlineData("Observation", "value-quantity:missing", "true", SearchParamType.Quantity, true)]
    [InlineData("Observation", "code:missing", "false", SearchParamType.Token, false)]
    [InlineData("Questionnaire", "url:missing", "true", SearchParamType.Uri, true)]
    [InlineData("RiskAssessment", "probability:missing", "true", SearchParamType.Number, true)]
    public void Missing_is_a_boolean_on_every_type(string type, string name, string value, SearchParamType paramType, bool missing)
    {
        var criterion = Single(Parse(type, (name, value)));

        Assert.Equal((paramType, "missing"), (criterion.Type, criterion.Modifier));
        Assert.Equal(new MissingSearchValue(missing), Assert.Single(criterion.Values));
    }

    [Theory]
    [InlineData("_id:missing", "true", true)]
    [InlineData("_id:missing", "false", false)]
    [InlineData("_lastUpdated:missing", "true", true)]
    [InlineData("_lastUpdated:missing", "false", false)]
    public void Missing_on_id_and_lastUpdated_is_a_missing_value(string name, string value, bool missing)
    {
        var criterion = Single(Parse("Patient", (name, value)));

        Assert.Equal((name[..name.IndexOf(':')], SearchParamType.Special, "missing"), (criterion.Code, criterion.Type, criterion.Modifier));
        Assert.Equal(new MissingSearchValue(missing), Assert.Single(criterion.Values));
    }

    [Theory]
    [InlineData("family:missing")]
    [InlineData("_id:missing")]
    [InlineData("_lastUpdated:missing")]
    public void Missing_takes_only_true_or_false(string name)
    {
        var issue = SingleError(Parse("Patient", (name, "yes")));

        Assert.Equal(name, issue.Expression);
    }

    // --- _id and _lastUpdated ---

    [Fact]
    public void An_id_search_is_a_special_token_on_the_resource_id()
    {
        var criterion = Single(Parse("Patient", ("_id", "a,b")));
        var not = Single(Parse("Patient", ("_id:not", "a")));

        Assert.Equal(("_id", SearchParamType.Special, (string?)null), (criterion.Code, criterion.Type, criterion.Modifier));
        Assert.Equal([new TokenSearchValue(null, "a", false), new TokenSearchValue(null, "b", false)], criterion.Values);
        Assert.Equal("not", not.Modifier);
    }

    [Fact]
    public void A_lastUpdated_search_is_a_special_date()
    {
        var criterion = Single(Parse("Patient", ("_lastUpdated", "ge2024-01-01")));

        Assert.Equal(("_lastUpdated", SearchParamType.Special), (criterion.Code, criterion.Type));
        Assert.Equal(new DateSearchValue(SearchPrefix.Ge, R4.Utc(2024, 1, 1), R4.UtcEndOfSecond(2024, 1, 1, 23, 59, 59)), Assert.Single(criterion.Values));
    }

    // --- escaping, OR and AND ---

    [Fact]
    public void An_escaped_comma_is_part_of_the_value()
    {
        var criterion = Single(Parse("Patient", ("family", @"Smith\,Jones")));

        Assert.Equal(new StringSearchValue("smith,jones"), Assert.Single(criterion.Values));
    }

    [Fact]
    public void An_escaped_dollar_and_backslash_are_part_of_the_value()
    {
        Assert.Equal(new StringSearchValue("a$b"), SingleValue("Patient", "family:exact", @"a\$b"));
        Assert.Equal(new StringSearchValue(@"a\b"), SingleValue("Patient", "family:exact", @"a\\b"));
        Assert.Equal(new UriSearchValue("http://x/a,b"), SingleValue("Questionnaire", "url", @"http://x/a\,b"));
    }

    [Fact]
    public void An_escaped_bar_does_not_split_a_token()
    {
        Assert.Equal(new TokenSearchValue(null, "a|b", false), SingleValue("Observation", "code", @"a\|b"));
        Assert.Equal(new TokenSearchValue("http://x", "a|b", true), SingleValue("Observation", "identifier", @"http://x|a\|b"));
        Assert.Equal(new TokenSearchValue("urn:a|b", "1", true), SingleValue("Observation", "identifier", @"urn:a\|b|1"));
    }

    [Fact]
    public void An_escaped_backslash_before_a_bar_leaves_the_bar_a_separator()
    {
        Assert.Equal(new TokenSearchValue(@"a\", "b", true), SingleValue("Observation", "code", @"a\\|b"));
        Assert.Equal([new StringSearchValue(@"a\"), new StringSearchValue("b")], Single(Parse("Patient", ("family:exact", @"a\\,b"))).Values);
    }

    [Fact]
    public void Commas_join_values_with_OR()
    {
        var criterion = Single(Parse("Observation", ("code", "http://loinc.org|2345-7,|x,y")));

        Assert.Equal(
            [new TokenSearchValue("http://loinc.org", "2345-7", true), new TokenSearchValue(null, "x", true), new TokenSearchValue(null, "y", false)],
            criterion.Values);
    }

    [Fact]
    public void Repeated_parameters_join_criteria_with_AND()
    {
        var parsed = Parse("Patient", ("birthdate", "ge2000"), ("birthdate", "lt2010"), ("family", "smith"));

        Assert.Empty(parsed.Issues);
        Assert.Equal(["birthdate", "birthdate", "family"], parsed.Query.Criteria.Select(c => c.Code));
        Assert.Equal(SearchPrefix.Ge, Assert.IsType<DateSearchValue>(Assert.Single(parsed.Query.Criteria[0].Values)).Prefix);
        Assert.Equal(SearchPrefix.Lt, Assert.IsType<DateSearchValue>(Assert.Single(parsed.Query.Criteria[1].Values)).Prefix);
        Assert.Equal("Patient", parsed.Query.ResourceType);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a,,b")]
    [InlineData("a,")]
    public void An_empty_value_is_an_error(string value)
    {
        var issue = SingleError(Parse("Observation", ("code", value)));

        Assert.Equal("code", issue.Expression);
        Assert.Contains("empty", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_bad_alternative_rejects_the_whole_criterion()
    {
        var parsed = Parse("Patient", ("birthdate", "2020,notadate,2021"), ("family", "smith"));

        var issue = Assert.Single(parsed.Issues);
        Assert.Contains("'notadate'", issue.Message, StringComparison.Ordinal);
        Assert.Equal("family", Assert.Single(parsed.Query.Criteria).Code);
    }

    // --- result parameters ---

    [Fact]
    public void Count_defaults_and_is_clamped_to_the_maximum()
    {
        Assert.Equal(50, Parse("Patient").Query.Count);
        Assert.Equal(10, Parse("Patient", ("_count", "10")).Query.Count);
        Assert.Equal(0, Parse("Patient", ("_count", "0")).Query.Count);

        var clamped = Parse("Patient", ("_count", "1000"));
        Assert.Empty(clamped.Issues);
        Assert.Equal(500, clamped.Query.Count);
        Assert.Equal([KeyValuePair.Create("_count", "500")], clamped.SelfQuery);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData("1.5")]
    [InlineData("")]
    public void A_count_that_is_not_a_non_negative_integer_is_an_error(string value)
    {
        var issue = Assert.Single(Parse("Patient", ("_count", value)).Issues);

        Assert.Equal((IssueSeverity.Error, IssueType.Invalid, "_count"), (issue.Severity, issue.Code, issue.Expression));
    }

    [Fact]
    public void A_cursor_sets_the_keyset_start()
    {
        var parsed = Parse("Patient", ("_cursor", SearchCursorCodec.Encode(new SearchCursor(42, []))));

        Assert.Empty(parsed.Issues);
        Assert.Equal(42L, parsed.Query.After!.Key);
        Assert.Equal(PageDirection.Forward, parsed.Query.After.Direction);
        Assert.Null(Parse("Patient").Query.After);
        Assert.Empty(parsed.SelfQuery);
        Assert.Equal("", parsed.CanonicalCriteria);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("42")]
    [InlineData("eyJrIjoxfQ")]
    public void A_malformed_cursor_is_an_error(string value)
    {
        var issue = Assert.Single(Parse("Patient", ("_cursor", value)).Issues);

        Assert.Equal((IssueSeverity.Error, "_cursor"), (issue.Severity, issue.Expression));
    }

    [Fact]
    public void Format_parameters_are_ignored_silently()
    {
        var parsed = Parse("Patient", ("_format", "json"), ("_pretty", "true"));

        Assert.Empty(parsed.Issues);
        Assert.Empty(parsed.Query.Criteria);
        Assert.Empty(parsed.SelfQuery);
    }

    // --- unsupported parameters and modifiers ---

    [Theory]
    [InlineData("foo")]
    [InlineData("subject.nonsense")]
    [InlineData("_has:Observation:has-member:nonsense")]
    [InlineData("_text")]
    [InlineData("_content")]
    public void An_unsupported_parameter_is_a_warning_under_lenient_handling(string name)
    {
        var parsed = Parse("Observation", HandlingMode.Lenient, (name, "x"), ("code", "1"));

        var issue = Assert.Single(parsed.Issues);
        Assert.Equal((IssueSeverity.Warning, IssueType.NotSupported, name), (issue.Severity, issue.Code, issue.Expression));
        Assert.Contains("ignored", issue.Message, StringComparison.Ordinal);
        Assert.Equal("code", Assert.Single(parsed.Query.Criteria).Code);
        Assert.Equal("code=1", parsed.CanonicalCriteria);
        Assert.Equal([KeyValuePair.Create("code", "1")], parsed.SelfQuery);
    }

    [Theory]
    [InlineData("foo")]
    [InlineData("subject.nonsense")]
    [InlineData("_text")]
    public void An_unsupported_parameter_is_an_error_under_strict_handling(string name)
    {
        var issue = Assert.Single(Parse("Observation", HandlingMode.Strict, (name, "x")).Issues);

        Assert.Equal((IssueSeverity.Error, IssueType.NotSupported, name), (issue.Severity, issue.Code, issue.Expression));
        Assert.Contains("rejected", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_warning_says_why_the_parameter_was_ignored()
    {
        Assert.Contains("Observation has no search parameter 'family'", Assert.Single(Parse("Observation", ("family", "x")).Issues).Message, StringComparison.Ordinal);
        Assert.Contains("no target of 'subject' has a search parameter 'nonsense'", Assert.Single(Parse("Observation", ("subject.nonsense", "x")).Issues).Message, StringComparison.Ordinal);
        Assert.Contains("Observation has no reference search parameter 'code'", Assert.Single(Parse("Patient", ("_has:Observation:code:status", "x")).Issues).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Observation", "code:in", "in")]
    [InlineData("Observation", "code:exact", "exact")]
    [InlineData("Observation", "code-value-quantity:exact", "exact")]
    [InlineData("Observation", "subject:", "")]
    [InlineData("Patient", "family:text", "text")]
    [InlineData("Patient", "birthdate:exact", "exact")]
    [InlineData("RiskAssessment", "probability:not", "not")]
    [InlineData("Observation", "value-quantity:missin", "missin")]
    [InlineData("Questionnaire", "url:contains", "contains")]
    [InlineData("Patient", "_id:exact", "exact")]
    [InlineData("Patient", "_lastUpdated:not", "not")]
    public void An_unsupported_modifier_is_an_error_even_under_lenient_handling(string type, string name, string modifier)
    {
        var issue = SingleError(Parse(type, HandlingMode.Lenient, (name, "1")));

        Assert.Equal((IssueType.NotSupported, name), (issue.Code, issue.Expression));
        Assert.Contains($"':{modifier}'", issue.Message, StringComparison.Ordinal);
    }

    // --- canonical criteria and self link ---

    [Fact]
    public void Canonical_criteria_do_not_depend_on_parameter_order()
    {
        var a = Parse("Observation", ("subject", "Patient/1"), ("code", "http://loinc.org|2345-7"), ("date", "ge2024"), ("_count", "5"));
        var b = Parse("Observation", ("_count", "20"), ("date", "ge2024"), ("code", "http://loinc.org|2345-7"), ("subject", "Patient/1"));

        Assert.Equal("code=http://loinc.org|2345-7&date=ge2024&subject=Patient/1", a.CanonicalCriteria);
        Assert.Equal(a.CanonicalCriteria, b.CanonicalCriteria);
    }

    [Fact]
    public void Canonical_criteria_keep_modifiers_and_tell_different_searches_apart()
    {
        var exact = Parse("Patient", ("family:exact", "Smith"));
        var plain = Parse("Patient", ("family", "Smith"));

        Assert.Equal("family:exact=Smith", exact.CanonicalCriteria);
        Assert.NotEqual(exact.CanonicalCriteria, plain.CanonicalCriteria);
    }

    [Fact]
    public void The_self_query_lists_the_applied_parameters_in_request_order()
    {
        var parsed = Parse("Patient", ("given", "Zoë"), ("unknown", "x"), ("_count", "5"), ("family", "Smith"), ("_format", "json"));

        Assert.Equal(
            [KeyValuePair.Create("given", "Zoë"), KeyValuePair.Create("_count", "5"), KeyValuePair.Create("family", "Smith")],
            parsed.SelfQuery);
    }

    [Fact]
    public void A_query_string_parses_end_to_end()
    {
        var parsed = SearchQueryParser.Parse(
            "Observation",
            QueryParameters.Parse("?subject=Patient%2F1&code=http%3A%2F%2Floinc.org%7C2345-7,8480-6&date=ge2024-01-01T00%3A00%3A00%2B01%3A00&_count=2"),
            R4.Registry, HandlingMode.Strict, defaultCount: 50, maxCount: 100);

        Assert.Empty(parsed.Issues);
        Assert.Equal(2, parsed.Query.Count);
        Assert.Equal(new ReferenceSearchValue("Patient", "1", null), Assert.Single(parsed.Query.Criteria[0].Values));
        Assert.Equal([new TokenSearchValue("http://loinc.org", "2345-7", true), new TokenSearchValue(null, "8480-6", false)], parsed.Query.Criteria[1].Values);
        Assert.Equal(new DateSearchValue(SearchPrefix.Ge, R4.Utc(2023, 12, 31, 23, 0, 0), R4.UtcEndOfSecond(2023, 12, 31, 23, 0, 0)), Assert.Single(parsed.Query.Criteria[2].Values));
    }

    private static decimal D(string text) => decimal.Parse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
}
