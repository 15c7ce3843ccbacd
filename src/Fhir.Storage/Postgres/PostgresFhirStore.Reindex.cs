using Fhir.Search.Indexing;
using Fhir.Storage.Sql;
using Npgsql;

namespace Fhir.Storage.Postgres;

/// <summary>PostgreSQL's reindex rows: keys and codes as arrays (<c>= ANY</c>), rows as one <c>unnest</c> INSERT per table.</summary>
internal sealed partial class PostgresFhirStore
{
    // One batch at a time left both the server and PostgreSQL below a core each, waiting on each other's round trips:
    // two side by side took a full reindex of 100,000 Observations from ~5,600 to ~6,900 per second; three did no better.
    public override int ReindexWriters => 2;

    // Locks the batch's current rows in key order (writers lock theirs with FOR UPDATE too), so a
    // concurrent update waits for this short transaction or is seen here as a new version.
    private const string LockSeqSql = "SELECT res_key, version_seq FROM resource WHERE res_key = ANY(@p0) ORDER BY res_key FOR UPDATE";

    private static readonly string[] DeleteAllRowsSql = [.. IndexTables.All.Select(t => $"DELETE FROM {t.Name} WHERE res_key = ANY(@p0)")];
    private static readonly string[] DeleteCodeRowsSql = [.. IndexTables.All.Select(t => $"DELETE FROM {t.Name} WHERE res_key = ANY(@p0) AND code = ANY(@p1)")];
    // Only the difference is written (a full reindex otherwise rewrote ~30 unchanged rows per Observation): rows
    // of the batch that are not among the wanted ones go, wanted rows that are not there yet come. The wanted rows
    // travel once, as column arrays (unnest), for both halves of one statement: sent to a DELETE and an INSERT, every
    // row was encoded by the server and decoded by PostgreSQL twice (one statement: PostgreSQL's CPU per full reindex
    // 12-14 → 11-12 s). A row's identity is all its columns. The halves see the same snapshot; no row is both deleted
    // (not wanted) and inserted (wanted), so that is what two statements in turn did.
    private static readonly string[] ReplaceRowsSql = [.. IndexTables.All.Select(t => ReplaceRows(t, byCode: false))];
    private static readonly string[] ReplaceCodeRowsSql = [.. IndexTables.All.Select(t => ReplaceRows(t, byCode: true))];

    private static string ReplaceRows(IndexTable t, bool byCode) =>
        $"WITH w AS (SELECT * FROM {Wanted(t)}), d AS (DELETE FROM {t.Name} i WHERE i.res_key = ANY(@k)"
        + (byCode ? " AND i.code = ANY(@cs)" : "")
        + $" AND NOT EXISTS (SELECT 1 FROM w WHERE {SameRow(t)}))"
        + $" INSERT INTO {t.Name} ({t.InsertColumnList}) SELECT * FROM w WHERE NOT EXISTS (SELECT 1 FROM {t.Name} i WHERE {SameRow(t)})";

    private static string Wanted(IndexTable t) =>
        $"unnest({string.Join(", ", Enumerable.Range(0, t.Columns.Length + 1).Select(SqlParams.Name))}) AS w(res_key, {string.Join(", ", t.Columns)})";

    // res_key and code are never null: plain equality, which the (res_key, code) index serves.
    private static string SameRow(IndexTable t) =>
        "w.res_key = i.res_key AND " + string.Join(" AND ", t.Columns.Select(c => c == "code" ? "w.code = i.code" : $"w.{c} IS NOT DISTINCT FROM i.{c}"));

    protected override async Task ReplaceIndexRowsAsync(
        SqlWriteSession session, IReadOnlyList<ReindexedResource> resources, IReadOnlyCollection<string>? codes, CancellationToken ct)
    {
        var current = new Dictionary<long, long>(resources.Count);
        var select = (NpgsqlCommand)session.Command(LockSeqSql);
        select.Parameters.Add(new NpgsqlParameter<long[]>("p0", [.. resources.Select(r => r.Key)]));
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) current[reader.GetInt64(0)] = reader.GetInt64(1);
        }
        var keep = resources.Where(r => current.TryGetValue(r.Key, out var seq) && seq == r.VersionSeq).ToList();
        if (keep.Count == 0) return;

        var keys = keep.Select(r => r.Key).ToArray();
        var codeArray = codes?.ToArray();
        var columns = Columns(keep);
        await using var batch = ((PostgresWriteSession)session).Batch();
        foreach (var table in IndexTables.All)
        {
            if (columns[table.Ordinal] is not { } arrays)
            {
                // Nothing wanted in this table: every row of the batch (of the codes) goes.
                var delete = new NpgsqlBatchCommand(codeArray is null ? DeleteAllRowsSql[table.Ordinal] : DeleteCodeRowsSql[table.Ordinal]);
                delete.Parameters.Add(new NpgsqlParameter<long[]>("p0", keys));
                if (codeArray is not null) delete.Parameters.Add(new NpgsqlParameter<string[]>("p1", codeArray));
                batch.BatchCommands.Add(delete);
                continue;
            }
            var replace = new NpgsqlBatchCommand(codeArray is null ? ReplaceRowsSql[table.Ordinal] : ReplaceCodeRowsSql[table.Ordinal]);
            replace.Parameters.Add(new NpgsqlParameter<long[]>("k", keys));
            if (codeArray is not null) replace.Parameters.Add(new NpgsqlParameter<string[]>("cs", codeArray));
            AddArrays(replace, arrays);
            batch.BatchCommands.Add(replace);
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static readonly string[] RederivePairsSql = IndexPairs.DeriveSql("= ANY(@p0)");

    protected override async Task RederivePairsAsync(SqlWriteSession session, long[] keys, CancellationToken ct)
    {
        await using var batch = ((PostgresWriteSession)session).Batch();
        foreach (var sql in RederivePairsSql)
        {
            var cmd = new NpgsqlBatchCommand(sql);
            cmd.Parameters.Add(new NpgsqlParameter<long[]>("p0", keys));
            batch.BatchCommands.Add(cmd);
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static void AddArrays(NpgsqlBatchCommand command, Array[] arrays)
    {
        for (var c = 0; c < arrays.Length; c++) command.Parameters.Add(new NpgsqlParameter(SqlParams.Name(c)[1..], arrays[c]));
    }

    // Per table (by ordinal; null when it gets no rows): the res_key array, then one array per column.
    private static Array[]?[] Columns(List<ReindexedResource> resources)
    {
        var values = new List<IndexValue>();
        var keys = new List<long>();
        foreach (var r in resources)
        {
            foreach (var value in r.Index)
            {
                values.Add(value);
                keys.Add(r.Key);
            }
        }
        return PostgresIndexColumns.Build(values, keys);
    }
}
