using Fhir.Search.Queries;

namespace Fhir.Storage.Sql;

// Windows: the criteria of one parameter that, together, bound where the single row of a resource must lie when the
// resource satisfies them all on it. A window drives like one criterion: its candidates are the rows inside it and the
// resources whose rows it cannot stand for (listed by a trigger as they are written), a superset that every criterion,
// the window's own too, then probes. Dates (a year of a code) and quantities (a value range) have one each.
internal sealed partial class SearchSqlBuilder
{
    /// <summary>
    /// The bounds [low, high] on the start of the one row of a resource that has a single, narrow row (at most
    /// <see cref="SqlDialect.WideDateSpan"/> wide) of <paramref name="c"/>'s code and satisfies every plain date
    /// criterion of that code in <paramref name="criteria"/> (one value each, no modifier): each prefix bounds the start
    /// of such a row on one side or both. Resources with other rows of the code are in idx_date_wide (Schema, migration 9).
    /// Null unless <paramref name="c"/> is one of those criteria and, read from idx_date, there are at least two of them
    /// and both bounds are finite; read from the pair index with a <see cref="PairedToken(IReadOnlyList{SearchCriterion})"/>, one bound is enough (the
    /// token bounds the read; an open end is <see cref="DateTime.MinValue"/> or <see cref="DateTime.MaxValue"/>).
    /// </summary>
    internal static (DateTime Low, DateTime High)? DateWindow(IReadOnlyList<SearchCriterion> criteria, SearchCriterion c)
    {
        static bool Plain(SearchCriterion x) => x.Type == SearchParamType.Date && x.Modifier is null && x.Values.Count == 1
            && x.Values[0] is DateSearchValue { Prefix: not (SearchPrefix.Ne or SearchPrefix.Ap) };
        if (!Plain(c)) return null;
        var low = DateTime.MinValue;
        var high = DateTime.MaxValue;
        var count = 0;
        foreach (var x in criteria)
        {
            if (x.Code != c.Code || !Plain(x)) continue;
            count++;
            var d = (DateSearchValue)x.Values[0];
            var sLow = SqlDialect.AsUtc(d.LowUtc);
            var sHigh = SqlDialect.AsUtc(d.HighUtc);
            // A narrow row ends at most WideDateSpan after its start: a row reaching above sHigh starts after sHigh - span.
            var reachesAbove = sHigh.Ticks > SqlDialect.WideDateSpan.Ticks ? sHigh - SqlDialect.WideDateSpan : DateTime.MinValue;
            switch (d.Prefix)
            {
                case SearchPrefix.Eq: // sLow <= L and H <= sHigh
                    low = Max(low, sLow);
                    high = Min(high, sHigh);
                    break;
                case SearchPrefix.Gt: // H > sHigh
                    low = Max(low, reachesAbove);
                    break;
                case SearchPrefix.Ge: // H > sHigh or (sLow <= L and H <= sHigh)
                    low = Max(low, Min(sLow, reachesAbove));
                    break;
                case SearchPrefix.Sa: // L > sHigh
                    low = Max(low, sHigh);
                    break;
                case SearchPrefix.Lt or SearchPrefix.Eb: // L < sLow; H < sLow
                    high = Min(high, sLow);
                    break;
                case SearchPrefix.Le: // L < sLow or (sLow <= L and H <= sHigh)
                    high = Min(high, sHigh);
                    break;
            }
        }
        var bounded = PairedToken(criteria) is not null
            ? low != DateTime.MinValue || high != DateTime.MaxValue
            : count >= 2 && low != DateTime.MinValue && high != DateTime.MaxValue;
        return bounded ? (low, high) : null;

        static DateTime Max(DateTime x, DateTime y) => x > y ? x : y;
        static DateTime Min(DateTime x, DateTime y) => x < y ? x : y;
    }

    /// <summary>
    /// The criterion of <paramref name="criteria"/> that a date window reads from the pair index (IndexPairs) with: the
    /// token parameter paired with every date parameter, with a code in each value (a system or not) and no modifier; null
    /// when there is none. Its values (at most <see cref="MaxPairedValues"/>) are one read each.
    /// </summary>
    internal static SearchCriterion? PairedToken(IReadOnlyList<SearchCriterion> criteria)
    {
        foreach (var x in criteria)
        {
            if (x.Code == IndexPairs.TokenCode && x.Type == SearchParamType.Token && x.Modifier is null
                && x.Values.Count is > 0 and <= MaxPairedValues && x.Values.All(v => v is TokenSearchValue { Code: not null }))
            {
                return x;
            }
        }
        return null;
    }

    // A read of the pair index per value; a code list longer than this (an expanded value set) drives by itself.
    private const int MaxPairedValues = 10;

    /// <summary>Whether <paramref name="c"/> bounds a window with the other criteria of its code (date or quantity): the planner counts it as one driver.</summary>
    internal static bool Windowed(IReadOnlyList<SearchCriterion> criteria, SearchCriterion c) =>
        DateWindow(criteria, c) is not null || QuantityWindow(criteria, c) is not null;

    /// <summary>
    /// The values of the plain quantity criteria of <paramref name="c"/>'s code (one value each, no modifier, neither
    /// <c>ne</c> nor <c>ap</c>) written in <paramref name="c"/>'s unit (system, unit and canonical unit alike), when
    /// <paramref name="c"/> is one of them, there are at least two and one of them bounds the start of a row from above
    /// (eq, lt, le, eb); null otherwise. A resource with one row of the code satisfies them all only on that row, so its
    /// row satisfies their conjunction and starts below that bound: one read of the (code, unit, low) index. Resources with
    /// more rows of the code are in idx_quantity_multi (Schema, migration 14).
    /// </summary>
    /// <remarks>Unlike a date, a quantity's width (its precision, in its unit's scale) has no fixed bound, so the read
    /// is bounded on one side only unless a criterion bounds the start from below (eq, sa); it still reads no row that
    /// fails the conjunction, and the index holds what it checks.</remarks>
    internal static IReadOnlyList<QuantitySearchValue>? QuantityWindow(IReadOnlyList<SearchCriterion> criteria, SearchCriterion c)
    {
        static QuantitySearchValue? Plain(SearchCriterion x) => x.Type == SearchParamType.Quantity && x.Modifier is null && x.Values.Count == 1
            && x.Values[0] is QuantitySearchValue { Prefix: not (SearchPrefix.Ne or SearchPrefix.Ap) } q ? q : null;
        if (Plain(c) is not { } first) return null;
        List<QuantitySearchValue> values = [];
        foreach (var x in criteria)
        {
            if (x.Code == c.Code && Plain(x) is { } q && q.System == first.System && q.Unit == first.Unit
                && q.CanonicalUnit == first.CanonicalUnit && (q.CanonicalValue is null) == (first.CanonicalValue is null))
            {
                values.Add(q);
            }
        }
        return values.Count >= 2 && values.Any(q => q.Prefix is SearchPrefix.Eq or SearchPrefix.Lt or SearchPrefix.Le or SearchPrefix.Eb) ? values : null;
    }

    // a.res_key IN (the window's candidates).
    private void AppendWindow(IReadOnlyList<SearchCriterion> criteria, SearchCriterion c, string a)
    {
        sql.Append(a).Append(".res_key IN (");
        AppendWindowRows(criteria, c, "i.res_key", "w.res_key");
        sql.Append(')');
    }

    /// <summary>About how many candidates the window of <paramref name="c"/> yields, counted up to <paramref name="cap"/>; null without a window.</summary>
    public static string? CappedWindowRows(IReadOnlyList<SearchCriterion> criteria, SearchCriterion c, int cap, SqlDialect dialect, SqlParams parameters)
    {
        if (!Windowed(criteria, c)) return null;
        var b = new SearchSqlBuilder(dialect, parameters);
        b.sql.Append("SELECT COUNT(*) FROM (");
        b.AppendWindowRows(criteria, c, "1", "1");
        return b.sql.Append(" LIMIT ").Append(parameters.Add((long)cap)).Append(") n").ToString();
    }

    // The candidates of a window, as UNION ALL branches selecting `row` from index rows (and `wideRow` from the rows of the
    // list of resources a window cannot stand for).
    private void AppendWindowRows(IReadOnlyList<SearchCriterion> criteria, SearchCriterion c, string row, string wideRow)
    {
        if (QuantityWindow(criteria, c) is { } quantities) AppendQuantityWindowRows(c.Code, quantities, row, wideRow);
        else AppendDateWindowRows(criteria, c, row, wideRow);
    }

    // A date window's: the rows of the code that start inside it (of the paired token's values, when the criteria have
    // one: one branch each), and the resources listed as wide for the code.
    private void AppendDateWindowRows(IReadOnlyList<SearchCriterion> criteria, SearchCriterion c, string row, string wideRow)
    {
        var (low, high) = DateWindow(criteria, c) ?? throw new ArgumentException($"'{c.Code}' has no date window.", nameof(c));
        var code = p.Add(c.Code);
        var lowValue = low == DateTime.MinValue ? null : p.Add(dialect.Instant(low));
        var highValue = high == DateTime.MaxValue ? null : p.Add(dialect.Instant(high));
        void Range()
        {
            if (lowValue is not null) sql.Append(" AND i.low >= ").Append(lowValue);
            if (highValue is not null) sql.Append(" AND i.low <= ").Append(highValue);
        }
        if (PairedToken(criteria) is { } token)
        {
            var pair = p.Add(IndexPairs.Code(c.Code));
            foreach (TokenSearchValue t in token.Values)
            {
                sql.Append("SELECT ").Append(row).Append(" FROM ").Append(IndexTables.TokenDate.Name).Append(" i WHERE i.code = ").Append(pair).Append(" AND ");
                AppendToken(null, t, "i");
                Range();
                sql.Append(" UNION ALL ");
            }
        }
        else
        {
            sql.Append("SELECT ").Append(row).Append(" FROM ").Append(IndexTables.Date.Name).Append(" i WHERE i.code = ").Append(code);
            Range();
            sql.Append(" UNION ALL ");
        }
        sql.Append("SELECT ").Append(wideRow).Append(" FROM idx_date_wide w WHERE w.code = ").Append(code);
    }

    // A quantity window's: the rows of the code that satisfy every value together, compared canonically when the values
    // have a canonical form (rows with one) and as written (rows without one, or every row when the values have none),
    // each read as a stretch of its (code, [canonical unit,] low) index; and the resources with more than one row of the code.
    private void AppendQuantityWindowRows(string code, IReadOnlyList<QuantitySearchValue> values, string row, string multiRow)
    {
        var codeValue = p.Add(code);
        var first = values[0];
        var canonical = first.CanonicalUnit is not null && first.CanonicalValue is not null;
        if (canonical)
        {
            sql.Append("SELECT ").Append(row).Append(" FROM ").Append(IndexTables.Quantity.Name).Append(" i WHERE i.code = ").Append(codeValue)
                .Append(" AND i.canonical_unit = ").Append(p.Add(first.CanonicalUnit!));
            AppendRowsOfAll(values, q =>
            {
                var (lo, hi) = IndexTables.CanonicalRange(q.Value, q.Low, q.High, q.CanonicalValue!.Value);
                return (q.CanonicalValue!.Value, lo, hi);
            }, "i.canonical_low", "i.canonical_high");
            sql.Append(" UNION ALL ");
        }
        sql.Append("SELECT ").Append(row).Append(" FROM ").Append(IndexTables.Quantity.Name).Append(" i WHERE i.code = ").Append(codeValue);
        if (canonical) sql.Append(" AND i.canonical_unit IS NULL");
        if (first.System is not null) sql.Append(" AND i.system = ").Append(p.Add(first.System));
        if (first.Unit is not null) sql.Append(" AND i.unit = ").Append(p.Add(first.Unit));
        AppendRowsOfAll(values, q => (q.Value, q.Low, q.High), "i.low", "i.high");
        sql.Append(" UNION ALL SELECT ").Append(multiRow).Append(" FROM idx_quantity_multi w WHERE w.code = ").Append(codeValue);
    }

    // " AND <the bounds of the start> AND <each value's range comparison>" on the columns of one scale, where each value is
    // (the searched value, its range) on that scale: eq, lt, le and eb bound the start from above, eq and sa from below.
    private void AppendRowsOfAll(IReadOnlyList<QuantitySearchValue> values, Func<QuantitySearchValue, (decimal Value, decimal Low, decimal High)> scale, string low, string high)
    {
        decimal? from = null, to = null;
        foreach (var q in values)
        {
            var (_, sLow, sHigh) = scale(q);
            decimal? below = q.Prefix switch { SearchPrefix.Eq or SearchPrefix.Le => sHigh, SearchPrefix.Lt or SearchPrefix.Eb => sLow, _ => null };
            decimal? above = q.Prefix switch { SearchPrefix.Eq => sLow, SearchPrefix.Sa => sHigh, _ => null };
            if (below is { } b && (to is null || b < to)) to = b;
            if (above is { } a && (from is null || a > from)) from = a;
        }
        if (from is { } f) sql.Append(" AND ").Append(low).Append(" >= ").Append(p.Add(dialect.Number(f)));
        if (to is { } t) sql.Append(" AND ").Append(low).Append(" <= ").Append(p.Add(dialect.Number(t)));
        foreach (var q in values)
        {
            var (value, sLow, sHigh) = scale(q);
            sql.Append(" AND ");
            AppendNumber(q.Prefix, value, sLow, sHigh, low, high);
        }
    }
}
