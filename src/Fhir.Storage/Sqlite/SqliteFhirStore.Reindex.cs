using System.Globalization;
using Fhir.Storage.Sql;

namespace Fhir.Storage.Sqlite;

/// <summary>SQLite's reindex rows: key and code lists travel as JSON arrays (<c>json_each</c>), rows in multi-row INSERTs.</summary>
internal sealed partial class SqliteFhirStore
{
    private const string SelectSeqSql = "SELECT res_key, version_seq FROM resource WHERE res_key IN (SELECT value FROM json_each(@p0))";
    private static readonly string[] SelectRowsSql = [.. IndexTables.All.Select(t => $"SELECT rowid, res_key, {string.Join(", ", t.Columns)} FROM {t.Name} WHERE res_key IN (SELECT value FROM json_each(@p0))")];
    private static readonly string[] SelectCodeRowsSql = [.. IndexTables.All.Select(t => $"SELECT rowid, res_key, {string.Join(", ", t.Columns)} FROM {t.Name} WHERE res_key IN (SELECT value FROM json_each(@p0)) AND code IN (SELECT value FROM json_each(@p1))")];
    private static readonly string[] DeleteRowsSql = [.. IndexTables.All.Select(t => $"DELETE FROM {t.Name} WHERE rowid IN (SELECT value FROM json_each(@p0))")];

    protected override Task ReplaceIndexRowsAsync(
        SqlWriteSession session, IReadOnlyList<ReindexedResource> resources, IReadOnlyCollection<string>? codes, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        // The session holds the write gate, so the writer connection is this session's.
        var link = writer!;
        var current = new Dictionary<long, long>(resources.Count);
        var select = link.Statement(SelectSeqSql, 1);
        select.Parameters[0].Value = JsonArray(resources.Select(r => r.Key.ToString(CultureInfo.InvariantCulture)));
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read()) current[reader.GetInt64(0)] = reader.GetInt64(1);
        }
        var keep = resources.Where(r => current.TryGetValue(r.Key, out var seq) && seq == r.VersionSeq).ToList();
        if (keep.Count == 0) return Task.CompletedTask;

        var keys = JsonArray(keep.Select(r => r.Key.ToString(CultureInfo.InvariantCulture)));
        var codeList = codes is null ? null : JsonArray(codes.Select(c => System.Text.Json.JsonSerializer.Serialize(c)));

        // The rows each resource should have, by table: (key, column values).
        var wanted = new Dictionary<long, List<object?[]>>[IndexTables.All.Length];
        foreach (var resource in keep)
        {
            foreach (var value in resource.Index)
            {
                var table = IndexTables.For(value);
                var row = new object?[table.Columns.Length];
                IndexTables.Fill(value, SqliteDialect.Instance, row);
                var byKey = wanted[table.Ordinal] ??= [];
                if (!byKey.TryGetValue(resource.Key, out var list)) byKey[resource.Key] = list = [];
                list.Add(row);
            }
        }

        // Only the difference is written, as updates do (SqliteWriteSession.ReplaceRows): the writer is a full
        // reindex's bottleneck, and most rows come out as they were (a reindex of every parameter rewrote ~30 rows
        // per Observation to change none). Reading the batch's rows back is cheap next to rewriting them.
        foreach (var table in IndexTables.All)
        {
            var want = wanted[table.Ordinal];
            var stale = new List<long>();
            var read = codeList is null ? link.Statement(SelectRowsSql[table.Ordinal], 1) : link.Statement(SelectCodeRowsSql[table.Ordinal], 2);
            read.Parameters[0].Value = keys;
            if (codeList is not null) read.Parameters[1].Value = codeList;
            var width = table.Columns.Length;
            using (var reader = read.ExecuteReader())
            {
                var stored = new object?[width];
                while (reader.Read())
                {
                    var rows = want is not null && want.TryGetValue(reader.GetInt64(1), out var r) ? r : null;
                    // A row already there is neither deleted nor inserted.
                    if (!SqliteIndexRows.TakeMatch(reader, 2, stored, rows)) stale.Add(reader.GetInt64(0));
                }
            }
            if (stale.Count > 0)
            {
                var delete = link.Statement(DeleteRowsSql[table.Ordinal], 1);
                delete.Parameters[0].Value = JsonArray(stale.Select(k => k.ToString(CultureInfo.InvariantCulture)));
                delete.ExecuteNonQuery();
            }
            if (want is not null) SqliteIndexRows.Insert(link, table, [.. want.SelectMany(kv => kv.Value.Select(v => (kv.Key, v)))]);
        }
        return Task.CompletedTask;
    }

    private static readonly string[] RederivePairsSql = IndexPairs.DeriveSql("IN (SELECT value FROM json_each(@p0))");

    protected override Task RederivePairsAsync(SqlWriteSession session, long[] keys, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var list = JsonArray(keys.Select(k => k.ToString(CultureInfo.InvariantCulture)));
        foreach (var sql in RederivePairsSql)
        {
            var cmd = writer!.Statement(sql, 1);
            cmd.Parameters[0].Value = list;
            cmd.ExecuteNonQuery();
        }
        return Task.CompletedTask;
    }

    private static string JsonArray(IEnumerable<string> items) => "[" + string.Join(",", items) + "]";
}
