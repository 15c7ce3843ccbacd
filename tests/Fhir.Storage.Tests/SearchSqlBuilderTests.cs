using Fhir.Search.Queries;
using Fhir.Storage.Sql;
using Fhir.Storage.Sqlite;

namespace Fhir.Storage.Tests;

public sealed class SearchSqlBuilderTests
{
    [Theory]
    [InlineData("abc", "abd")]
    [InlineData("a\U0010FFFF", "b")]
    [InlineData("a\uD7FF", "a\uE000")]
    [InlineData("z\uFFFF", "z\U00010000")]
    public void Prefix_upper_bound_is_the_next_string_in_code_point_order(string prefix, string expected)
    {
        Assert.Equal(expected, SearchSqlBuilder.PrefixUpperBound(prefix));
    }

    [Fact]
    public void Prefix_upper_bound_of_only_maximal_code_points_is_unbounded()
    {
        Assert.Null(SearchSqlBuilder.PrefixUpperBound("\U0010FFFF"));
        Assert.Null(SearchSqlBuilder.PrefixUpperBound(""));
    }

    [Fact]
    public void Search_values_travel_as_parameters_never_as_SQL_text()
    {
        const string Evil = "x'); DROP TABLE resource; --";
        var query = new SearchQuery("Patient", [
            new SearchCriterion("name", SearchParamType.String, "contains", [new StringSearchValue(Evil)]),
            new SearchCriterion("identifier", SearchParamType.Token, null, [new TokenSearchValue(Evil, Evil, true)]),
            new SearchCriterion("_id", SearchParamType.Special, null, [new TokenSearchValue(null, Evil, false)]),
        ]);

        var sql = SearchSqlBuilder.Page(query, Fhir.Storage.Access.ReadScope.Everything, SqliteDialect.Instance, new SqlParams());

        Assert.DoesNotContain("DROP", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("Patient", sql, StringComparison.Ordinal);
    }
    [Fact]
    public void Chains_reverse_chains_composites_sort_values_and_cursors_travel_as_parameters_too()
    {
        const string Evil = "x'); DROP TABLE resource; --";
        var inner = new SearchCriterion("name", SearchParamType.String, null, [new StringSearchValue(Evil)]);
        var query = new SearchQuery("Observation", [
            new SearchCriterion("subject", SearchParamType.Reference, null, [new ChainSearchValue([Evil], inner)]),
            new SearchCriterion("_has", SearchParamType.Special, null, [new ReverseChainSearchValue(Evil, Evil, inner)]),
            new SearchCriterion("combo", SearchParamType.Composite, null, [new CompositeSearchValue([
                new SearchCriterion(Evil + "$0", SearchParamType.Token, null, [new TokenSearchValue(Evil, Evil, true)]),
                new SearchCriterion(Evil + "$1", SearchParamType.String, null, [new StringSearchValue(Evil)])])]),
        ], 10, new SearchCursor(1, [Evil])) { Sort = [new SortKey(Evil, SearchParamType.String, SortDirection.Descending)] };

        foreach (SqlDialect dialect in (SqlDialect[])[SqliteDialect.Instance, Fhir.Storage.Postgres.PostgresDialect.Instance])
        {
            var sql = SearchSqlBuilder.Page(query, Fhir.Storage.Access.ReadScope.Everything, dialect, new SqlParams());

            Assert.DoesNotContain("DROP", sql, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_unsorted_PostgreSQL_page_reads_its_driver_in_key_order_and_probes_the_rest()
    {
        var code = new SearchCriterion("code", SearchParamType.Token, null, [new TokenSearchValue("L", "1", true)]);
        var value = new SearchCriterion("value-quantity", SearchParamType.Quantity, null, [new QuantitySearchValue(SearchPrefix.Ge, 8, 7.5m, 8.5m, null, null)]);
        var query = new SearchQuery("Observation", [value, code]);

        var postgres = SearchSqlBuilder.Page(query, Fhir.Storage.Access.ReadScope.Everything, Fhir.Storage.Postgres.PostgresDialect.Instance, new SqlParams());
        var sqlite = SearchSqlBuilder.Page(query, Fhir.Storage.Access.ReadScope.Everything, SqliteDialect.Instance, new SqlParams());

        Assert.StartsWith("SELECT r.res_key, v.res_type, v.res_id, v.version, v.last_updated, v.method, v.json FROM (SELECT DISTINCT i.res_key FROM idx_token i", postgres, StringComparison.Ordinal);
        Assert.Contains("EXISTS (SELECT 1 FROM idx_quantity", postgres, StringComparison.Ordinal);
        Assert.Contains("ORDER BY d.res_key LIMIT", postgres, StringComparison.Ordinal);
        Assert.DoesNotContain("idx_token i WHERE i.res_key", postgres, StringComparison.Ordinal); // the driver is not probed again
        Assert.DoesNotContain("DISTINCT", sqlite, StringComparison.Ordinal);
        // A sorted page or a compartment keeps the IN form.
        Assert.DoesNotContain("DISTINCT", SearchSqlBuilder.Page(query with { Sort = [new SortKey("_id", SearchParamType.Special, SortDirection.Ascending)] },
            Fhir.Storage.Access.ReadScope.Everything, Fhir.Storage.Postgres.PostgresDialect.Instance, new SqlParams()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_page_driven_by_a_date_window_probes_each_candidate_on_PostgreSQL()
    {
        var code = new SearchCriterion("code", SearchParamType.Token, null, [new TokenSearchValue("L", "1", true)]);
        var from = new SearchCriterion("date", SearchParamType.Date, null, [new DateSearchValue(SearchPrefix.Ge, new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2020, 1, 1, 23, 59, 59, DateTimeKind.Utc))]);
        var to = new SearchCriterion("date", SearchParamType.Date, null, [new DateSearchValue(SearchPrefix.Lt, new DateTime(2021, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2021, 1, 1, 23, 59, 59, DateTimeKind.Utc))]);
        var query = new SearchQuery("Observation", [code, from, to]);
        var window = new SearchPlan(from, null, Window: true);
        string Page(SqlDialect dialect, SearchPlan? plan) => SearchSqlBuilder.Page(query, Fhir.Storage.Access.ReadScope.Everything, dialect, new SqlParams(), plan);

        var windowed = Page(Fhir.Storage.Postgres.PostgresDialect.Instance, window);
        // PostgreSQL reads the window's candidates in key order, fenced, as the page's driver; SQLite as the key list it walks.
        Assert.Contains(" FROM (SELECT DISTINCT x.res_key FROM (SELECT i.res_key FROM idx_token_date i", windowed, StringComparison.Ordinal);
        Assert.Contains(") x ORDER BY x.res_key OFFSET 0) d JOIN resource r ON r.res_key = d.res_key", windowed, StringComparison.Ordinal);
        Assert.Matches(" ORDER BY d.res_key LIMIT @p[0-9]+$", windowed);
        Assert.DoesNotContain("r.res_key IN (", windowed, StringComparison.Ordinal);
        Assert.Contains("r.res_key IN (SELECT i.res_key FROM idx_token_date i", Page(SqliteDialect.Instance, window), StringComparison.Ordinal);
        var backward = SearchSqlBuilder.Page(query with { After = new SearchCursor(42, [], PageDirection.Backward) }, Fhir.Storage.Access.ReadScope.Everything,
            Fhir.Storage.Postgres.PostgresDialect.Instance, new SqlParams(), window);
        Assert.Contains(") x WHERE x.res_key < @p", backward, StringComparison.Ordinal);
        Assert.Contains(" ORDER BY x.res_key DESC OFFSET 0) d", backward, StringComparison.Ordinal);
        // The code and both dates probe, each fenced so that PostgreSQL checks it per candidate rather than joining every row.
        Assert.Equal(3, windowed.Split(" OFFSET 0))").Length - 1);
        Assert.DoesNotContain("OFFSET 0", Page(Fhir.Storage.Postgres.PostgresDialect.Instance, null), StringComparison.Ordinal);
        Assert.DoesNotContain("OFFSET 0", Page(SqliteDialect.Instance, window), StringComparison.Ordinal);
    }

    [Fact]
    public void A_merged_chain_reads_the_references_to_each_target_in_key_order_and_the_chain_still_checks_every_candidate()
    {
        var inner = new SearchCriterion("name", SearchParamType.String, null, [new StringSearchValue("olson")]);
        var chain = new SearchCriterion("subject", SearchParamType.Reference, null, [new ChainSearchValue(["Patient"], inner)]);
        var status = new SearchCriterion("status", SearchParamType.Token, null, [new TokenSearchValue(null, "final", false)]);
        var query = new SearchQuery("Observation", [chain, status], 20);
        var plan = new SearchPlan(null, null, MergedChain: new MergedChain(chain, [("Patient", "a"), ("Patient", "b")]));
        var postgres = Fhir.Storage.Postgres.PostgresDialect.Instance;
        string Page(SearchQuery q, SearchPlan? pl, SqlDialect? dialect = null) => SearchSqlBuilder.Page(q, Fhir.Storage.Access.ReadScope.Everything, dialect ?? postgres, new SqlParams(), pl);

        var merged = Page(query, plan);
        Assert.Matches(@"^SELECT DISTINCT ON \(d\.res_key\) r\.res_key, v\.res_type, v\.res_id, v\.version, v\.last_updated, v\.method, v\.json FROM \("
            + @"\(SELECT x\.res_key FROM idx_reference x WHERE x\.code = (@p[0-9]+) AND x\.target_id = @p[0-9]+ AND x\.target_type = @p[0-9]+ ORDER BY x\.res_key\)"
            + @" UNION ALL \(SELECT x\.res_key FROM idx_reference x WHERE x\.code = \1 AND x\.target_id = @p[0-9]+ AND x\.target_type = @p[0-9]+ ORDER BY x\.res_key\)\) d"
            + @" JOIN resource r ON r\.res_key = d\.res_key JOIN resource_version v ON v\.seq = r\.version_seq WHERE ", merged);
        Assert.Matches(@" ORDER BY d\.res_key LIMIT @p[0-9]+$", merged);
        // The chain and the other criterion check each candidate, fenced.
        Assert.Contains("EXISTS (SELECT 1 FROM idx_reference x", merged, StringComparison.Ordinal);
        Assert.Contains("EXISTS (SELECT 1 FROM idx_token i WHERE i.res_key = r.res_key", merged, StringComparison.Ordinal);
        Assert.DoesNotContain("r.res_key IN (", merged, StringComparison.Ordinal);
        // Backward from a cursor: each read below it, in descending order.
        var backward = Page(query with { After = new SearchCursor(42, [], PageDirection.Backward) }, plan);
        Assert.Equal(2, backward.Split(" AND x.res_key < @p").Length - 1);
        Assert.Equal(2, backward.Split(" ORDER BY x.res_key DESC)").Length - 1);
        Assert.Contains(" ORDER BY d.res_key DESC LIMIT", backward, StringComparison.Ordinal);
        // No target: no candidate.
        Assert.Contains("FROM (SELECT x.res_key FROM idx_reference x WHERE 1 = 0) d", Page(query, plan with { MergedChain = new MergedChain(chain, []) }), StringComparison.Ordinal);
        // SQLite, a sorted page and a plan without the merge keep their forms.
        Assert.DoesNotContain("DISTINCT ON", Page(query, plan, SqliteDialect.Instance), StringComparison.Ordinal);
        Assert.DoesNotContain("DISTINCT ON", Page(query with { Sort = [new SortKey("_id", SearchParamType.Special, SortDirection.Ascending)] }, plan), StringComparison.Ordinal);
        Assert.DoesNotContain("DISTINCT ON", Page(query, plan with { MergedChain = null }), StringComparison.Ordinal);

        // The targets: current resources of the chain's types that the inner criterion matches.
        var targets = SearchSqlBuilder.ChainTargets(chain, 201, Fhir.Storage.Access.ReadScope.Everything, postgres, new SqlParams());
        Assert.StartsWith("SELECT t0.res_type, t0.res_id FROM resource t0 WHERE t0.deleted = FALSE AND t0.res_type IN (@p0) AND (t0.res_key IN (SELECT i.res_key FROM idx_string i", targets, StringComparison.Ordinal);
        Assert.Matches(@"\) LIMIT @p[0-9]+$", targets);
        // They pass the reader's limits, as the chain checks its targets: a reader held to a patient lists that patient's only.
        Assert.Contains("EXISTS (SELECT 1 FROM patient_compartment pc WHERE pc.seq = t0.version_seq AND pc.patient_id = @p",
            SearchSqlBuilder.ChainTargets(chain, 201, new Fhir.Storage.Access.ReadScope { Patient = "p1" }, postgres, new SqlParams()), StringComparison.Ordinal);
    }

    [Fact]
    public void Quantity_criteria_of_one_unit_read_the_rows_that_satisfy_them_together_bounded_from_above_and_the_resources_with_more_rows()
    {
        const string Ucum = "http://unitsofmeasure.org";
        SearchCriterion Q(SearchPrefix prefix, decimal value, string? unit = "mg", string? modifier = null) => new("value-quantity", SearchParamType.Quantity, modifier,
            [new QuantitySearchValue(prefix, value, value - 0.5m, value + 0.5m, unit is null ? null : Ucum, unit, unit is null ? null : value / 1000m, unit is null ? null : "g")]);
        var ge = Q(SearchPrefix.Ge, 5);
        string? Window(params SearchCriterion[] criteria) => SearchSqlBuilder.CappedWindowRows(criteria, criteria[0], 100, SqliteDialect.Instance, new SqlParams { ReusesValues = true });

        // Canonical rows by (code, canonical unit, canonical low) up to the le's upper end, rows without a canonical form as
        // written, each row checked by both criteria, then the resources with more than one row.
        var both = Window(ge, Q(SearchPrefix.Le, 9));
        Assert.Equal(
            "SELECT COUNT(*) FROM (SELECT 1 FROM idx_quantity i WHERE i.code = @p0 AND i.canonical_unit = @p1 AND i.canonical_low <= @p2 AND (i.canonical_high > @p4 OR"
            + " (i.canonical_low >= @p3 AND i.canonical_low <= @p4 AND i.canonical_high <= @p4)) AND (i.canonical_low < @p5 OR (i.canonical_low >= @p5 AND i.canonical_low <= @p2 AND i.canonical_high <= @p2))"
            + " UNION ALL SELECT 1 FROM idx_quantity i WHERE i.code = @p0 AND i.canonical_unit IS NULL AND i.system = @p6 AND i.unit = @p7 AND i.low <= @p8 AND (i.high > @p10 OR"
            + " (i.low >= @p9 AND i.low <= @p10 AND i.high <= @p10)) AND (i.low < @p11 OR (i.low >= @p11 AND i.low <= @p8 AND i.high <= @p8))"
            + " UNION ALL SELECT 1 FROM idx_quantity_multi w WHERE w.code = @p0 LIMIT @p12) n", both);
        // eq and sa bound the start from below too; without a unit, every row compares as written.
        Assert.Contains("i.canonical_low >= @p", Window(ge, Q(SearchPrefix.Sa, 7), Q(SearchPrefix.Lt, 9)), StringComparison.Ordinal);
        var unitless = Window(Q(SearchPrefix.Ge, 5, null), Q(SearchPrefix.Le, 9, null))!;
        Assert.DoesNotContain("canonical", unitless, StringComparison.Ordinal);
        Assert.StartsWith("SELECT COUNT(*) FROM (SELECT 1 FROM idx_quantity i WHERE i.code = @p0 AND i.low <= @p1 AND", unitless, StringComparison.Ordinal);
        // No window: one criterion; no upper end on the start (ge and gt); another unit; a modifier; several values; ne, ap.
        Assert.Null(Window(ge));
        Assert.Null(Window(ge, Q(SearchPrefix.Gt, 9)));
        Assert.Null(Window(ge, Q(SearchPrefix.Le, 9, "kg")));
        Assert.Null(Window(ge, Q(SearchPrefix.Le, 9, modifier: "missing")));
        Assert.Null(Window(ge, new SearchCriterion("value-quantity", SearchParamType.Quantity, null, [.. Q(SearchPrefix.Le, 9).Values, .. Q(SearchPrefix.Le, 10).Values])));
        Assert.Null(Window(ge, Q(SearchPrefix.Ne, 9)));
        Assert.Null(Window(Q(SearchPrefix.Ap, 9), Q(SearchPrefix.Le, 9)));
        // A criterion of another unit is not the window's, and still probes on the page.
        var mixed = new SearchQuery("Observation", [ge, Q(SearchPrefix.Le, 9), Q(SearchPrefix.Le, 9, "kg")]);
        var page = SearchSqlBuilder.Page(mixed, Fhir.Storage.Access.ReadScope.Everything, SqliteDialect.Instance, new SqlParams(), new SearchPlan(ge, null, true));
        Assert.Matches(@"r\.res_key IN \(SELECT i\.res_key FROM idx_quantity i WHERE i\.code = @p[0-9]+ AND i\.canonical_unit = @p", page);
        Assert.Equal(3, page.Split("EXISTS (SELECT 1 FROM idx_quantity i WHERE i.res_key = r.res_key").Length - 1);
    }

    [Fact]
    public void A_code_and_a_date_range_read_their_window_from_the_pair_index_and_other_tokens_from_the_date_rows()
    {
        var day = (int d) => new DateTime(2020, 1, d, 0, 0, 0, DateTimeKind.Utc);
        SearchCriterion Date(SearchPrefix prefix, int d) => new("date", SearchParamType.Date, null, [new DateSearchValue(prefix, day(d), day(d).AddDays(1).AddTicks(-1))]);
        SearchCriterion Token(string code, string? modifier, params TokenSearchValue[] values) => new(code, SearchParamType.Token, modifier, values);
        TokenSearchValue L(string? value) => new("L", value, true);
        var from = Date(SearchPrefix.Ge, 1);
        string? Window(params SearchCriterion[] criteria)
        {
            var p = new SqlParams();
            return SearchSqlBuilder.CappedWindowRows(criteria, from, 100, SqliteDialect.Instance, p);
        }

        // Two codes (one without a system): a read of (code+date, value[, system], low) each, then the wide resources.
        var paired = Window(Token("code", null, L("1"), new TokenSearchValue(null, "2", false)), from, Date(SearchPrefix.Lt, 9));
        Assert.Equal(
            "SELECT COUNT(*) FROM (SELECT 1 FROM idx_token_date i WHERE i.code = @p3 AND i.system = @p4 AND i.value = @p5 AND i.low >= @p1 AND i.low <= @p2"
            + " UNION ALL SELECT 1 FROM idx_token_date i WHERE i.code = @p3 AND i.value = @p6 AND i.low >= @p1 AND i.low <= @p2"
            + " UNION ALL SELECT 1 FROM idx_date_wide w WHERE w.code = @p0 LIMIT @p7) n", paired);
        // With the code, one bound is a window (open above); without it, one bound is not and two read idx_date.
        Assert.DoesNotContain("i.low <=", Window(Token("code", null, L("1")), from), StringComparison.Ordinal);
        Assert.Null(Window(Token("category", null, L("1")), from));
        Assert.Contains("FROM idx_date i WHERE", Window(Token("category", null, L("1")), from, Date(SearchPrefix.Lt, 9)), StringComparison.Ordinal);
        // A modifier, a system alone or a long code list is not read from the pair index.
        Assert.Null(Window(Token("code", "not", L("1")), from));
        Assert.Null(Window(Token("code", null, L(null)), from));
        Assert.Null(Window(Token("code", null, [.. Enumerable.Range(0, 11).Select(i => new TokenSearchValue("L", i.ToString(System.Globalization.CultureInfo.InvariantCulture), true))]), from));
    }

    [Fact]
    public void The_patients_of_a_code_are_read_from_the_patient_pair_index_when_complete_unless_the_reader_is_held_to_a_patient()
    {
        SearchQuery Query(string reference, string code) => new("Patient", [new SearchCriterion("_has", SearchParamType.Special, null,
            [new ReverseChainSearchValue("Observation", reference, new SearchCriterion(code, SearchParamType.Token, null, [new TokenSearchValue("L", "1", true)]))])]);
        string Page(SearchQuery query, SqlDialect dialect, bool probe = false, Fhir.Storage.Access.ReadScope? scope = null, bool complete = true) =>
            SearchSqlBuilder.Page(query, scope ?? Fhir.Storage.Access.ReadScope.Everything, dialect, new SqlParams(),
                new SearchPlan(null, probe ? new HashSet<SearchCriterion> { query.Criteria[0] } : null, PairedSources: complete ? new HashSet<string> { "Observation" } : null));
        var postgres = Fhir.Storage.Postgres.PostgresDialect.Instance;
        var rows = "x0.code = @p1 AND x0.res_type = @p2 AND ((x0.system = @p3 AND x0.value = @p4))";

        // PostgreSQL matches the collected ids to the patients' (type, id) key; SQLite joins them to their rows.
        Assert.Contains("r.res_id IN (SELECT x0.target_id FROM idx_reference_token x0 WHERE " + rows + " AND x0.target_type = @p5)", Page(Query("patient", "code"), postgres), StringComparison.Ordinal);
        Assert.Contains("r.res_key IN (SELECT h0.res_key FROM idx_reference_token x0 CROSS JOIN resource h0 WHERE " + rows + " AND x0.target_type = @p5 AND h0.res_type = x0.target_type AND h0.res_id = x0.target_id)",
            Page(Query("patient", "code"), SqliteDialect.Instance), StringComparison.Ordinal);
        // Per candidate: one read of the pair index.
        Assert.Contains("EXISTS (SELECT 1 FROM idx_reference_token x0 WHERE " + rows + " AND x0.target_type = r.res_type AND x0.target_id = r.res_id OFFSET 0)",
            Page(Query("patient", "code"), postgres, probe: true), StringComparison.Ordinal);
        // Another reference, another criterion, or a reader held to a patient (whose sources must be in its compartment): the references.
        // The same for a source type whose pairs the plan did not find complete (an overflow row, or no plan).
        foreach (var other in new[] { Page(Query("subject", "code"), postgres), Page(Query("patient", "category"), postgres),
            Page(Query("patient", "code"), postgres, scope: new Fhir.Storage.Access.ReadScope { Patient = "p1" }),
            Page(Query("patient", "code"), postgres, complete: false), Page(Query("patient", "code"), SqliteDialect.Instance, probe: true, complete: false) })
        {
            Assert.DoesNotContain("idx_reference_token", other, StringComparison.Ordinal);
            Assert.Contains("idx_reference x0", other, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_dense_chain_is_checked_per_candidate_from_its_reference_rows_and_counted_with_a_cap()
    {
        var chain = new SearchCriterion("subject", SearchParamType.Reference, null,
            [new ChainSearchValue(["Patient"], new SearchCriterion("name", SearchParamType.String, null, [new StringSearchValue("smith")]))]);
        var query = new SearchQuery("Observation", [chain], 20);
        var probed = new SearchPlan(null, new HashSet<SearchCriterion> { chain });
        string Page(SqlDialect dialect, SearchPlan? plan) => SearchSqlBuilder.Page(query, Fhir.Storage.Access.ReadScope.Everything, dialect, new SqlParams(), plan);

        foreach (SqlDialect dialect in new SqlDialect[] { SqliteDialect.Instance, Fhir.Storage.Postgres.PostgresDialect.Instance })
        {
            var sql = Page(dialect, probed);
            // The candidates' own reference rows, not the owners of every reference to a Smith.
            Assert.Contains("EXISTS (SELECT 1 FROM idx_reference x0 CROSS JOIN resource t0 WHERE x0.res_key = r.res_key AND ", sql, StringComparison.Ordinal);
            Assert.DoesNotContain("r.res_key IN (SELECT x0.res_key", sql, StringComparison.Ordinal);
            Assert.Contains("r.res_key IN (SELECT x0.res_key", Page(dialect, null), StringComparison.Ordinal);
        }
        Assert.Contains(" OFFSET 0)", Page(Fhir.Storage.Postgres.PostgresDialect.Instance, probed), StringComparison.Ordinal);

        var p = new SqlParams();
        var count = SearchSqlBuilder.CappedChainRows(chain, 500, SqliteDialect.Instance, p);
        Assert.StartsWith("SELECT COUNT(*) FROM (SELECT 1 FROM resource t0 CROSS JOIN idx_reference x0 WHERE x0.code = ", count, StringComparison.Ordinal);
        Assert.EndsWith(" LIMIT @p" + (p.Count - 1) + ") n", count, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsorted_PostgreSQL_page_of_candidates_out_of_key_order_joins_the_versions_of_its_page_only()
    {
        // A chain cannot drive as a join in key order: its candidates come as res_key IN (...).
        var chain = new SearchCriterion("subject", SearchParamType.Reference, null,
            [new ChainSearchValue(["Patient"], new SearchCriterion("name", SearchParamType.String, null, [new StringSearchValue("a")]))]);
        var query = new SearchQuery("Observation", [chain], 20);
        string Page(SqlDialect dialect, SearchQuery q) => SearchSqlBuilder.Page(q, Fhir.Storage.Access.ReadScope.Everything, dialect, new SqlParams());

        var postgres = Page(Fhir.Storage.Postgres.PostgresDialect.Instance, query);
        Assert.StartsWith("SELECT p.res_key, v.res_type, v.res_id, v.version, v.last_updated, v.method, v.json FROM (SELECT r.res_key, r.version_seq FROM resource r WHERE ", postgres, StringComparison.Ordinal);
        Assert.Matches(@"ORDER BY r\.res_key LIMIT @p\d+\) p JOIN resource_version v ON v\.seq = p\.version_seq ORDER BY p\.res_key$", postgres);
        var backward = Page(Fhir.Storage.Postgres.PostgresDialect.Instance, query with { After = new SearchCursor(5, [], PageDirection.Backward) });
        Assert.Matches(@"AND r\.res_key < @p\d+ ORDER BY r\.res_key DESC LIMIT @p\d+\) p JOIN resource_version v ON v\.seq = p\.version_seq ORDER BY p\.res_key DESC$", backward);
        Assert.StartsWith("SELECT r.res_key, v.res_type", Page(SqliteDialect.Instance, query), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_SQLite_gets_the_index_hints()
    {
        var query = new SearchQuery("Patient", [new SearchCriterion("name", SearchParamType.String, null, [new StringSearchValue("a")])]);

        Assert.Contains("+r.res_type", SearchSqlBuilder.Page(query, Fhir.Storage.Access.ReadScope.Everything, SqliteDialect.Instance, new SqlParams()), StringComparison.Ordinal);
        Assert.DoesNotContain("+", SearchSqlBuilder.Page(query, Fhir.Storage.Access.ReadScope.Everything, Fhir.Storage.Postgres.PostgresDialect.Instance, new SqlParams()), StringComparison.Ordinal);
    }
}
