using Fhir.Search.Indexing;
using Fhir.Search.Queries;

namespace Fhir.Storage.Tests;

// Date criteria of one code that bound a window together (code=X&date=geA&date=ltB): the window of the (code, low)
// index drives, with idx_date_wide for the resources whose rows a window cannot stand for (issue 18, "code + 1-year
// date range"). Each search is run as a page (planned: the window drives when it names the fewest rows) and as the
// session's id list (unplanned), which must agree, and against the answer R4's definitions give.
public abstract partial class StoreTests
{
    private static readonly TokenSearchValue CodeX = new("urn:c", "x", true);

    [Fact]
    public async Task Date_criteria_of_one_code_find_the_same_resources_through_their_window()
    {
        await WriteWindowCorpusAsync();

        // ge2020 & lt2021: the year's row; a narrow row that reaches into it; a wide row across it; two rows, one on
        // each side (neither in the year).
        Assert.Equal(["in", "near", "span", "two-sides"], await WindowFindAsync(Date(SearchPrefix.Ge, Day(2020, 1, 1)), Date(SearchPrefix.Lt, Day(2021, 1, 1))));
        // gt of a day reaches a narrow row that starts 7 days before it and ends after it.
        Assert.Equal(["near", "span", "two-sides"], await WindowFindAsync(Date(SearchPrefix.Gt, Day(2019, 12, 31)), Date(SearchPrefix.Lt, Day(2020, 1, 2))));
        // sa & eb: strictly after and strictly before (two-sides: each on one of its rows).
        Assert.Equal(["in", "two-sides"], await WindowFindAsync(Date(SearchPrefix.Sa, Day(2020, 3, 1)), Date(SearchPrefix.Eb, Day(2020, 6, 1))));
        // eq of a year and le of a day.
        Assert.Equal(["in"], await WindowFindAsync(Date(SearchPrefix.Eq, Year(2020)), Date(SearchPrefix.Le, Day(2020, 4, 1))));
        // An empty window (its bounds cross) still has the wide resources to check.
        Assert.Equal(["span", "two-sides"], await WindowFindAsync(Date(SearchPrefix.Ge, Day(2022, 1, 1)), Date(SearchPrefix.Lt, Day(2022, 2, 1)), Date(SearchPrefix.Le, Day(2030, 1, 1)), Date(SearchPrefix.Ge, Day(2016, 1, 1)), Date(SearchPrefix.Lt, Day(2019, 1, 1))));
        Assert.Empty(await WindowFindAsync(Date(SearchPrefix.Ge, Day(2005, 1, 1)), Date(SearchPrefix.Lt, Day(2006, 1, 1))));

        // An update that gives a narrow resource a second row, on the far side of a window, makes it a candidate.
        await WriteAsync(Update("Observation", "out", 2, T0.AddDays(1), Token("code", "urn:c", "x"),
            new DateIndexValue("date", Day(2015, 5, 5).Low, Day(2015, 5, 5).High), new DateIndexValue("date", Day(2024, 5, 5).Low, Day(2024, 5, 5).High)));
        Assert.Equal(["in", "near", "out", "span", "two-sides"], await WindowFindAsync(Date(SearchPrefix.Ge, Day(2020, 1, 1)), Date(SearchPrefix.Lt, Day(2021, 1, 1))));
    }

    [Fact]
    public async Task The_wide_list_of_a_reindexed_store_lets_the_window_find_what_a_freshly_written_store_finds()
    {
        // Written with their date rows...
        await WriteWindowCorpusAsync();
        var fresh = await WideListAsync(options);
        Assert.Equal(["date:span", "date:two-sides", "date:two-before"], fresh);

        // ... and the same resources written without them, then given them by a reindex.
        var reindexed = await NewDatabaseAsync();
        var store = await OpenStoreAsync(reindexed);
        await using (var session = await store.BeginWriteAsync())
        {
            foreach (var write in WindowCorpus()) await session.WriteAsync(write with { Index = [.. write.Index.Where(v => v is not DateIndexValue)] });
            await session.CommitAsync();
        }
        var current = await store.ReadCurrentAsync("Observation", 0, 1000);
        var byId = WindowCorpus().ToDictionary(w => w.Id);
        Assert.True(await store.ReplaceIndexAsync([.. current.Select(r => new ReindexedResource(r.Key, r.VersionSeq, [.. byId[r.Id].Index.Where(v => v is DateIndexValue)]))], ["date"], null, T0));

        Assert.Equal(fresh, await WideListAsync(reindexed));
        var year = new SearchQuery("Observation", [new("code", SearchParamType.Token, null, [CodeX]), Date(SearchPrefix.Ge, Day(2020, 1, 1)), Date(SearchPrefix.Lt, Day(2021, 1, 1))], 1000);
        Assert.Equal(["in", "near", "span", "two-sides"], (await store.Reader(Fhir.Storage.Access.ReadScope.Everything).SearchAsync(year)).Resources.Select(r => r.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_window_of_thousands_of_rows_against_a_code_of_more_finds_what_the_code_finds()
    {
        // Both first counts reach SearchPlanner's cap (2,000): the window (2,051 rows in 2020) and the code (4,201
        // Observations of x, 4,200 of them in 2010) are counted again and the window drives, its criteria probing each
        // candidate (PostgreSQL: fenced probes).
        await WriteAsync([
            .. Enumerable.Range(0, 4200).Select(i => Create("Observation", $"x{i:0000}", T0, Token("code", "urn:c", "x"),
                new DateIndexValue("date", Day(2010, 1, 1).Low.AddHours(i), Day(2010, 1, 1).High.AddHours(i)))),
            .. Enumerable.Range(0, 2050).Select(i => Create("Observation", $"y{i:0000}", T0, Token("code", "urn:c", "y"),
                new DateIndexValue("date", Day(2020, 1, 1).Low.AddHours(i), Day(2020, 1, 1).High.AddHours(i)))),
            Create("Observation", "in", T0, Token("code", "urn:c", "x"), new DateIndexValue("date", Day(2020, 4, 1).Low, Day(2020, 4, 1).High)),
        ]);

        Assert.Equal(["in"], await WindowFindAsync(Date(SearchPrefix.Ge, Day(2020, 1, 1)), Date(SearchPrefix.Lt, Day(2021, 1, 1))));
        Assert.Empty(await WindowFindAsync(Date(SearchPrefix.Ge, Day(2020, 6, 1)), Date(SearchPrefix.Lt, Day(2021, 1, 1))));
        // A day-long row every hour: those starting before 2010-01-13 (12 days, 288 rows); this window is small enough to drive at once.
        Assert.Equal(288, (await WindowFindAsync(Date(SearchPrefix.Ge, Day(2010, 1, 1)), Date(SearchPrefix.Lt, Day(2010, 1, 13)))).Length);
    }

    [Fact]
    public async Task A_code_and_its_dates_find_through_the_pair_index_what_they_find_without_it_through_writes_and_reindexes()
    {
        // The window corpus (250 Observations of x in 2010, so that the window drives) and the shapes of a resource's codes.
        await WriteAsync([.. WindowCorpus(), .. PairCorpus()]);
        var x = new TokenSearchValue("urn:c", "x", true);
        var anyX = new TokenSearchValue(null, "x", false);
        var noSystemX = new TokenSearchValue(null, "x", true);
        var z = new TokenSearchValue("urn:d", "z", true);
        var in2020 = new[] { Date(SearchPrefix.Ge, Day(2020, 1, 1)), Date(SearchPrefix.Lt, Day(2021, 1, 1)) };

        Assert.Equal(["in", "multi", "near", "span", "two-sides"], await WindowFindAsync([x], in2020));
        // Without a system: every system's x, and the x that has none.
        Assert.Equal(["in", "multi", "near", "no-system", "span", "two-sides"], await WindowFindAsync([anyX], in2020));
        Assert.Equal(["no-system"], await WindowFindAsync([noSystemX], in2020));
        // Two codes of one resource, searched together, find it once.
        Assert.Equal(["in", "multi", "near", "span", "two-sides"], await WindowFindAsync([x, z], in2020));
        Assert.Equal(["multi"], await WindowFindAsync([z], in2020));
        // One bound is a window with the code: open above, open below.
        Assert.Equal(["in", "later", "multi", "near", "no-system", "span", "two-sides"], await WindowFindAsync([anyX], Date(SearchPrefix.Ge, Day(2020, 1, 1))));
        Assert.Equal(["filler249", "out", "span"], await WindowFindAsync([x], Date(SearchPrefix.Lt, Day(2018, 2, 2)), Date(SearchPrefix.Ge, Day(2010, 9, 7))));
        // Paged by 7 forward, then back from the last page: the window's candidates in key order, from the cursor on.
        SearchCriterion[] from2010 = [new("code", SearchParamType.Token, null, [x]), Date(SearchPrefix.Ge, Day(2010, 8, 1)), Date(SearchPrefix.Lt, Day(2021, 1, 1))];
        var whole = (await Reader.SearchAsync(new SearchQuery("Observation", from2010, 1000))).Resources.Select(r => r.Id).ToList();
        // The 38 fillers from 2010-08-01 on and in, out, near, span, two-sides, two-before, multi, as the unplanned search finds them.
        Assert.Equal(45, whole.Count);
        Assert.Equal(await WindowFindAsync([x], from2010[1..]), whole.Order(StringComparer.Ordinal));
        var forward = new List<string>();
        SearchPage? last = null;
        SearchCursor? cursor = null;
        do
        {
            last = await Reader.SearchAsync(new SearchQuery("Observation", from2010, 7, cursor));
            forward.AddRange(last.Resources.Select(r => r.Id));
            cursor = last.Next;
        }
        while (cursor is not null);
        Assert.Equal(whole, forward);
        var backward = new List<string>(last.Resources.Select(r => r.Id));
        for (cursor = last.Previous; cursor is not null;)
        {
            var page = await Reader.SearchAsync(new SearchQuery("Observation", from2010, 7, cursor));
            backward.InsertRange(0, page.Resources.Select(r => r.Id));
            cursor = page.Previous;
        }
        Assert.Equal(whole, backward);
        Assert.Equal(["later", "span"], await WindowFindAsync([x], Date(SearchPrefix.Ge, Day(2024, 1, 1))));
        Assert.Equal(["in", "multi", "no-system"], await WindowFindAsync([anyX], Date(SearchPrefix.Eq, Year(2020))));

        // An update moves a resource's pairs with its code and its date.
        await WriteAsync(Update("Observation", "in", 2, T0.AddDays(1), Token("code", "urn:d", "z"), new DateIndexValue("date", Day(2020, 4, 1).Low, Day(2020, 4, 1).High)));
        await WriteAsync(Update("Observation", "multi", 2, T0.AddDays(1), Token("code", "urn:c", "x"), Token("code", "urn:d", "z"),
            new DateIndexValue("date", Day(2024, 2, 1).Low, Day(2024, 2, 1).High)));
        Assert.Equal(["near", "span", "two-sides"], await WindowFindAsync([x], in2020));
        Assert.Equal(["in"], await WindowFindAsync([z], in2020));
        Assert.Equal(["later", "multi", "span"], await WindowFindAsync([x], Date(SearchPrefix.Ge, Day(2024, 1, 1))));
        var written = await PairRowsAsync(Options);

        // A reindex of the code alone: the pairs follow the new codes (derived from the stored rows)...
        var current = await Store.ReadCurrentAsync("Observation", 0, 1000);
        var recoded = current.Where(r => r.Id is "later" or "no-system" or "other-code")
            .Select(r => new ReindexedResource(r.Key, r.VersionSeq, [r.Id == "other-code" ? Token("code", "urn:c", "x") : Token("code", "urn:e", "w")])).ToList();
        Assert.True(await Store.ReplaceIndexAsync(recoded, ["code"], null, T0));
        Assert.Equal(["near", "other-code", "span", "two-sides"], await WindowFindAsync([x], in2020));
        Assert.Equal(["later"], await WindowFindAsync([new TokenSearchValue("urn:e", "w", true)], Date(SearchPrefix.Ge, Day(2024, 1, 1))));
        Assert.Equal(["multi", "span"], await WindowFindAsync([x], Date(SearchPrefix.Ge, Day(2024, 1, 1))));
        Assert.Empty(await WindowFindAsync([noSystemX], in2020));
        // ... and a full reindex of what was written gives back the rows the writes made.
        var byId = WindowCorpus().Concat(PairCorpus()).ToDictionary(w => w.Id, w => w.Index);
        byId["in"] = [Token("code", "urn:d", "z"), new DateIndexValue("date", Day(2020, 4, 1).Low, Day(2020, 4, 1).High)];
        byId["multi"] = [Token("code", "urn:c", "x"), Token("code", "urn:d", "z"), new DateIndexValue("date", Day(2024, 2, 1).Low, Day(2024, 2, 1).High)];
        Assert.True(await Store.ReplaceIndexAsync([.. current.Select(r => new ReindexedResource(r.Key, r.VersionSeq, byId[r.Id]))], null, null, T0));
        Assert.Equal(written, await PairRowsAsync(Options));
        Assert.Equal(["no-system"], await WindowFindAsync([noSystemX], in2020));
    }

    // Per resource of the pair corpus: its pair rows and their distinct (system, code, start) triples.
    private async Task<string[]> PairRowsAsync(StorageOptions database)
    {
        var rows = new List<string>();
        foreach (var id in WindowCorpus().Concat(PairCorpus()).Select(w => w.Id).Where(id => !id.StartsWith("filler", StringComparison.Ordinal)))
        {
            var from = $"FROM idx_token_date p JOIN resource r ON r.res_key = p.res_key WHERE p.code = 'code+date' AND r.res_type = 'Observation' AND r.res_id = '{id}'";
            var n = await ScalarAsync(database, "SELECT COUNT(*) " + from);
            var distinct = await ScalarAsync(database, "SELECT COUNT(*) FROM (SELECT DISTINCT p.system, p.value, p.low " + from + ") d");
            rows.Add($"{id}:{n}/{distinct}");
        }
        return [.. rows];
    }

    // Next to the window corpus: two codes and one date; a code without a system; a code that is a system alone; a code
    // with a date of another parameter only; a code in 2024.
    private static ResourceWrite[] PairCorpus() =>
    [
        Create("Observation", "multi", T0, Token("code", "urn:c", "x"), Token("code", "urn:d", "z"), new DateIndexValue("date", Day(2020, 6, 1).Low, Day(2020, 6, 1).High)),
        Create("Observation", "no-system", T0, Token("code", null, "x"), new DateIndexValue("date", Day(2020, 7, 1).Low, Day(2020, 7, 1).High)),
        Create("Observation", "system-only", T0, Token("code", "urn:c", null), new DateIndexValue("date", Day(2020, 7, 1).Low, Day(2020, 7, 1).High)),
        Create("Observation", "issued-only", T0, Token("code", "urn:c", "x"), new DateIndexValue("issued", Day(2020, 7, 1).Low, Day(2020, 7, 1).High)),
        Create("Observation", "later", T0, Token("code", "urn:c", "x"), new DateIndexValue("date", Day(2024, 7, 1).Low, Day(2024, 7, 1).High)),
    ];

    private Task<string[]> WindowFindAsync(params SearchCriterion[] dates) => WindowFindAsync([CodeX], dates);

    private Task<string[]> WindowFindAsync(TokenSearchValue[] codes, params SearchCriterion[] dates) =>
        AgreedObservationsAsync([new("code", SearchParamType.Token, null, codes), .. dates]);

    // The Observations a search finds as a page (planned), in code-point order, once the session's id list (unplanned) and
    // the count have agreed with it.
    private async Task<string[]> AgreedObservationsAsync(SearchCriterion[] criteria)
    {
        var page = (await Reader.SearchAsync(new SearchQuery("Observation", criteria, 1000))).Resources.Select(r => r.Id).ToArray();
        await using (var session = await Store.BeginWriteAsync())
        {
            Assert.Equal(page, await session.SearchIdsAsync(Query("Observation", criteria), Fhir.Storage.Access.ReadScope.Everything, 1000));
        }
        Assert.Equal(page.Length, await Reader.CountAsync(new SearchQuery("Observation", criteria)));
        return [.. page.Order(StringComparer.Ordinal)];
    }

    private async Task<string[]> WideListAsync(StorageOptions database) =>
        [.. (await ListedObservationsAsync(database, "idx_date_wide", "date", WindowCorpus().Select(w => w.Id))).Select(id => "date:" + id)];

    // Which of the Observations `ids` the list table (idx_date_wide, idx_quantity_multi) names for `code`, in that order.
    private async Task<string[]> ListedObservationsAsync(StorageOptions database, string table, string code, IEnumerable<string> ids)
    {
        var listed = new List<string>();
        foreach (var id in ids)
        {
            var n = await ScalarAsync(database, $"SELECT COUNT(*) FROM {table} w JOIN resource r ON r.res_key = w.res_key WHERE w.code = '{code}' AND r.res_type = 'Observation' AND r.res_id = '{id}'");
            if (n > 0) listed.Add(id);
        }
        return [.. listed];
    }

    private async Task WriteWindowCorpusAsync() => await WriteAsync(WindowCorpus());

    // Many Observations of code x in 2010 (more than SearchPlanner counts as small enough to stop at), so that the
    // window (a few rows) drives rather than the code.
    private static ResourceWrite[] WindowCorpus() =>
    [
        .. Enumerable.Range(0, 250).Select(i => Create("Observation", $"filler{i:000}", T0, Token("code", "urn:c", "x"),
            new DateIndexValue("date", Day(2010, 1, 1).Low.AddDays(i), Day(2010, 1, 1).High.AddDays(i)))),
        Create("Observation", "in", T0, Token("code", "urn:c", "x"), new DateIndexValue("date", Day(2020, 4, 1).Low, Day(2020, 4, 1).High)),
        Create("Observation", "out", T0, Token("code", "urn:c", "x"), new DateIndexValue("date", Day(2015, 5, 5).Low, Day(2015, 5, 5).High)),
        Create("Observation", "other-code", T0, Token("code", "urn:c", "y"), new DateIndexValue("date", Day(2020, 4, 1).Low, Day(2020, 4, 1).High)),
        // 2010 to 2030: wider than a window may assume.
        Create("Observation", "span", T0, Token("code", "urn:c", "x"), new DateIndexValue("date", Year(2010).Low, Year(2030).High)),
        // 2018 and 2023: in no year between, but ge2020 (2023) and lt2021 (2018) each hold on one of them.
        Create("Observation", "two-sides", T0, Token("code", "urn:c", "x"),
            new DateIndexValue("date", Day(2018, 2, 2).Low, Day(2018, 2, 2).High), new DateIndexValue("date", Day(2023, 3, 3).Low, Day(2023, 3, 3).High)),
        Create("Observation", "two-before", T0, Token("code", "urn:c", "x"),
            new DateIndexValue("date", Day(2018, 2, 2).Low, Day(2018, 2, 2).High), new DateIndexValue("date", Day(2018, 3, 3).Low, Day(2018, 3, 3).High)),
        // 12 days, from 2019-12-25 to 2020-01-05: narrow, and it starts before the days it reaches.
        Create("Observation", "near", T0, Token("code", "urn:c", "x"), new DateIndexValue("date", Day(2019, 12, 25).Low, Day(2020, 1, 5).High)),
    ];

    private static SearchCriterion Date(SearchPrefix prefix, (DateTime Low, DateTime High) range) =>
        new("date", SearchParamType.Date, null, [new DateSearchValue(prefix, range.Low, range.High)]);
}
