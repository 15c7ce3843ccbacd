using Fhir.Search.Indexing;
using Fhir.Search.Queries;

namespace Fhir.Storage.Tests;

// Composites, chains, reverse chains, sort, keyset paging both ways and totals over a second fixed corpus:
//   Organization org1 "Acme Hospital", org2 "Beta Clinic"
//   Patient pa "Smith" (org1, born 1980, weight 70), pb "Jones" (org2, born 1975, weight 80.5),
//           pc "Smithers" (no org, no birth date, weight 9.5), pd "Smith" deleted
//   Observation ob1 -> Patient/pa, code L|1, components (82155-3: 12) (48018-6: HGNC:6973)
//               ob2 -> Patient/pb, code L|2, components (82155-3: 5) (99999-9: 12)
//               ob3 -> Patient/pc, code L|1;  ob4 -> Group/pa, code L|2;  ob5 -> Patient/pd, code L|1
public abstract partial class StoreTests
{
    private const string Cnv = "component-code-value-quantity";

    [Fact]
    public async Task Composite_components_match_only_within_the_same_element()
    {
        await WriteLinkedCorpusAsync();

        Assert.Equal(["ob1"], await ObservationsAsync(Composite(("82155-3", SearchPrefix.Ge, 8m))));
        Assert.Equal(["ob2"], await ObservationsAsync(Composite(("82155-3", SearchPrefix.Lt, 8m))));
        // ob2 has 12 and has 82155-3, but not in the same component.
        Assert.Equal(["ob2"], await ObservationsAsync(Composite(("99999-9", SearchPrefix.Ge, 10m))));
        Assert.Empty(await ObservationsAsync(Composite(("99999-9", SearchPrefix.Lt, 10m))));
        Assert.Equal(["ob1", "ob2"], await ObservationsAsync(Composite(("82155-3", SearchPrefix.Ge, 8m), ("99999-9", SearchPrefix.Eq, 12m))));
        Assert.Equal(["ob1", "ob2"], await ObservationsAsync(new SearchCriterion(Cnv + "$0", SearchParamType.Token, "missing", [new MissingSearchValue(false)])));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)] // the form a PostgreSQL page takes when many resources refer to many targets: a probe per candidate
    [InlineData(false, true)] // ... and to few targets: their references merged in key order
    public async Task A_chain_matches_references_to_current_resources_that_satisfy_the_inner_criterion(bool dense, bool merged)
    {
        Fhir.Storage.Sql.SearchPlanner.DenseRowsForTests.Value = dense ? 1 : null;
        Fhir.Storage.Sql.SearchPlanner.MaxMergedTargetsForTests.Value = merged ? null : 0;
        await WriteLinkedCorpusAsync();

        // pd is a Smith too, but deleted.
        Assert.Equal(["ob1", "ob3"], await ObservationsAsync(Chain("subject", ["Patient"], Name("smith"))));
        Assert.Equal(["ob2"], await ObservationsAsync(Chain("subject", ["Patient"], Name("jones"))));
        // An untyped chain over Patient and Group: ob4 points at Group/pa, which does not exist.
        Assert.Equal(["ob1", "ob3"], await ObservationsAsync(Chain("subject", ["Patient", "Group"], Name("smith"))));
        Assert.Equal(["ob1", "ob2"], await ObservationsAsync(Chain("subject", [], new SearchCriterion("_id", SearchParamType.Special, null, [new TokenSearchValue(null, "pa", false), new TokenSearchValue(null, "pb", false)]))));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task A_chain_of_several_levels_follows_every_reference(bool dense, bool merged)
    {
        Fhir.Storage.Sql.SearchPlanner.DenseRowsForTests.Value = dense ? 1 : null;
        Fhir.Storage.Sql.SearchPlanner.MaxMergedTargetsForTests.Value = merged ? null : 0;
        await WriteLinkedCorpusAsync();

        var acme = Chain("organization", ["Organization"], Name("acme"));
        Assert.Equal(["ob1"], await ObservationsAsync(Chain("subject", ["Patient"], acme)));
        var anyOrganization = Chain("organization", ["Organization"], Name("acme", "beta"));
        Assert.Equal(["ob1", "ob2"], await ObservationsAsync(Chain("subject", ["Patient"], anyOrganization)));
    }

    [Fact]
    public async Task Pages_of_a_dense_chain_are_those_of_the_collected_form_both_ways()
    {
        // Observations o0..o19 refer to Patients p0..p3 (named smith, smith, jones, smith; p1 deleted); o20 to a Group.
        await WriteAsync(
            Create("Patient", "p0", T0, Str("smith", "Smith")), Create("Patient", "p1", T0, Str("smith", "Smith")),
            Create("Patient", "p2", T0, Str("jones", "Jones")), Create("Patient", "p3", T0, Str("smith", "Smith")));
        await WriteAsync(Delete("Patient", "p1", 2, T0));
        for (var i = 0; i < 20; i++)
        {
            await WriteAsync(Create("Observation", "o" + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture), T0,
                new ReferenceIndexValue("subject", "Patient", "p" + (i % 4), null)));
        }
        await WriteAsync(Create("Observation", "o20", T0, new ReferenceIndexValue("subject", "Group", "p0", null)));
        // Two references of the code, to two Smiths: one match, whose key the merged form reads twice.
        await WriteAsync(Create("Observation", "o21", T0, new ReferenceIndexValue("subject", "Patient", "p0", null), new ReferenceIndexValue("subject", "Patient", "p3", null)));
        var chain = Chain("subject", ["Patient"], Name("smith"));

        async Task<(List<string> Forward, List<string> Backward)> PagesAsync(bool dense, bool merged = false)
        {
            Fhir.Storage.Sql.SearchPlanner.DenseRowsForTests.Value = dense ? 1 : null;
            Fhir.Storage.Sql.SearchPlanner.MaxMergedTargetsForTests.Value = merged ? null : 0;
            var forward = new List<string>();
            SearchPage? last = null;
            SearchCursor? cursor = null;
            do
            {
                last = await Reader.SearchAsync(new SearchQuery("Observation", [chain], 4, cursor));
                forward.AddRange(last.Resources.Select(r => r.Id));
                cursor = last.Next;
            }
            while (cursor is not null);
            var backward = new List<string>();
            for (cursor = last.Previous; cursor is not null;)
            {
                var page = await Reader.SearchAsync(new SearchQuery("Observation", [chain], 4, cursor));
                backward.InsertRange(0, page.Resources.Select(r => r.Id));
                cursor = page.Previous;
            }
            return (forward, backward);
        }

        var collected = await PagesAsync(dense: false);
        var probed = await PagesAsync(dense: true);
        var merged = await PagesAsync(dense: false, merged: true);
        Assert.Equal(11, collected.Forward.Count); // p0 and p3: o00, o03, o04, o07, ..., o21
        Assert.Equal(collected.Forward, probed.Forward);
        Assert.Equal(collected.Backward, probed.Backward);
        Assert.Equal(collected.Forward.Take(collected.Backward.Count), probed.Backward);
        Assert.Equal(collected.Forward, merged.Forward);
        Assert.Equal(collected.Backward, merged.Backward);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the form a page takes when the inner criterion matches many resources: a probe per candidate
    public async Task Has_finds_the_resources_that_others_of_a_type_point_at(bool dense)
    {
        Fhir.Storage.Sql.SearchPlanner.DenseRowsForTests.Value = dense ? 1 : null;
        await WriteLinkedCorpusAsync();
        var code1 = TokenCriterion("code", null, new TokenSearchValue("L", "1", true));

        // ob5 points at the deleted pd; ob4 at Group/pa, which is no Patient.
        Assert.Equal(["pa", "pc"], await SearchIdsAsync("Patient", Has("Observation", "subject", code1)));
        Assert.Equal(["pb"], await SearchIdsAsync("Patient", Has("Observation", "subject", TokenCriterion("code", null, new TokenSearchValue("L", "2", true)))));
        // Nested: organizations with a patient who has an L|2 observation.
        Assert.Equal(["org2"], await SearchIdsAsync("Organization",
            Has("Patient", "organization", Has("Observation", "subject", TokenCriterion("code", null, new TokenSearchValue("L", "2", true))))));
        // Without a type (system search) the subquery is correlated on each resource's type.
        Assert.Equal(["pa", "pc"], await SearchIdsAsync(null, Has("Observation", "subject", code1)));
        // With another criterion beside it.
        Assert.Equal(["pc"], await SearchIdsAsync("Patient", Has("Observation", "subject", code1), Name("smithe")));
    }

    [Fact]
    public async Task A_code_set_that_expanded_to_nothing_matches_nothing_and_its_negation_everything()
    {
        await WriteLinkedCorpusAsync();

        Assert.Empty(await ObservationsAsync(new SearchCriterion("code", SearchParamType.Token, null, [])));
        Assert.Equal(["ob1", "ob2", "ob3", "ob4", "ob5"], await ObservationsAsync(new SearchCriterion("code", SearchParamType.Token, "not", [])));
    }

    [Fact]
    public async Task Token_text_matches_the_start_of_any_word_ignoring_case_and_accents()
    {
        await WriteAsync(
            Create("Observation", "t1", T0, Token("code", "L", "1", "Blood glucose")),
            Create("Observation", "t2", T0, Token("code", "L", "2", "Glucose tolérance")),
            Create("Observation", "t3", T0, Token("code", "L", "3", "Hyperglucosemia")));

        Assert.Equal(["t1", "t2"], await FindAsync(TokenCriterion("code", "text", new TokenSearchValue(null, "GLUCOSE", false))));
        Assert.Equal(["t2"], await FindAsync(TokenCriterion("code", "text", new TokenSearchValue(null, "tolerance", false))));
        Assert.Equal(["t1"], await FindAsync(TokenCriterion("code", "text", new TokenSearchValue(null, "blood gl", false))));
    }

    // ---- sort ------------------------------------------------------------------------------

    [Theory]
    [InlineData("name", SortDirection.Ascending, new[] { "pb", "pa", "pc" })]
    [InlineData("name", SortDirection.Descending, new[] { "pc", "pa", "pb" })]
    [InlineData("birthdate", SortDirection.Ascending, new[] { "pb", "pa", "pc" })]   // pc has none: last
    [InlineData("birthdate", SortDirection.Descending, new[] { "pa", "pb", "pc" })]  // ... in both directions
    [InlineData("weight", SortDirection.Ascending, new[] { "pc", "pa", "pb" })]
    [InlineData("weight", SortDirection.Descending, new[] { "pb", "pa", "pc" })]
    [InlineData("organization", SortDirection.Descending, new[] { "pb", "pa", "pc" })]
    [InlineData("_id", SortDirection.Descending, new[] { "pc", "pb", "pa" })]
    public async Task Sort_orders_by_any_parameter_type_with_missing_values_last(string code, SortDirection direction, string[] expected)
    {
        await WriteLinkedCorpusAsync();

        Assert.Equal(expected, await SortedPatientsAsync(new SortKey(code, SortType(code), direction)));
    }

    [Fact]
    public async Task Sort_keys_apply_in_order_and_the_key_breaks_ties()
    {
        await WriteAsync(
            Create("Patient", "k1", T0, Str("x", "x"), Token("gender", null, "f")),
            Create("Patient", "k2", T0.AddDays(1), Str("y", "y"), Token("gender", null, "m")),
            Create("Patient", "k3", T0.AddDays(2), Str("x", "x"), Token("gender", null, "m")),
            Create("Patient", "k4", T0.AddDays(3), Str("x", "x"), Token("gender", null, "m")));

        Assert.Equal(["k3", "k4", "k2", "k1"], await SortedPatientsAsync(
            new SortKey("gender", SearchParamType.Token, SortDirection.Descending), new SortKey("name", SearchParamType.String, SortDirection.Ascending)));
        Assert.Equal(["k4", "k3", "k2", "k1"], await SortedPatientsAsync(new SortKey("_lastUpdated", SearchParamType.Special, SortDirection.Descending)));
        // Equal values: in key (write) order.
        Assert.Equal(["k1", "k3", "k4", "k2"], await SortedPatientsAsync(new SortKey("name", SearchParamType.String, SortDirection.Ascending)));
    }

    [Fact]
    public async Task Multi_valued_parameters_sort_by_their_least_value_ascending_and_greatest_descending()
    {
        await WriteAsync(
            Create("Patient", "m1", T0, Str("b", "b"), Str("y", "y")),
            Create("Patient", "m2", T0, Str("a", "a"), Str("z", "z")),
            Create("Patient", "m3", T0, Str("c", "c")));

        Assert.Equal(["m2", "m1", "m3"], await SortedPatientsAsync(new SortKey("name", SearchParamType.String, SortDirection.Ascending)));
        Assert.Equal(["m2", "m1", "m3"], await SortedPatientsAsync(new SortKey("name", SearchParamType.String, SortDirection.Descending)));
    }

    // ---- paging ----------------------------------------------------------------------------

    [Theory]
    [InlineData(null, SortDirection.Ascending)]
    [InlineData("name", SortDirection.Ascending)]
    [InlineData("name", SortDirection.Descending)]
    [InlineData("birthdate", SortDirection.Ascending)]
    [InlineData("mass", SortDirection.Descending)]
    [InlineData("_lastUpdated", SortDirection.Descending)]
    [InlineData("_id", SortDirection.Ascending)]
    public async Task Paging_forward_then_backward_visits_every_match_once_in_order(string? sortCode, SortDirection direction)
    {
        // Ten patients with repeated and missing sort values, so pages break inside ties and inside the nulls.
        for (var i = 0; i < 10; i++)
        {
            var index = new List<IndexValue> { Str("n" + (i % 3), "N" + (i % 3)) };
            if (i % 4 != 0) index.Add(new DateIndexValue("birthdate", new DateTime(1970 + i % 2, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(1970 + i % 2, 12, 31, 23, 59, 59, DateTimeKind.Utc)));
            if (i % 5 != 0) index.Add(new QuantityIndexValue("mass", 60m + i % 3, 59.5m + i % 3, 60.5m + i % 3, null, "kg", 60000m + 1000 * (i % 3), "g"));
            await WriteAsync(Create("Patient", "q" + i, T0.AddMinutes(i % 4), [.. index]));
        }
        IReadOnlyList<SortKey> sort = sortCode is null ? [] : [new SortKey(sortCode, SortType(sortCode), direction)];
        var all = (await Reader.SearchAsync(new SearchQuery("Patient", [], 100) { Sort = sort })).Resources.Select(r => r.Id).ToList();
        Assert.Equal(10, all.Count);

        var pages = new List<SearchPage>();
        SearchCursor? cursor = null;
        do
        {
            var page = await Reader.SearchAsync(new SearchQuery("Patient", [], 3, cursor) { Sort = sort });
            pages.Add(page);
            cursor = page.Next;
        }
        while (cursor is not null);

        Assert.Equal(all, pages.SelectMany(p => p.Resources.Select(r => r.Id)));
        Assert.Equal([3, 3, 3, 1], pages.Select(p => p.Resources.Count));
        Assert.Null(pages[0].Previous);

        // Back from the last page: the same pages in reverse.
        var back = new List<string>();
        cursor = pages[^1].Previous;
        while (cursor is not null)
        {
            var page = await Reader.SearchAsync(new SearchQuery("Patient", [], 3, cursor) { Sort = sort });
            back.InsertRange(0, page.Resources.Select(r => r.Id));
            Assert.NotNull(page.Next);
            cursor = page.Previous;
        }
        Assert.Equal(all.Take(9), back);
    }

    [Fact]
    public async Task Keyset_pages_stay_correct_when_rows_are_added_and_removed_between_pages()
    {
        foreach (var (id, name) in new[] { ("a", "alpha"), ("c", "charlie"), ("e", "echo"), ("g", "golf") })
        {
            await WriteAsync(Create("Patient", id, T0, Str(name, name)));
        }
        var sort = new[] { new SortKey("name", SearchParamType.String, SortDirection.Ascending) };
        var first = await Reader.SearchAsync(new SearchQuery("Patient", [], 2) { Sort = sort });
        Assert.Equal(["a", "c"], first.Resources.Select(r => r.Id));

        // Before the boundary (must not appear), after it (must), and the next row goes away.
        await WriteAsync(Create("Patient", "b", T0, Str("bravo", "bravo")), Create("Patient", "f", T0, Str("foxtrot", "foxtrot")));
        await WriteAsync(Delete("Patient", "e", 2, T0.AddMinutes(1)));

        var second = await Reader.SearchAsync(new SearchQuery("Patient", [], 2, first.Next) { Sort = sort });
        Assert.Equal(["f", "g"], second.Resources.Select(r => r.Id));
        Assert.Null(second.Next);
    }

    [Fact]
    public async Task Total_counts_every_match_whatever_the_page()
    {
        await WriteLinkedCorpusAsync();
        var code1 = TokenCriterion("code", null, new TokenSearchValue("L", "1", true));

        var accurate = await Reader.SearchAsync(new SearchQuery("Observation", [code1], 1) { Total = TotalMode.Accurate });
        var none = await Reader.SearchAsync(new SearchQuery("Observation", [code1], 1));
        var countOnly = await Reader.SearchAsync(new SearchQuery("Observation", [], 0) { Total = TotalMode.Estimate });

        Assert.Equal((1, 3L), (accurate.Resources.Count, accurate.Total));
        Assert.Null(none.Total);
        Assert.Equal((0, 5L), (countOnly.Resources.Count, countOnly.Total));
    }

    [Fact]
    public async Task A_database_at_schema_version_1_is_migrated_and_keeps_its_rows()
    {
        var database = await NewDatabaseAsync();
        // Version 1 as shipped, with one indexed resource written the way version 1 wrote it.
        await ExecuteSqlAsync(database, Fhir.Storage.Sql.Schema.CreateVersionTable + ";\n" + Dialect.ExpandDdl(Fhir.Storage.Sql.Schema.Migrations[0]) + """
            ;
            INSERT INTO schema_version (version) VALUES (1);
            INSERT INTO resource_version (res_type, res_id, version, last_updated, method, json) VALUES ('Patient', 'old', 1, '2024-01-01T00:00:00Z', 0, X'7B7D');
            INSERT INTO resource (res_type, res_id, version, last_updated, deleted, version_seq) VALUES ('Patient', 'old', 1, '2024-01-01T00:00:00Z', FALSE, 1);
            INSERT INTO idx_string (res_key, code, norm, exact) VALUES (1, 'name', 'smith', 'Smith');
            """.Replace("X'7B7D'", Dialect is Fhir.Storage.Sqlite.SqliteDialect ? "X'7B7D'" : "'\\x7B7D'", StringComparison.Ordinal)
               .Replace("'2024-01-01T00:00:00Z'", Dialect is Fhir.Storage.Sqlite.SqliteDialect ? new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) : "'2024-01-01T00:00:00Z'", StringComparison.Ordinal));

        Store = await OpenStoreAsync(database);
        await WriteAsync(Create("Observation", "new", T0, [.. Component(0, "82155-3", 9m)]));

        Assert.Equal(["old"], await SearchIdsAsync("Patient", Name("smi")));
        Assert.Equal(["new"], await SearchIdsAsync("Observation", Composite(("82155-3", SearchPrefix.Ge, 8m))));
    }

    // ---- corpus and helpers -----------------------------------------------------------------

    private async Task WriteLinkedCorpusAsync()
    {
        await WriteAsync(
            Create("Organization", "org1", T0, Str("acme hospital", "Acme Hospital")),
            Create("Organization", "org2", T0, Str("beta clinic", "Beta Clinic")),
            Create("Patient", "pa", T0, Str("smith", "Smith"), Ref("organization", "Organization", "org1"), Born(1980), Weight(70m)),
            Create("Patient", "pb", T0, Str("jones", "Jones"), Ref("organization", "Organization", "org2"), Born(1975), Weight(80.5m)),
            Create("Patient", "pc", T0, Str("smithers", "Smithers"), Weight(9.5m)),
            Create("Patient", "pd", T0, Str("smith", "Smith")),
            Create("Observation", "ob1", T0, [Ref("subject", "Patient", "pa"), Token("code", "L", "1"),
                .. Component(0, "82155-3", 12m), new TokenIndexValue(Cnv + "$0", "L", "48018-6") { Group = 1 }]),
            Create("Observation", "ob2", T0, [Ref("subject", "Patient", "pb"), Token("code", "L", "2"),
                .. Component(0, "82155-3", 5m), .. Component(1, "99999-9", 12m)]),
            Create("Observation", "ob3", T0, Ref("subject", "Patient", "pc"), Token("code", "L", "1")),
            Create("Observation", "ob4", T0, Ref("subject", "Group", "pa"), Token("code", "L", "2")),
            Create("Observation", "ob5", T0, Ref("subject", "Patient", "pd"), Token("code", "L", "1")));
        await WriteAsync(Delete("Patient", "pd", 2, T0.AddMinutes(1)));
    }

    private static DateIndexValue Born(int year) =>
        new("birthdate", new DateTime(year, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(year, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_999));

    private static NumberIndexValue Weight(decimal kg) => new("weight", kg, kg - 0.05m, kg + 0.05m);

    private static IndexValue[] Component(int group, string code, decimal value) =>
    [
        new TokenIndexValue(Cnv + "$0", "L", code) { Group = group },
        new QuantityIndexValue(Cnv + "$1", value, value - 0.5m, value + 0.5m, "http://unitsofmeasure.org", "1") { Group = group },
    ];

    private static SearchCriterion Composite(params (string Code, SearchPrefix Prefix, decimal Value)[] alternatives) =>
        new(Cnv, SearchParamType.Composite, null, [.. alternatives.Select(a => (SearchValue)new CompositeSearchValue(
        [
            new SearchCriterion(Cnv + "$0", SearchParamType.Token, null, [new TokenSearchValue("L", a.Code, true)]),
            new SearchCriterion(Cnv + "$1", SearchParamType.Quantity, null, [new QuantitySearchValue(a.Prefix, a.Value, a.Value - 0.5m, a.Value + 0.5m, null, null)]),
        ]))]);

    private static SearchCriterion Name(params string[] prefixes) =>
        new("name", SearchParamType.String, null, [.. prefixes.Select(p => (SearchValue)new StringSearchValue(p))]);

    private static SearchCriterion Chain(string code, string[] types, SearchCriterion inner) =>
        new(code, SearchParamType.Reference, null, [new ChainSearchValue(types, inner)]);

    private static SearchCriterion Has(string sourceType, string referenceCode, SearchCriterion inner) =>
        new("_has", SearchParamType.Special, null, [new ReverseChainSearchValue(sourceType, referenceCode, inner)]);

    private static SearchParamType SortType(string code) => code switch
    {
        "name" => SearchParamType.String,
        "birthdate" => SearchParamType.Date,
        "weight" => SearchParamType.Number,
        "mass" => SearchParamType.Quantity,
        "organization" => SearchParamType.Reference,
        _ => SearchParamType.Special,
    };

    private async Task<string[]> ObservationsAsync(params SearchCriterion[] criteria) => await FindAsync(criteria);

    private async Task<string[]> SortedPatientsAsync(params SortKey[] sort)
    {
        var page = await Reader.SearchAsync(new SearchQuery("Patient", [], 100) { Sort = sort });
        return [.. page.Resources.Select(r => r.Id)];
    }
}
