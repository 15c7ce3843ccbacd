using Fhir.Search.Indexing;
using Fhir.Search.Queries;

namespace Fhir.Storage.Tests;

// Search over a fixed corpus of five Observations (o1..o5) and one Patient (p1), each with known
// index values; every test states the exact id set a query must return.
public abstract partial class StoreTests
{
    private const string Loinc = "http://loinc.org", Snomed = "http://snomed.info/sct", Ucum = "http://unitsofmeasure.org";

    private static readonly DateTime Today = DateTime.UtcNow.Date;

    [Fact]
    public async Task Token_search_matches_each_system_and_code_form()
    {
        await WriteCorpusAsync();

        Assert.Equal(["o1"], await FindAsync(TokenCriterion("code", null, new TokenSearchValue(Loinc, "1234-5", true))));
        Assert.Equal(["o3"], await FindAsync(TokenCriterion("code", null, new TokenSearchValue(null, "1234-5", true))));
        Assert.Equal(["o1", "o2"], await FindAsync(TokenCriterion("code", null, new TokenSearchValue(Loinc, null, true))));
        Assert.Equal(["o1", "o2", "o3"], await FindAsync(TokenCriterion("code", null, new TokenSearchValue(null, "1234-5", false))));
        Assert.Empty(await FindAsync(TokenCriterion("code", null, new TokenSearchValue(null, "1234-5X", false))));
    }

    [Fact]
    public async Task Token_not_modifier_matches_resources_without_any_of_the_values()
    {
        await WriteCorpusAsync();

        Assert.Equal(["o4", "o5"], await FindAsync(TokenCriterion("code", "not", new TokenSearchValue(null, "1234-5", false))));
        Assert.Equal(["o2", "o3", "o4", "o5"], await FindAsync(TokenCriterion("code", "not", new TokenSearchValue(Loinc, "1234-5", true))));
        Assert.Equal(["o3", "o4"], await FindAsync(TokenCriterion("status", "not", new TokenSearchValue(null, "final", false), new TokenSearchValue(null, "amended", false))));
    }

    [Fact]
    public async Task Token_text_modifier_matches_a_case_insensitive_prefix_of_a_word_of_the_text()
    {
        await WriteCorpusAsync();

        Assert.Equal(["o1"], await FindAsync(TokenCriterion("code", "text", new TokenSearchValue(null, "body", false))));
        Assert.Equal(["o2"], await FindAsync(TokenCriterion("code", "text", new TokenSearchValue(null, "HEART", false))));
        Assert.Equal(["o1"], await FindAsync(TokenCriterion("code", "text", new TokenSearchValue(null, "weight", false))));
        Assert.Empty(await FindAsync(TokenCriterion("code", "text", new TokenSearchValue(null, "eight", false))));
    }

    [Fact]
    public async Task String_search_matches_a_prefix_of_the_normalised_value()
    {
        await WriteCorpusAsync();

        Assert.Equal(["o1", "o2", "o4"], await FindAsync(StringCriterion(null, "smith")));
        Assert.Equal(["o2"], await FindAsync(StringCriterion(null, "smiths")));
        Assert.Equal(["o3"], await FindAsync(StringCriterion(null, "ecl")));
        Assert.Equal(["o5"], await FindAsync(StringCriterion(null, "100%")));
        Assert.Empty(await FindAsync(StringCriterion(null, "mith")));
        Assert.Empty(await FindAsync(StringCriterion(null, "10_")));
    }

    [Fact]
    public async Task String_exact_modifier_matches_the_whole_value_as_written()
    {
        await WriteCorpusAsync();

        Assert.Equal(["o1", "o4"], await FindAsync(StringCriterion("exact", "Smith")));
        Assert.Equal(["o3"], await FindAsync(StringCriterion("exact", "Éclair")));
        Assert.Empty(await FindAsync(StringCriterion("exact", "smith")));
        Assert.Empty(await FindAsync(StringCriterion("exact", "Smit")));
    }

    [Fact]
    public async Task String_contains_modifier_matches_a_substring_and_takes_wildcards_literally()
    {
        await WriteCorpusAsync();

        Assert.Equal(["o2"], await FindAsync(StringCriterion("contains", "ths")));
        Assert.Equal(["o1", "o2", "o4"], await FindAsync(StringCriterion("contains", "mit")));
        // Unescaped, % and _ would match every name.
        Assert.Equal(["o5"], await FindAsync(StringCriterion("contains", "%")));
        Assert.Equal(["o5"], await FindAsync(StringCriterion("contains", "_")));
        Assert.Equal(["o5"], await FindAsync(StringCriterion("contains", "0%_ s")));
        Assert.Empty(await FindAsync(StringCriterion("contains", "1_0")));
    }

    [Fact]
    public async Task Reference_search_matches_type_and_id_id_alone_type_modifier_and_url()
    {
        await WriteCorpusAsync();

        Assert.Equal(["o1"], await FindAsync(ReferenceCriterion(null, new ReferenceSearchValue("Patient", "p1", null))));
        Assert.Equal(["o1", "o2"], await FindAsync(ReferenceCriterion(null, new ReferenceSearchValue(null, "p1", null))));
        Assert.Equal(["o2"], await FindAsync(ReferenceCriterion("Group", new ReferenceSearchValue(null, "p1", null))));
        Assert.Equal(["o3"], await FindAsync(ReferenceCriterion(null, new ReferenceSearchValue(null, null, "http://other.org/fhir/Patient/9"))));
        Assert.Empty(await FindAsync(ReferenceCriterion(null, new ReferenceSearchValue("Patient", "p2", null))));
    }

    [Fact]
    public async Task Reference_alternatives_of_id_url_and_missing_are_ORed()
    {
        await WriteCorpusAsync();

        Assert.Equal(["o1", "o3"], await FindAsync(ReferenceCriterion(null, new ReferenceSearchValue("Patient", "p1", "http://other.org/fhir/Patient/9"))));
        Assert.Equal(["o2", "o3"], await FindAsync(new SearchCriterion("subject", SearchParamType.Reference, null,
            [new ReferenceSearchValue("Group", "p1", null), new ReferenceSearchValue(null, null, "http://other.org/fhir/Patient/9")])));
        Assert.Equal(["o2", "o4", "o5"], await FindAsync(new SearchCriterion("subject", SearchParamType.Reference, null,
            [new ReferenceSearchValue("Group", "p1", null), new MissingSearchValue(true)])));
    }

    [Fact]
    public async Task Uri_search_matches_exactly_below_and_above()
    {
        await WriteCorpusAsync();

        Assert.Equal(["o2"], await FindAsync(UriCriterion(null, "http://acme.org/fhir/")));
        Assert.Equal(["o1", "o2"], await FindAsync(UriCriterion("below", "http://acme.org/fhir/")));
        Assert.Equal(["o1"], await FindAsync(UriCriterion("below", "http://acme.org/fhir/ValueSet")));
        Assert.Equal(["o1", "o2"], await FindAsync(UriCriterion("above", "http://acme.org/fhir/ValueSet/123/_history/5")));
        Assert.Empty(await FindAsync(UriCriterion("above", "http://acme.org/")));
    }

    [Fact]
    public async Task Date_prefixes_compare_ranges_as_R4_defines()
    {
        await WriteCorpusAsync();
        var year2020 = Year(2020);
        var jan1 = Day(2020, 1, 1);

        Assert.Equal(["o1", "o2"], await FindAsync(DateCriterion(SearchPrefix.Eq, year2020)));
        Assert.Equal(["o1"], await FindAsync(DateCriterion(SearchPrefix.Eq, jan1)));
        Assert.Equal(["o3", "o4"], await FindAsync(DateCriterion(SearchPrefix.Ne, year2020)));
        Assert.Equal(["o4"], await FindAsync(DateCriterion(SearchPrefix.Gt, year2020)));
        Assert.Equal(["o3"], await FindAsync(DateCriterion(SearchPrefix.Lt, year2020)));
        Assert.Equal(["o1", "o2", "o4"], await FindAsync(DateCriterion(SearchPrefix.Ge, year2020)));
        Assert.Equal(["o1", "o2", "o3"], await FindAsync(DateCriterion(SearchPrefix.Le, year2020)));
        Assert.Equal(["o2", "o4"], await FindAsync(DateCriterion(SearchPrefix.Sa, jan1)));
        Assert.Equal(["o1", "o3"], await FindAsync(DateCriterion(SearchPrefix.Eb, Day(2020, 6, 15))));
        // Adjacent days neither overlap nor leave a gap, whatever the database's precision.
        Assert.Equal(["o1", "o2", "o4"], await FindAsync(DateCriterion(SearchPrefix.Sa, Day(2019, 12, 31))));
        Assert.Equal(["o1"], await FindAsync(DateCriterion(SearchPrefix.Eb, Day(2020, 1, 2))));
        Assert.Equal(["o1"], await FindAsync(DateCriterion(SearchPrefix.Eq, Day(2020, 1, 1))));
    }

    [Fact]
    public async Task Date_ap_prefix_allows_ten_percent_of_the_distance_to_now()
    {
        await WriteCorpusAsync();

        // issued: o1 100 days ago, o2 115, o3 130. ap 100 days ago: +-10 days; ap 120 days ago: +-12 days.
        Assert.Equal(["o1"], await FindAsync(DateCriterion(SearchPrefix.Ap, DaysAgo(100), "issued")));
        Assert.Equal(["o2", "o3"], await FindAsync(DateCriterion(SearchPrefix.Ap, DaysAgo(120), "issued")));
    }

    [Fact]
    public async Task Number_prefixes_compare_precision_ranges_as_R4_defines()
    {
        await WriteCorpusAsync();

        Assert.Equal(["o1"], await FindAsync(NumberCriterion(SearchPrefix.Eq, 100m, 99.5m, 100.5m)));
        Assert.Equal(["o1"], await FindAsync(NumberCriterion(SearchPrefix.Eq, 100m, 50m, 150m)));
        Assert.Equal(["o2", "o3"], await FindAsync(NumberCriterion(SearchPrefix.Ne, 100m, 99.5m, 100.5m)));
        Assert.Equal(["o3"], await FindAsync(NumberCriterion(SearchPrefix.Gt, 100m, 99.5m, 100.5m)));
        Assert.Equal(["o2"], await FindAsync(NumberCriterion(SearchPrefix.Lt, 100m, 99.5m, 100.5m)));
        Assert.Equal(["o1", "o3"], await FindAsync(NumberCriterion(SearchPrefix.Ge, 100m, 99.5m, 100.5m)));
        Assert.Equal(["o1", "o2"], await FindAsync(NumberCriterion(SearchPrefix.Le, 100m, 99.5m, 100.5m)));
        Assert.Equal(["o3"], await FindAsync(NumberCriterion(SearchPrefix.Sa, 100m, 99.5m, 100.5m)));
        Assert.Equal(["o2"], await FindAsync(NumberCriterion(SearchPrefix.Eb, 100m, 99.5m, 100.5m)));
        Assert.Equal(["o1"], await FindAsync(NumberCriterion(SearchPrefix.Ap, 100m, 99.5m, 100.5m)));
        Assert.Equal(["o3"], await FindAsync(NumberCriterion(SearchPrefix.Ap, 1000m, 999.5m, 1000.5m)));
        Assert.Equal(["o2"], await FindAsync(NumberCriterion(SearchPrefix.Ap, 6m, 5.5m, 6.5m)));
    }

    [Fact]
    public async Task Quantity_search_matches_units_as_written_and_compares_canonical_forms()
    {
        await WriteCorpusAsync();

        // As written: unit (and system when given) must match.
        Assert.Equal(["o1"], await FindAsync(QuantityCriterion(new(SearchPrefix.Eq, 70m, 69.5m, 70.5m, Ucum, "kg"))));
        Assert.Equal(["o1"], await FindAsync(QuantityCriterion(new(SearchPrefix.Eq, 70m, 69.5m, 70.5m, null, "kg"))));
        Assert.Empty(await FindAsync(QuantityCriterion(new(SearchPrefix.Eq, 70m, 69.5m, 70.5m, Snomed, "kg"))));
        Assert.Equal(["o4"], await FindAsync(QuantityCriterion(new(SearchPrefix.Lt, 5.5m, 5.45m, 5.55m, null, "mg"))));
        // Canonical: 70 kg is 70000 g, and so is o2's 70000 g; o3's 150 lb is 68 kg.
        Assert.Equal(["o1", "o2"], await FindAsync(QuantityCriterion(new(SearchPrefix.Eq, 70m, 69.5m, 70.5m, Ucum, "kg", 70000m, "g"))));
        Assert.Equal(["o1", "o2", "o3"], await FindAsync(QuantityCriterion(new(SearchPrefix.Gt, 60m, 59.5m, 60.5m, Ucum, "kg", 60000m, "g"))));
        Assert.Equal(["o1", "o2", "o3"], await FindAsync(QuantityCriterion(new(SearchPrefix.Ap, 68m, 67.5m, 68.5m, Ucum, "kg", 68000m, "g"))));
        Assert.Equal(["o3"], await FindAsync(QuantityCriterion(new(SearchPrefix.Lt, 69m, 68.5m, 69.5m, Ucum, "kg", 69000m, "g"))));
        // A row without a canonical form (o4, 5 mg) is compared as written.
        Assert.Equal(["o4"], await FindAsync(QuantityCriterion(new(SearchPrefix.Eq, 5m, 4.5m, 5.5m, null, "mg", 0.005m, "g"))));
    }

    [Fact]
    public async Task Missing_modifier_works_for_every_parameter_type()
    {
        await WriteCorpusAsync();

        Assert.Equal(["o3", "o4"], await FindAsync(Missing("status", SearchParamType.Token, true)));
        Assert.Equal(["o1", "o2", "o5"], await FindAsync(Missing("status", SearchParamType.Token, false)));
        Assert.Empty(await FindAsync(Missing("name", SearchParamType.String, true)));
        Assert.Equal(["o1", "o2", "o3", "o4", "o5"], await FindAsync(Missing("name", SearchParamType.String, false)));
        Assert.Equal(["o4", "o5"], await FindAsync(Missing("subject", SearchParamType.Reference, true)));
        Assert.Equal(["o1", "o2", "o3"], await FindAsync(Missing("subject", SearchParamType.Reference, false)));
        Assert.Equal(["o5"], await FindAsync(Missing("date", SearchParamType.Date, true)));
        Assert.Equal(["o4", "o5"], await FindAsync(Missing("value-number", SearchParamType.Number, true)));
        Assert.Equal(["o5"], await FindAsync(Missing("value-quantity", SearchParamType.Quantity, true)));
        Assert.Equal(["o4", "o5"], await FindAsync(Missing("source", SearchParamType.Uri, true)));
        Assert.Equal(["o1", "o2", "o3", "o4", "o5"], await FindAsync(
            new SearchCriterion("source", SearchParamType.Uri, "missing", [new MissingSearchValue(true), new MissingSearchValue(false)])));
    }

    [Fact]
    public async Task Id_and_lastUpdated_search_use_the_resource_itself()
    {
        await WriteCorpusAsync();

        Assert.Equal(["o1", "o3"], await FindAsync(new SearchCriterion("_id", SearchParamType.Special, null, [new TokenSearchValue(null, "o3", false), new TokenSearchValue(null, "o1", false)])));
        Assert.Equal(["o2"], await FindAsync(LastUpdated(SearchPrefix.Eq, Day(2024, 1, 2))));
        Assert.Equal(["o3", "o4", "o5"], await FindAsync(LastUpdated(SearchPrefix.Ge, Day(2024, 1, 3))));
        Assert.Equal(["o1"], await FindAsync(LastUpdated(SearchPrefix.Lt, Day(2024, 1, 2))));
        Assert.Empty(await FindAsync(new SearchCriterion("_id", SearchParamType.Special, "missing", [new MissingSearchValue(true)])));
        Assert.Equal(5, (await FindAsync(new SearchCriterion("_lastUpdated", SearchParamType.Special, "missing", [new MissingSearchValue(false)]))).Length);
        Assert.Equal(["o2", "o4", "o5"], await FindAsync(new SearchCriterion("_id", SearchParamType.Special, "not", [new TokenSearchValue(null, "o1", false), new TokenSearchValue(null, "o3", false)])));
    }

    [Fact]
    public async Task Criteria_are_combined_with_AND_and_values_with_OR()
    {
        await WriteCorpusAsync();

        Assert.Equal(["o1"], await FindAsync(StringCriterion(null, "smith"), TokenCriterion("status", null, new TokenSearchValue(null, "final", false))));
        Assert.Equal(["o1", "o2", "o5"], await FindAsync(TokenCriterion("status", null, new TokenSearchValue(null, "final", false), new TokenSearchValue(null, "amended", false))));
        Assert.Equal(["o1", "o2"], await FindAsync(TokenCriterion("code", null, new TokenSearchValue(null, "9999-9", false), new TokenSearchValue(Loinc, "1234-5", true))));
        Assert.Empty(await FindAsync(StringCriterion(null, "jones"), StringCriterion(null, "smith")));
    }

    [Fact]
    public async Task Search_is_limited_to_its_type_unless_the_type_is_omitted()
    {
        await WriteCorpusAsync();

        Assert.Equal(["o1", "o2", "o4"], await SearchIdsAsync("Observation", StringCriterion(null, "smith")));
        Assert.Equal(["p1"], await SearchIdsAsync("Patient", StringCriterion(null, "smith")));
        Assert.Equal(["o1", "o2", "o4", "p1"], await SearchIdsAsync(null, StringCriterion(null, "smith")));
    }

    [Fact]
    public async Task Search_returns_current_versions_with_their_bytes()
    {
        await WriteCorpusAsync();
        await WriteAsync(Update("Observation", "o5", 2, T0.AddDays(10), Token("status", null, "final")));

        var page = await Reader.SearchAsync(Query("Observation", TokenCriterion("status", null, new TokenSearchValue(null, "final", false))));

        var o5 = Assert.Single(page.Resources, r => r.Id == "o5");
        Assert.Equal(2, o5.VersionId);
        Assert.Equal(T0.AddDays(10), o5.LastUpdated);
        Assert.Equal(Json("Observation", "o5", 2), o5.Json.ToArray());
        Assert.Null(page.Next);
    }

    [Fact]
    public async Task Search_pages_through_the_after_cursor_in_write_order()
    {
        for (var i = 0; i < 7; i++) await WriteAsync(Create("Patient", "p" + i, index: Token("active", null, "true")));
        var criterion = TokenCriterion("active", null, new TokenSearchValue(null, "true", false));

        var first = await Reader.SearchAsync(new SearchQuery("Patient", [criterion], 3));
        var second = await Reader.SearchAsync(new SearchQuery("Patient", [criterion], 3, first.Next));
        var third = await Reader.SearchAsync(new SearchQuery("Patient", [criterion], 3, second.Next));
        var exact = await Reader.SearchAsync(new SearchQuery("Patient", [], 7));

        Assert.Equal(["p0", "p1", "p2"], first.Resources.Select(r => r.Id));
        Assert.Equal(["p3", "p4", "p5"], second.Resources.Select(r => r.Id));
        Assert.Equal(["p6"], third.Resources.Select(r => r.Id));
        Assert.NotNull(first.Next);
        Assert.NotNull(second.Next);
        Assert.Null(third.Next);
        Assert.Equal(7, exact.Resources.Count);
        Assert.Null(exact.Next);
    }

    [Fact]
    public async Task Unsupported_modifiers_and_types_throw_NotSupportedException()
    {
        await WriteCorpusAsync();

        await Assert.ThrowsAsync<NotSupportedException>(() => FindAsync(TokenCriterion("code", "in", new TokenSearchValue(null, "x", false))));
        await Assert.ThrowsAsync<NotSupportedException>(() => FindAsync(StringCriterion("text", "x")));
        await Assert.ThrowsAsync<NotSupportedException>(() => FindAsync(new SearchCriterion("combo", SearchParamType.Composite, "exact", [new StringSearchValue("x")])));
    }

    // ---- corpus -------------------------------------------------------------------------

    private async Task WriteCorpusAsync()
    {
        await WriteAsync(
            Create("Observation", "o1", At(1),
                Token("code", Loinc, "1234-5", "Body Weight"),
                Token("status", null, "final"),
                Str("smith", "Smith"),
                new ReferenceIndexValue("subject", "Patient", "p1", null),
                new DateIndexValue("date", Day(2020, 1, 1).Low, Day(2020, 1, 1).High),
                new DateIndexValue("issued", DaysAgo(100).Low, DaysAgo(100).High),
                new NumberIndexValue("value-number", 100m, 99.5m, 100.5m),
                new QuantityIndexValue("value-quantity", 70m, 69.5m, 70.5m, Ucum, "kg", 70000m, "g"),
                new UriIndexValue("source", "http://acme.org/fhir/ValueSet/123")),
            Create("Observation", "o2", At(2),
                Token("code", Loinc, "9999-9", "Heart rate"),
                Token("code", Snomed, "1234-5"),
                Token("status", null, "amended"),
                Str("smithson", "Smithson"),
                new ReferenceIndexValue("subject", "Group", "p1", null),
                new DateIndexValue("date", Day(2020, 6, 15).Low, Day(2020, 6, 15).High),
                new DateIndexValue("issued", DaysAgo(115).Low, DaysAgo(115).High),
                new NumberIndexValue("value-number", 5.5m, 5.45m, 5.55m),
                new QuantityIndexValue("value-quantity", 70000m, 69999.5m, 70000.5m, Ucum, "g", 70000m, "g"),
                new UriIndexValue("source", "http://acme.org/fhir/")),
            Create("Observation", "o3", At(3),
                Token("code", null, "1234-5"),
                Str("eclair", "Éclair"),
                new ReferenceIndexValue("subject", null, null, "http://other.org/fhir/Patient/9"),
                new DateIndexValue("date", new DateTime(2019, 12, 1, 0, 0, 0, DateTimeKind.Utc), Day(2020, 2, 1).High),
                new DateIndexValue("issued", DaysAgo(130).Low, DaysAgo(130).High),
                new NumberIndexValue("value-number", 1000m, 999.5m, 1000.5m),
                new QuantityIndexValue("value-quantity", 150m, 149.5m, 150.5m, Ucum, "[lb_av]", 68038.8555m, "g"),
                new UriIndexValue("source", "http://other.org/x")),
            Create("Observation", "o4", At(4),
                Token("identifier", "urn:sys", "A-1"),
                Str("smith", "Smith"),
                new DateIndexValue("date", Day(2021, 3, 3).Low, Day(2021, 3, 3).High),
                new QuantityIndexValue("value-quantity", 5m, 4.5m, 5.5m, null, "mg")),
            Create("Observation", "o5", At(5),
                Token("status", null, "final"),
                Str("100%_ sure", "100%_ sure")),
            Create("Patient", "p1", At(1),
                Token("status", null, "final"),
                Str("smith", "Smith")));
    }

    // o1..o5 were written on 2024-01-01..05 at 10:00 UTC.
    private static DateTimeOffset At(int day) => new(2024, 1, day, 10, 0, 0, TimeSpan.Zero);

    private static StringIndexValue Str(string normalized, string exact) => new("name", normalized, exact);

    private static (DateTime Low, DateTime High) Day(int y, int m, int d)
    {
        var low = new DateTime(y, m, d, 0, 0, 0, DateTimeKind.Utc);
        return (low, low.AddDays(1).AddTicks(-1));
    }

    private static (DateTime Low, DateTime High) Year(int y)
    {
        var low = new DateTime(y, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        return (low, low.AddYears(1).AddTicks(-1));
    }

    private static (DateTime Low, DateTime High) DaysAgo(int days)
    {
        var low = Today.AddDays(-days);
        return (low, low.AddDays(1).AddTicks(-1));
    }

    private async Task<string[]> FindAsync(params SearchCriterion[] criteria)
    {
        var ids = await SearchIdsAsync("Observation", criteria);
        // The session search must agree with the store search.
        await using (var session = await Store.BeginWriteAsync())
        {
            Assert.Equal(ids, await session.SearchIdsAsync(Query("Observation", criteria), Fhir.Storage.Access.ReadScope.Everything, 1000));
        }
        return ids;
    }

    private static SearchCriterion StringCriterion(string? modifier, string value) =>
        new("name", SearchParamType.String, modifier, [new StringSearchValue(value)]);

    private static SearchCriterion ReferenceCriterion(string? modifier, ReferenceSearchValue value) =>
        new("subject", SearchParamType.Reference, modifier, [value]);

    private static SearchCriterion UriCriterion(string? modifier, string value) =>
        new("source", SearchParamType.Uri, modifier, [new UriSearchValue(value)]);

    private static SearchCriterion DateCriterion(SearchPrefix prefix, (DateTime Low, DateTime High) range, string code = "date") =>
        new(code, SearchParamType.Date, null, [new DateSearchValue(prefix, range.Low, range.High)]);

    private static SearchCriterion LastUpdated(SearchPrefix prefix, (DateTime Low, DateTime High) range) =>
        new("_lastUpdated", SearchParamType.Special, null, [new DateSearchValue(prefix, range.Low, range.High)]);

    private static SearchCriterion NumberCriterion(SearchPrefix prefix, decimal value, decimal low, decimal high) =>
        new("value-number", SearchParamType.Number, null, [new NumberSearchValue(prefix, value, low, high)]);

    private static SearchCriterion QuantityCriterion(QuantitySearchValue value) =>
        new("value-quantity", SearchParamType.Quantity, null, [value]);

    private static SearchCriterion Missing(string code, SearchParamType type, bool missing) =>
        new(code, type, "missing", [new MissingSearchValue(missing)]);
}
