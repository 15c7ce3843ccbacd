using System.Data.Common;
using System.Text;
using Fhir.Search.Queries;
using Fhir.Storage.Access;

namespace Fhir.Storage.Sql;

/// <summary>The reads both stores and their sessions run, on whatever connection a <see cref="DbLease"/> lends.</summary>
internal static class StoreQueries
{
    // Every version read selects these after one leading key column (seq or res_key).
    private const string VersionColumns = "v.res_type, v.res_id, v.version, v.last_updated, v.method, v.json";

    /// <summary>The current version of @p0/@p1, read by <see cref="ReadVersion"/>.</summary>
    public const string ReadCurrentSql =
        "SELECT v.seq, " + VersionColumns + " FROM resource r JOIN resource_version v ON v.seq = r.version_seq"
        + " WHERE r.res_type = @p0 AND r.res_id = @p1";

    private const string ReadVersionSql =
        "SELECT v.seq, " + VersionColumns + " FROM resource_version v WHERE v.res_type = @p0 AND v.res_id = @p1 AND v.version = @p2";

    /// <summary>The current version (or tombstone) of a resource, whatever scope: for writes, which must know the truth.</summary>
    public static Task<ResourceVersion?> ReadCurrentAsync(DbLease lease, string type, string id, CancellationToken ct) =>
        ReadCurrentAsync(lease, type, id, ReadScope.Everything, ct);

    /// <summary>The current version (or tombstone) of a resource, when it is in <paramref name="scope"/>.</summary>
    public static async Task<ResourceVersion?> ReadCurrentAsync(DbLease lease, string type, string id, ReadScope scope, CancellationToken ct)
    {
        var p = new SqlParams();
        p.Add(type);
        p.Add(id);
        var cmd = lease.Command(Scoped(ReadCurrentSql, scope, "v", type, p));
        p.BindTo(cmd);
        return await ReadSingleAsync(lease.Dialect, cmd, ct);
    }

    /// <summary>One version of a resource, when that version is in <paramref name="scope"/>.</summary>
    public static async Task<ResourceVersion?> ReadVersionAsync(DbLease lease, string type, string id, int version, ReadScope scope, CancellationToken ct)
    {
        var p = new SqlParams();
        p.Add(type);
        p.Add(id);
        p.Add(version);
        var cmd = lease.Command(Scoped(ReadVersionSql, scope, "v", type, p));
        p.BindTo(cmd);
        return await ReadSingleAsync(lease.Dialect, cmd, ct);
    }

    /// <summary>The patients whose compartment the current version (or tombstone) of a resource is in.</summary>
    public static async Task<IReadOnlyList<string>> CurrentPatientsAsync(DbLease lease, string type, string id, CancellationToken ct)
    {
        var cmd = lease.Command("SELECT pc.patient_id FROM resource r JOIN patient_compartment pc ON pc.seq = r.version_seq WHERE r.res_type = @p0 AND r.res_id = @p1 ORDER BY pc.patient_id");
        var p = new SqlParams();
        p.Add(type);
        p.Add(id);
        p.BindTo(cmd);
        var patients = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) patients.Add(reader.GetString(0));
        return patients;
    }

    // A single-resource read with the scope's limits on its version row.
    private static string Scoped(string sql, ReadScope scope, string alias, string type, SqlParams p)
    {
        if (scope.IsEverything) return sql;
        var text = new StringBuilder(sql, sql.Length + 128);
        ScopeSql.AppendReadable(text, p, scope, alias + ".seq", alias + ".res_type", type);
        return text.ToString();
    }

    /// <summary>A page of history in <paramref name="scope"/>, newest first, keyset-paged on <c>seq</c>.</summary>
    public static async Task<HistoryPage> HistoryAsync(DbLease lease, HistoryQuery query, ReadScope scope, CancellationToken ct)
    {
        if (query.Id is not null && query.Type is null) throw new ArgumentException("An instance history needs the resource type.", nameof(query));
        if (query.Count <= 0) return new HistoryPage([], null);

        var p = new SqlParams();
        var sql = new StringBuilder("SELECT v.seq, " + VersionColumns + " FROM resource_version v WHERE 1 = 1", 256);
        if (query.Type is not null) sql.Append(" AND v.res_type = ").Append(p.Add(query.Type));
        if (query.Id is not null) sql.Append(" AND v.res_id = ").Append(p.Add(query.Id));
        if (query.Since is DateTimeOffset since) sql.Append(" AND v.last_updated >= ").Append(p.Add(lease.Dialect.Instant(since.UtcDateTime)));
        if (query.Before is long before) sql.Append(" AND v.seq < ").Append(p.Add(before));
        // Each version judged as it was written: an older version may have been another patient's.
        ScopeSql.AppendReadable(sql, p, scope, "v.seq", "v.res_type", query.Type);
        sql.Append(" ORDER BY v.seq DESC LIMIT ").Append(p.Add((long)query.Count + 1));

        var cmd = lease.Command(sql.ToString());
        p.BindTo(cmd);
        var (entries, next, limited) = await ReadPageAsync(lease.Dialect, cmd, query.Count, query.MaxBytes, query.EntryOverheadBytes, ct);
        return new HistoryPage(entries, next) { LimitedByBytes = limited };
    }

    /// <summary>
    /// A page of current, non-deleted matches in the query's order (its sort keys, then <c>res_key</c>), with the
    /// cursors of the neighbouring pages and, when asked for, the number of all matches.
    /// </summary>
    public static async Task<SearchPage> SearchAsync(DbLease lease, SearchQuery query, ReadScope scope, CancellationToken ct)
    {
        ScopeCheck.Search(query, scope);
        if (query.Total == TotalMode.None && query.Count <= 0) return new SearchPage([], null, null);
        long? total = null;
        // One plan for both statements: the count drives from the same criterion, but needs no probed _has.
        var plan = await SearchPlanner.PlanAsync(lease, query, scope, page: query.Count > 0, ct);
        if (query.Total != TotalMode.None)
        {
            var cp = new SqlParams { ReusesValues = true };
            var count = lease.Command(SearchSqlBuilder.Count(query, scope, lease.Dialect, cp, plan is null ? null : plan with { Probed = null }));
            cp.BindTo(count);
            total = Convert.ToInt64(await count.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }
        if (query.Count <= 0) return new SearchPage([], null, total);

        var p = new SqlParams { ReusesValues = true };
        var cmd = lease.Command(SearchSqlBuilder.Page(query, scope, lease.Dialect, p, plan));
        p.BindTo(cmd);
        var rows = new List<ResourceVersion>(Math.Min(query.Count, 64));
        var bounds = new List<SearchCursor>(Math.Min(query.Count, 64));
        var more = false;
        var limited = false;
        long bytes = 0;
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                if (rows.Count == query.Count)
                {
                    more = true;
                    break;
                }
                bytes += JsonLength(reader) + query.EntryOverheadBytes;
                if (bytes > query.MaxBytes && rows.Count > 0)
                {
                    // The byte budget ends the page here (before this row's JSON is read); keyset paging goes on after
                    // the last row kept.
                    more = limited = true;
                    break;
                }
                rows.Add(ReadVersion(lease.Dialect, reader));
                var values = new object?[query.Sort.Count];
                for (var k = 0; k < values.Length; k++) values[k] = lease.Dialect.ReadSortValue(reader, SearchSqlBuilder.FirstSortColumn + k, query.Sort[k]);
                bounds.Add(new SearchCursor(reader.GetInt64(0), values));
            }
        }

        SearchCursor? next, previous;
        var after = query.After;
        if (after?.Direction == PageDirection.Backward)
        {
            // Read in reverse order: turn the page around. The page we came from follows it.
            rows.Reverse();
            bounds.Reverse();
            previous = more ? bounds[0] with { Direction = PageDirection.Backward } : null;
            next = bounds.Count > 0 ? bounds[^1] : after with { Direction = PageDirection.Forward };
        }
        else
        {
            next = more ? bounds[^1] : null;
            // A page reached through a cursor has rows before it (or had: a previous link may come back empty).
            previous = after is null ? null : bounds.Count > 0 ? bounds[0] with { Direction = PageDirection.Backward } : after with { Direction = PageDirection.Backward };
        }
        return new SearchPage(rows, next, total) { Previous = previous, LimitedByBytes = limited, Positions = bounds };
    }

    /// <summary>The ids of at most <paramref name="limit"/> current, non-deleted matches in <paramref name="scope"/>.</summary>
    public static async Task<IReadOnlyList<string>> SearchIdsAsync(DbLease lease, SearchQuery query, ReadScope scope, int limit, CancellationToken ct)
    {
        ScopeCheck.Search(query, scope);
        if (limit <= 0) return [];
        var p = new SqlParams { ReusesValues = true };
        var cmd = lease.Command(SearchSqlBuilder.Ids(query, scope, limit, lease.Dialect, p));
        p.BindTo(cmd);
        var ids = new List<string>(Math.Min(limit, 16));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) ids.Add(reader.GetString(0));
        return ids;
    }

    private static async Task<ResourceVersion?> ReadSingleAsync(SqlDialect dialect, DbCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadVersion(dialect, reader) : null;
    }

    // Reads up to count rows (and up to maxBytes of JSON, at least one row); a row beyond them means another page,
    // whose cursor is the last key kept.
    private static async Task<(List<ResourceVersion> Rows, long? Next, bool LimitedByBytes)> ReadPageAsync(
        SqlDialect dialect, DbCommand cmd, int count, long? maxBytes, int overhead, CancellationToken ct)
    {
        var rows = new List<ResourceVersion>(Math.Min(count, 64));
        long lastKey = 0;
        long? next = null;
        long bytes = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (rows.Count == count)
            {
                next = lastKey;
                break;
            }
            bytes += JsonLength(reader) + overhead;
            if (bytes > maxBytes && rows.Count > 0)
            {
                return (rows, lastKey, true);
            }
            lastKey = reader.GetInt64(0);
            rows.Add(ReadVersion(dialect, reader));
        }
        return (rows, next, false);
    }

    /// <summary>The length of the JSON of a row read by <see cref="ReadVersion"/>, without reading it (both providers answer GetBytes without a buffer with the length).</summary>
    public static long JsonLength(DbDataReader r) => r.IsDBNull(6) ? 0 : r.GetBytes(6, 0, null, 0, 0);

    /// <summary>Maps a row whose columns 1..6 are the version columns (column 0 is a key).</summary>
    public static ResourceVersion ReadVersion(SqlDialect dialect, DbDataReader r) => new(
        r.GetString(1),
        r.GetString(2),
        r.GetInt32(3),
        dialect.ReadInstant(r, 4),
        (WriteMethod)r.GetInt16(5),
        r.GetFieldValue<byte[]>(6));
}
