using Fhir.Search.Queries;

namespace Fhir.Storage.Sql;

// Pages: ORDER BY the sort keys then r.res_key (the stable tiebreak), keyset-paged from a cursor that
// carries the boundary row's sort values and key.
//
// - A sort key's value per resource: _id and _lastUpdated are columns; an indexed parameter is a
//   scalar subquery over its index rows, MIN for ascending and MAX for descending when it repeats
//   (HAPI's choice): strings by normal form, tokens by code, references by Type/id (else URL), uris
//   as written, dates by range start (ascending) or end (descending), numbers and quantities by the
//   middle of their precision range (quantities in canonical units when UCUM knows them).
// - Resources without a value sort last in both directions (NULLS LAST on both databases).
// - The surrogate key breaks ties, in the direction of the last sort key.
// - Forward from a boundary (v, k): rows ordered after it; backward: the rows before it, read in
//   reverse order (every direction and null placement flipped) and turned around by the reader.
// - With sort keys the matching rows and their sort values are a derived table x, so the keyset
//   predicate and ORDER BY name the values once.
internal sealed partial class SearchSqlBuilder
{
    private const string VersionColumns = "v.res_type, v.res_id, v.version, v.last_updated, v.method, v.json";

    /// <summary>The column of the first sort value in a <see cref="Page"/> row (after the key and the version columns).</summary>
    public const int FirstSortColumn = 7;

    /// <summary>
    /// A page of <see cref="SearchQuery.Count"/> + 1 rows (one extra tells whether more remain) in the query's order
    /// (reversed for a backward cursor): the key, the version columns as <see cref="StoreQueries"/> reads them, then
    /// one column per sort key.
    /// </summary>
    /// <param name="query">The search.</param>
    /// <param name="scope">What the reader may see.</param>
    /// <param name="dialect">The database.</param>
    /// <param name="parameters">Receives the values.</param>
    /// <param name="plan">What counting found out about the criteria (SearchPlanner), if anything.</param>
    public static string Page(SearchQuery query, Access.ReadScope scope, SqlDialect dialect, SqlParams parameters, SearchPlan? plan = null)
    {
        var b = new SearchSqlBuilder(dialect, parameters, scope) { plan = plan };
        var backward = query.After?.Direction == PageDirection.Backward;
        // A page read from a driver `d` of its own in key order (PostgreSQL): its rows joined to their resources, which every
        // criterion checks; the cursor is applied to `d` outside it unless the driver applied it inside.
        void FromDriver(string select, Action driver, bool cursorOutside)
        {
            b.sql.Append(select).Append(VersionColumns).Append(" FROM ");
            driver();
            b.sql.Append(" JOIN resource r ON r.res_key = d.res_key JOIN resource_version v ON v.seq = r.version_seq WHERE ");
            b.AppendWhere(query);
            if (cursorOutside && query.After is { } after) b.sql.Append(" AND d.res_key ").Append(backward ? "< " : "> ").Append(parameters.Add(after.Key));
            b.sql.Append(" ORDER BY d.res_key").Append(backward ? " DESC" : "");
        }
        if (b.JoinedChain(query) is { } merged)
        {
            // The references to the targets, merged in key order (SqlDialect.MergesChainTargets); every criterion probes.
            b.joinedChain = merged.Criterion;
            FromDriver("SELECT DISTINCT ON (d.res_key) r.res_key, ", () =>
            {
                b.sql.Append('(');
                b.AppendMergedChainRows(merged, query.After, backward);
                b.sql.Append(") d");
            }, cursorOutside: false);
        }
        else if (b.JoinedDriver(query) is { } driver)
        {
            b.joinedDriver = driver;
            FromDriver("SELECT r.res_key, ", () => b.AppendJoinedDriver(driver), cursorOutside: true);
        }
        else if (b.JoinedWindow(query) is { } window)
        {
            // The window's candidates in key order, fenced so that PostgreSQL probes them in that order and stops at the
            // page: unfenced, it probed every candidate and sorted the matches (a year of a common code: 4,071 candidates,
            // 37 ms, against 3.5 ms).
            b.joinedWindow = window;
            FromDriver("SELECT r.res_key, ", () =>
            {
                b.sql.Append("(SELECT DISTINCT x.res_key FROM (");
                b.AppendWindowRows(query.Criteria, window, "i.res_key", "w.res_key");
                b.sql.Append(") x");
                if (query.After is { } after) b.sql.Append(" WHERE x.res_key ").Append(backward ? "< " : "> ").Append(parameters.Add(after.Key));
                b.sql.Append(" ORDER BY x.res_key").Append(backward ? " DESC" : "").Append(" OFFSET 0) d");
            }, cursorOutside: false);
        }
        else if (query.Sort.Count == 0)
        {
            // PostgreSQL cuts the page's keys before it joins their versions (SqlDialect.CutsPagesBeforeVersions).
            var cut = dialect.CutsPagesBeforeVersions;
            b.sql.Append(cut ? "SELECT p.res_key, " : "SELECT r.res_key, ").Append(VersionColumns)
                .Append(cut ? " FROM (SELECT r.res_key, r.version_seq FROM resource r WHERE " : " FROM resource r JOIN resource_version v ON v.seq = r.version_seq WHERE ");
            b.AppendWhere(query);
            if (query.After is { } after) b.sql.Append(" AND r.res_key ").Append(backward ? "< " : "> ").Append(parameters.Add(after.Key));
            b.sql.Append(" ORDER BY r.res_key").Append(backward ? " DESC" : "");
            if (cut)
            {
                b.sql.Append(" LIMIT ").Append(parameters.Add((long)query.Count + 1))
                    .Append(") p JOIN resource_version v ON v.seq = p.version_seq ORDER BY p.res_key").Append(backward ? " DESC" : "");
                return b.sql.ToString();
            }
        }
        else
        {
            b.sql.Append("SELECT x.res_key, ").Append(VersionColumns);
            for (var k = 0; k < query.Sort.Count; k++) b.sql.Append(", x.s").Append(k);
            b.sql.Append(" FROM (SELECT r.res_key, r.version_seq");
            for (var k = 0; k < query.Sort.Count; k++)
            {
                b.sql.Append(", ");
                b.AppendSortValue(query.Sort[k]);
                b.sql.Append(" AS s").Append(k);
            }
            b.sql.Append(" FROM resource r WHERE ");
            b.AppendWhere(query);
            b.sql.Append(") x JOIN resource_version v ON v.seq = x.version_seq");
            if (query.After is { } after)
            {
                b.sql.Append(" WHERE ");
                b.AppendKeyset(query.Sort, after, 0, backward);
                if (NeverNull(query.Sort[0]) && after.SortValues[0] is { } first)
                {
                    // Implied by the keyset condition, but a plain range the index can start from.
                    var descending = query.Sort[0].Direction == SortDirection.Descending;
                    b.sql.Append(" AND x.s0 ").Append(descending != backward ? "<= " : ">= ").Append(parameters.Add(dialect.SortValue(first)));
                }
            }
            b.sql.Append(" ORDER BY ");
            for (var k = 0; k < query.Sort.Count; k++)
            {
                var descending = query.Sort[k].Direction == SortDirection.Descending;
                b.sql.Append("x.s").Append(k).Append(descending != backward ? " DESC" : " ASC");
                if (!NeverNull(query.Sort[k])) b.sql.Append(backward ? " NULLS FIRST" : " NULLS LAST");
                b.sql.Append(", ");
            }
            b.sql.Append("x.res_key").Append(TiebreakDescending(query.Sort) != backward ? " DESC" : " ASC");
        }
        b.sql.Append(" LIMIT ").Append(parameters.Add((long)query.Count + 1));
        return b.sql.ToString();
    }

    private void AppendSortValue(SortKey key)
    {
        var descending = key.Direction == SortDirection.Descending;
        var aggregate = descending ? "MAX(" : "MIN(";
        if (key.Code == "_id")
        {
            sql.Append("r.res_id");
            return;
        }
        if (key.Code == "_lastUpdated")
        {
            sql.Append("r.last_updated");
            return;
        }
        var (table, expression) = key.Type switch
        {
            SearchParamType.String => (IndexTables.String, "i.norm"),
            SearchParamType.Token => (IndexTables.Token, "i.value"),
            SearchParamType.Reference => (IndexTables.Reference, "COALESCE(i.target_type || '/' || i.target_id, i.url)"),
            SearchParamType.Uri => (IndexTables.Uri, "i.uri"),
            SearchParamType.Date => (IndexTables.Date, descending ? "i.high" : "i.low"),
            SearchParamType.Number => (IndexTables.Number, "(i.low + i.high) / 2"),
            SearchParamType.Quantity => (IndexTables.Quantity, "COALESCE((i.canonical_low + i.canonical_high) / 2, (i.low + i.high) / 2)"),
            _ => throw new NotSupportedException($"Sorting by the {key.Type} parameter '{key.Code}' is not supported."),
        };
        sql.Append("(SELECT ").Append(aggregate).Append(expression).Append(") FROM ").Append(table.Name)
            .Append(" i WHERE i.res_key = r.res_key AND ").Append(dialect.Unindexed("i.code")).Append(" = ").Append(p.Add(key.Code)).Append(')');
    }

    // _id and _lastUpdated are columns every resource has: no NULLS clause, so that an index on
    // (res_type, last_updated, res_key) can deliver the order.
    private static bool NeverNull(SortKey key) => key.Code is "_id" or "_lastUpdated";

    // The key breaks ties in the direction of the last sort key: `_sort=-_lastUpdated` is then
    // (last_updated DESC, res_key DESC), one index read backwards.
    private static bool TiebreakDescending(IReadOnlyList<SortKey> sort) => sort[^1].Direction == SortDirection.Descending;

    // Rows after (forward) or before (backward) the boundary in the order (s0, s1, ..., res_key), nulls last.
    private void AppendKeyset(IReadOnlyList<SortKey> sort, SearchCursor after, int k, bool backward)
    {
        if (k == sort.Count)
        {
            sql.Append("x.res_key ").Append(TiebreakDescending(sort) != backward ? "< " : "> ").Append(p.Add(after.Key));
            return;
        }
        var column = "x.s" + k;
        var value = after.SortValues[k];
        var descending = sort[k].Direction == SortDirection.Descending;
        sql.Append('(');
        if (value is null)
        {
            // Nulls come last: after a null only nulls follow; before it come all values.
            if (backward) sql.Append(column).Append(" IS NOT NULL OR ");
            sql.Append('(').Append(column).Append(" IS NULL AND ");
            AppendKeyset(sort, after, k + 1, backward);
            sql.Append(')');
        }
        else
        {
            var bound = p.Add(dialect.SortValue(value));
            sql.Append(column).Append(descending != backward ? " < " : " > ").Append(bound);
            if (!backward && !NeverNull(sort[k])) sql.Append(" OR ").Append(column).Append(" IS NULL");
            sql.Append(" OR (").Append(column).Append(" = ").Append(bound).Append(" AND ");
            AppendKeyset(sort, after, k + 1, backward);
            sql.Append(')');
        }
        sql.Append(')');
    }
}
