using Fhir.Search.Indexing;
using Fhir.Search.Queries;

namespace Fhir.Storage.Tests;

// Quantity criteria of one parameter that bound a window together (value-quantity=geA|u|C&value-quantity=leB|u|C): the
// rows that satisfy them all drive, with idx_quantity_multi for the resources with more than one row of the code (issue
// 18, "value-quantity range without a code"). Each search is run as a page (planned: the window is the one count), as
// the session's id list (unplanned) and as a count, which must agree, and against the answer R4's definitions give.
public abstract partial class StoreTests
{
    [Fact]
    public async Task Quantity_criteria_of_one_parameter_find_the_same_resources_through_their_window()
    {
        await WriteAsync(QuantityCorpus());

        // 34.42 to 34.76 Coulomb: a row inside; one in mC (compared canonically); one in C without a canonical form
        // (compared as written); a wide row across the range; two rows, one on each side (neither inside); two inside.
        string[] range = ["in", "milli", "straddle", "two-in", "two-sides", "written"];
        Assert.Equal(range, await QuantityFindAsync(Coulomb(SearchPrefix.Ge, 34.42m, 2), Coulomb(SearchPrefix.Le, 34.76m, 2)));
        // The same range asked in mC: the row without a canonical form is in C, not in mC.
        Assert.Equal(["in", "milli", "straddle", "two-in", "two-sides"], await QuantityFindAsync(MilliCoulomb(SearchPrefix.Ge, 34420m), MilliCoulomb(SearchPrefix.Le, 34760m)));
        // Without a unit every row compares as written: the mmHg row is in, the mC row (34,600) is not.
        Assert.Equal(["in", "other-unit", "straddle", "two-in", "two-sides", "written"],
            await QuantityFindAsync(Unitless(SearchPrefix.Ge, 34.42m, 2), Unitless(SearchPrefix.Le, 34.76m, 2)));
        // gt & lt; sa & eb (starts after 34.0, ends before 34.7: the straddling row does neither, two-sides each on one row).
        Assert.Equal(range, await QuantityFindAsync(Coulomb(SearchPrefix.Gt, 34.4m, 1), Coulomb(SearchPrefix.Lt, 34.8m, 1)));
        Assert.Equal(["in", "milli", "two-in", "two-sides", "written"], await QuantityFindAsync(Coulomb(SearchPrefix.Sa, 34.0m, 1), Coulomb(SearchPrefix.Eb, 34.7m, 1)));
        // eq bounds the start from both sides; with le, the rows of 34.5.
        Assert.Equal(["in", "two-in", "written"], await QuantityFindAsync(Coulomb(SearchPrefix.Eq, 34.5m, 1), Coulomb(SearchPrefix.Le, 36m, 0)));
        // Bounds that cross: only resources with two rows can satisfy both.
        Assert.Equal(["two-sides"], await QuantityFindAsync(Coulomb(SearchPrefix.Ge, 50m, 0), Coulomb(SearchPrefix.Le, 20m, 0)));
        Assert.Empty(await QuantityFindAsync(Coulomb(SearchPrefix.Ge, 200m, 0), Coulomb(SearchPrefix.Le, 300m, 0)));
        // Three criteria, the third in another unit (kg): it is not the window's, and still holds on every match.
        Assert.Empty(await QuantityFindAsync(Coulomb(SearchPrefix.Ge, 34.42m, 2), Coulomb(SearchPrefix.Le, 34.76m, 2),
            new("value-quantity", SearchParamType.Quantity, null, [new QuantitySearchValue(SearchPrefix.Ge, 1m, 0.5m, 1.5m, Ucum, "kg", 1000m, "g")])));

        // Pages of 2, forward: the window's candidates in key order, from the cursor on.
        SearchCriterion[] criteria = [Coulomb(SearchPrefix.Ge, 34.42m, 2), Coulomb(SearchPrefix.Le, 34.76m, 2)];
        var paged = new List<string>();
        SearchCursor? cursor = null;
        do
        {
            var page = await Reader.SearchAsync(new SearchQuery("Observation", criteria, 2, cursor));
            paged.AddRange(page.Resources.Select(r => r.Id));
            cursor = page.Next;
        }
        while (cursor is not null);
        Assert.Equal(range, paged.Order(StringComparer.Ordinal));
        Assert.Equal(paged.Count, paged.Distinct().Count());

        // An update that gives a resource a second row, on the far side, makes it a candidate; one that moves a value
        // into the range, and a delete.
        await WriteAsync(Update("Observation", "below", 2, T0.AddDays(1), C("value-quantity", 30.1m, 1), C("value-quantity", 99.9m, 1)));
        await WriteAsync(Update("Observation", "above", 2, T0.AddDays(1), C("value-quantity", 34.7m, 1)));
        await WriteAsync(Delete("Observation", "straddle", 2, T0.AddDays(1)));
        Assert.Equal(["above", "below", "in", "milli", "two-in", "two-sides", "written"],
            await QuantityFindAsync(Coulomb(SearchPrefix.Ge, 34.42m, 2), Coulomb(SearchPrefix.Le, 34.76m, 2)));
    }

    [Fact]
    public async Task The_multiple_row_list_of_a_reindexed_store_lets_the_quantity_window_find_what_a_freshly_written_store_finds()
    {
        await WriteAsync(QuantityCorpus());
        var fresh = await MultiListAsync(Options);
        Assert.Equal(["two-sides", "two-in"], fresh);

        // The same resources written without their quantity rows, then given them by a reindex of the parameter.
        var reindexed = await NewDatabaseAsync();
        var store = await OpenStoreAsync(reindexed);
        await using (var session = await store.BeginWriteAsync())
        {
            foreach (var write in QuantityCorpus()) await session.WriteAsync(write with { Index = [.. write.Index.Where(v => v is not QuantityIndexValue)] });
            await session.CommitAsync();
        }
        var current = await store.ReadCurrentAsync("Observation", 0, 1000);
        var byId = QuantityCorpus().ToDictionary(w => w.Id);
        Assert.True(await store.ReplaceIndexAsync([.. current.Select(r => new ReindexedResource(r.Key, r.VersionSeq, [.. byId[r.Id].Index.Where(v => v is QuantityIndexValue)]))], ["value-quantity"], null, T0));

        Assert.Equal(fresh, await MultiListAsync(reindexed));
        var range = new SearchQuery("Observation", [Coulomb(SearchPrefix.Ge, 50m, 0), Coulomb(SearchPrefix.Le, 20m, 0)], 1000);
        Assert.Equal(["two-sides"], (await store.Reader(Fhir.Storage.Access.ReadScope.Everything).SearchAsync(range)).Resources.Select(r => r.Id));
    }

    private Task<string[]> QuantityFindAsync(params SearchCriterion[] criteria) => AgreedObservationsAsync(criteria);

    private Task<string[]> MultiListAsync(StorageOptions database) =>
        ListedObservationsAsync(database, "idx_quantity_multi", "value-quantity", QuantityCorpus().Select(w => w.Id));

    // Observations of value-quantity in Coulomb (UCUM C, its own canonical unit), around 34.42-34.76, with 200 others
    // from 60 C up, so that the rows of the unit far outnumber the window's.
    private static ResourceWrite[] QuantityCorpus() =>
    [
        .. Enumerable.Range(0, 200).Select(i => Create("Observation", $"filler{i:000}", T0, C("value-quantity", 60m + i / 10m, 1))),
        Create("Observation", "in", T0, C("value-quantity", 34.5m, 1)),
        Create("Observation", "below", T0, C("value-quantity", 30.1m, 1)),
        Create("Observation", "above", T0, C("value-quantity", 40.2m, 1)),
        // 34,600 mC = 34.6 C.
        Create("Observation", "milli", T0, new QuantityIndexValue("value-quantity", 34600m, 34599.5m, 34600.5m, Ucum, "mC", 34.6m, "C")),
        // 0.05 kC = 50 C.
        Create("Observation", "kilo", T0, new QuantityIndexValue("value-quantity", 0.05m, 0.045m, 0.055m, Ucum, "kC", 50m, "C")),
        // Written in C without a canonical form (as before the unit was known): compared as written.
        Create("Observation", "written", T0, new QuantityIndexValue("value-quantity", 34.5m, 34.45m, 34.55m, Ucum, "C")),
        Create("Observation", "other-unit", T0, new QuantityIndexValue("value-quantity", 34.5m, 34.45m, 34.55m, Ucum, "mm[Hg]")),
        // 30 to 40: wider than the range, so above it (ge) and below it (le) at once.
        Create("Observation", "straddle", T0, new QuantityIndexValue("value-quantity", 35m, 30m, 40m, Ucum, "C", 35m, "C")),
        Create("Observation", "two-sides", T0, C("value-quantity", 10m, 0), C("value-quantity", 100m, 0)),
        Create("Observation", "two-in", T0, C("value-quantity", 34.5m, 1), C("value-quantity", 34.6m, 1)),
        // Another parameter's row in the range.
        Create("Observation", "other-code", T0, C("component-value-quantity", 34.5m, 1)),
    ];

    // A value in Coulomb with its precision (decimals) and canonical form.
    private static QuantityIndexValue C(string code, decimal value, int decimals)
    {
        var half = 0.5m / Pow10(decimals);
        return new QuantityIndexValue(code, value, value - half, value + half, Ucum, "C", value, "C");
    }

    private static SearchCriterion Coulomb(SearchPrefix prefix, decimal value, int decimals)
    {
        var half = 0.5m / Pow10(decimals);
        return new("value-quantity", SearchParamType.Quantity, null, [new QuantitySearchValue(prefix, value, value - half, value + half, Ucum, "C", value, "C")]);
    }

    private static SearchCriterion MilliCoulomb(SearchPrefix prefix, decimal value) =>
        new("value-quantity", SearchParamType.Quantity, null, [new QuantitySearchValue(prefix, value, value - 0.5m, value + 0.5m, Ucum, "mC", value / 1000m, "C")]);

    private static SearchCriterion Unitless(SearchPrefix prefix, decimal value, int decimals)
    {
        var half = 0.5m / Pow10(decimals);
        return new("value-quantity", SearchParamType.Quantity, null, [new QuantitySearchValue(prefix, value, value - half, value + half, null, null)]);
    }

    private static decimal Pow10(int n)
    {
        var x = 1m;
        for (var i = 0; i < n; i++) x *= 10m;
        return x;
    }
}
