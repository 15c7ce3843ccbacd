using Fhir.Search.Queries;

namespace Fhir.Storage.Sql;

/// <summary>
/// What the store learns about a query's criteria before it writes the SQL: which criterion to drive from and
/// which <c>_has</c> and chains to check per candidate.
/// </summary>
/// <param name="Driver">The top-level criterion to drive from, when counting chose one; null to go by shape alone.</param>
/// <param name="Probed">Top-level <c>_has</c> and chain criteria that match many resources: a page checks them per
/// candidate instead of collecting every match.</param>
/// <param name="Window">True when <paramref name="Driver"/> is a date or quantity criterion that drives by the window of all the
/// criteria of its parameter (SearchSqlBuilder.Windowed); every criterion then probes.</param>
/// <param name="PairedSources">The source types of top-level <c>_has</c> criteria whose patient pairs are complete (no
/// overflow row, IndexPairs.PatientOverflowCode): those are read from the pair index.</param>
/// <param name="MergedChain">A chain the page drives from whose targets are few, with those targets: a page reads the
/// references to each in key order, merged (SqlDialect.MergesChainTargets).</param>
internal sealed record SearchPlan(
    SearchCriterion? Driver, IReadOnlySet<SearchCriterion>? Probed, bool Window = false, IReadOnlySet<string>? PairedSources = null,
    MergedChain? MergedChain = null);

/// <summary>A top-level chain criterion and the (type, id) of every current resource its inner criterion matched.</summary>
internal sealed record MergedChain(SearchCriterion Criterion, IReadOnlyList<(string Type, string Id)> Targets);

/// <summary>
/// Bounded index counts in place of the statistics neither database keeps across index tables. The shape of a
/// criterion (SearchSqlBuilder.Selectivity) ranks a code above a date range, but not a common code against a
/// narrow range: <c>code=&lt;common&gt;&amp;date=lt1951</c> scanned ~60,000 Observations of the code for no match,
/// while the range names a few hundred. Each count reads at most <see cref="Cap"/> index entries.
/// </summary>
internal static class SearchPlanner
{
    /// <summary>Entries a count reads at most: a criterion below it is small enough to drive from.</summary>
    private const int Cap = 2_000;

    /// <summary>The cap of the second count, when a date window is compared with criteria that all reached <see cref="Cap"/>.</summary>
    private const int WideCap = 20_000;

    /// <summary>A count this far below the cap ends the search for a smaller one.</summary>
    private const int SmallEnough = Cap / 10;

    // Matches above which a page checks a _has (its inner matches) or a chain (the references to its targets) per
    // candidate. Below it, collecting every match costs at most a few milliseconds; far above it, checking the
    // candidates in order finds a page's worth after a few dozen. A common code under _has: ~90,000 Observations at a
    // million resources, 180 ms. A chain to 46 Patients of one name: 79,000 resources refer to them, 172 ms on
    // PostgreSQL, most of it fetching each one to keep the Observations.
    private const int DenseRows = 10_000;

    // Tests lower the threshold for their own async flow, to run the dense form on a small corpus.
    internal static readonly AsyncLocal<int?> DenseRowsForTests = new();

    /// <summary>The plan of <paramref name="query"/>; null when counting has nothing to add.</summary>
    /// <param name="lease">The connection to count on.</param>
    /// <param name="query">The search.</param>
    /// <param name="scope">What the reader may see: a patient's compartment drives by itself.</param>
    /// <param name="page">True for a page (then a dense _has is probed), false for a count of all matches.</param>
    /// <param name="ct">Cancellation.</param>
    public static async Task<SearchPlan?> PlanAsync(DbLease lease, SearchQuery query, Access.ReadScope scope, bool page, CancellationToken ct)
    {
        var confined = query.ResourceType is { } type ? scope.Confines(type) : scope.Patient is not null;
        var (driver, window) = query.Compartment is null && !confined ? await DriverAsync(lease, query.Criteria, ct) : (null, false);
        var merged = page && query.Sort.Count == 0 && lease.Dialect.MergesChainTargets && query.Compartment is null && !confined
            ? await MergedChainAsync(lease, query.Criteria, scope, ct) : null;
        var probed = page && query.Sort.Count == 0 ? await DenseAsync(lease, query.Criteria, merged?.Criterion, ct) : null;
        var paired = await PairedSourcesAsync(lease, query.Criteria, scope, ct);
        return driver is null && probed is null && paired is null && merged is null ? null : new SearchPlan(driver, probed, window, paired, merged);
    }

    /// <summary>The most targets a merged chain reads the references of (one index read each).</summary>
    private const int MaxMergedTargets = 200;

    // Tests lower the bound for their own async flow, to keep the per-candidate form of a dense chain.
    internal static readonly AsyncLocal<int?> MaxMergedTargetsForTests = new();

    // The first chain of one value that the shape of the criteria drives from (none ranks before it), with its targets
    // when they are at most MaxMergedTargets; null when there is none. Its references are then read merged, whether few or
    // many, and it is not counted as dense.
    private static async Task<MergedChain?> MergedChainAsync(DbLease lease, IReadOnlyList<SearchCriterion> criteria, Access.ReadScope scope, CancellationToken ct)
    {
        var max = MaxMergedTargetsForTests.Value ?? MaxMergedTargets;
        foreach (var c in criteria)
        {
            if (c.Values is not [ChainSearchValue] || criteria.Any(x => SearchSqlBuilder.Selectivity(x) < SearchSqlBuilder.Selectivity(c))) continue;
            var p = new SqlParams { ReusesValues = true };
            var cmd = lease.Command(SearchSqlBuilder.ChainTargets(c, max + 1, scope, lease.Dialect, p));
            p.BindTo(cmd);
            var targets = new List<(string Type, string Id)>();
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct)) targets.Add((reader.GetString(0), reader.GetString(1)));
            }
            if (targets.Count <= max) return new MergedChain(c, targets);
        }
        return null;
    }

    private const string OverflowRowsSql = "SELECT COUNT(*) FROM (SELECT 1 FROM idx_reference_token WHERE code = @p0 AND res_type = @p1 LIMIT 1) n";

    // The source types of the top-level _has criteria the patient pair index can answer whose pairs are all there: one
    // read of the index each.
    private static async Task<IReadOnlySet<string>?> PairedSourcesAsync(DbLease lease, IReadOnlyList<SearchCriterion> criteria, Access.ReadScope scope, CancellationToken ct)
    {
        HashSet<string>? paired = null;
        foreach (var c in criteria)
        {
            if (c.Code != "_has") continue;
            foreach (var value in c.Values)
            {
                if (value is not ReverseChainSearchValue has || SearchSqlBuilder.PairedToken(has, scope) is null || paired?.Contains(has.SourceType) == true) continue;
                var cmd = lease.Command(OverflowRowsSql);
                var p = new SqlParams();
                p.Add(IndexPairs.PatientOverflowCode);
                p.Add(has.SourceType);
                p.BindTo(cmd);
                if (Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 0) (paired ??= []).Add(has.SourceType);
            }
        }
        return paired;
    }

    private static async Task<(SearchCriterion? Driver, bool Window)> DriverAsync(DbLease lease, IReadOnlyList<SearchCriterion> criteria, CancellationToken ct)
    {
        var candidates = criteria.Where(c => SearchSqlBuilder.Selectivity(c) < SearchSqlBuilder.NeverDrives)
            .OrderBy(SearchSqlBuilder.Selectivity).ToList();
        if (candidates.Count < 2) return (null, false);
        // What the shape would pick, when it is not one a count could compare (an id list, a composite, a chain)
        // and is selective by kind, stays.
        if (!SearchSqlBuilder.DrivesBounded(candidates[0]) && SearchSqlBuilder.Selectivity(candidates[0]) <= 2) return (null, false);
        SearchCriterion? best = null;
        var bestWindow = false;
        var bestRows = long.MaxValue;
        var windowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in candidates.Where(c => SearchSqlBuilder.DrivesBounded(c) || SearchSqlBuilder.Windowed(criteria, c)))
        {
            // The criteria of one code that bound a window together are counted once, as that window.
            var window = SearchSqlBuilder.Windowed(criteria, c);
            if (window && !windowed.Add(c.Code)) continue;
            var rows = window ? await CountWindowAsync(lease, criteria, c, Cap, ct) : await CountAsync(lease, c, Cap, ct);
            if (rows is not { } n || n >= bestRows) continue;
            best = c;
            bestWindow = window;
            bestRows = n;
            if (n < SmallEnough) break;
        }
        if (bestRows < Cap) return (best, bestWindow);
        return windowed.Count > 0 && lease.Dialect.WalksWideWindows ? await WideWindowAsync(lease, criteria, candidates, ct) : (null, false);
    }

    /// <summary>
    /// When every count reached the cap and a date window is among them: the window and the others counted again up to
    /// <see cref="WideCap"/>, and the window drives when it names at most half as many rows as the least of the others.
    /// A year of a common code is the case (`code=X&amp;date=ge1984&amp;date=lt1985`): a few thousand dated rows in the
    /// year against tens of thousands of the code, of which none may fall in the year.
    /// </summary>
    private static async Task<(SearchCriterion? Driver, bool Window)> WideWindowAsync(
        DbLease lease, IReadOnlyList<SearchCriterion> criteria, List<SearchCriterion> candidates, CancellationToken ct)
    {
        SearchCriterion? window = null;
        var windowRows = long.MaxValue;
        var otherRows = long.MaxValue;
        var windowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var c in candidates.Where(c => SearchSqlBuilder.DrivesBounded(c) || SearchSqlBuilder.Windowed(criteria, c)))
        {
            var isWindow = SearchSqlBuilder.Windowed(criteria, c);
            if (isWindow && !windowed.Add(c.Code)) continue;
            var rows = isWindow ? await CountWindowAsync(lease, criteria, c, WideCap, ct) : await CountAsync(lease, c, WideCap, ct);
            if (rows is not { } n) continue;
            if (isWindow && n < windowRows) (window, windowRows) = (c, n);
            else if (!isWindow) otherRows = Math.Min(otherRows, n);
        }
        return window is not null && windowRows < WideCap && windowRows * 2 <= otherRows ? (window, true) : (null, false);
    }

    private static async Task<long?> CountWindowAsync(DbLease lease, IReadOnlyList<SearchCriterion> criteria, SearchCriterion c, int cap, CancellationToken ct)
    {
        var p = new SqlParams { ReusesValues = true };
        if (SearchSqlBuilder.CappedWindowRows(criteria, c, cap, lease.Dialect, p) is not { } sql) return null;
        var cmd = lease.Command(sql);
        p.BindTo(cmd);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<IReadOnlySet<SearchCriterion>?> DenseAsync(DbLease lease, IReadOnlyList<SearchCriterion> criteria, SearchCriterion? merged, CancellationToken ct)
    {
        HashSet<SearchCriterion>? dense = null;
        var threshold = DenseRowsForTests.Value ?? DenseRows;
        foreach (var c in criteria)
        {
            if (c.Values.Count != 1 || ReferenceEquals(c, merged)) continue;
            var rows = c.Values[0] switch
            {
                ReverseChainSearchValue has when c.Code == "_has" => await CountAsync(lease, has.Inner, threshold, ct),
                ChainSearchValue when lease.Dialect.ProbesDenseChains => await CountChainAsync(lease, c, threshold, ct),
                _ => null,
            };
            if (rows >= threshold) (dense ??= []).Add(c);
        }
        return dense;
    }

    private static async Task<long?> CountChainAsync(DbLease lease, SearchCriterion c, int cap, CancellationToken ct)
    {
        var p = new SqlParams { ReusesValues = true };
        var cmd = lease.Command(SearchSqlBuilder.CappedChainRows(c, cap, lease.Dialect, p));
        p.BindTo(cmd);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<long?> CountAsync(DbLease lease, SearchCriterion c, int cap, CancellationToken ct)
    {
        var p = new SqlParams { ReusesValues = true };
        if (SearchSqlBuilder.CappedRows(c, cap, lease.Dialect, p) is not { } sql) return null;
        var cmd = lease.Command(sql);
        p.BindTo(cmd);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
