using Fhir.Search.Indexing;
using Fhir.Storage.Sql;
using Npgsql;

namespace Fhir.Storage.Postgres;

/// <summary>PostgreSQL's reindex rows: keys and codes as arrays (<c>= ANY</c>), rows as one <c>unnest</c> INSERT per table.</summary>
internal sealed partial class PostgresFhirStore
{
    // Locks the batch's current rows in key order (writers lock theirs with FOR UPDATE too), so a
    // concurrent update waits for this short transaction or is seen here as a new version.
    private const string LockSeqSql = "SELECT res_key, version_seq FROM resource WHERE res_key = ANY(@p0) ORDER BY res_key FOR UPDATE";

    private static readonly string[] DeleteAllRowsSql = [.. IndexTables.All.Select(t => $"DELETE FROM {t.Name} WHERE res_key = ANY(@p0)")];
    private static readonly string[] DeleteCodeRowsSql = [.. IndexTables.All.Select(t => $"DELETE FROM {t.Name} WHERE res_key = ANY(@p0) AND code = ANY(@p1)")];
    private static readonly string[] InsertSql = [.. IndexTables.All.Select(t =>
        $"INSERT INTO {t.Name} ({t.InsertColumnList}) SELECT * FROM unnest({string.Join(", ", Enumerable.Range(0, t.Columns.Length + 1).Select(SqlParams.Name))})")];

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
        await using var batch = new NpgsqlBatch(select.Connection, select.Transaction);
        foreach (var table in IndexTables.All)
        {
            var delete = new NpgsqlBatchCommand(codeArray is null ? DeleteAllRowsSql[table.Ordinal] : DeleteCodeRowsSql[table.Ordinal]);
            delete.Parameters.Add(new NpgsqlParameter<long[]>("p0", keys));
            if (codeArray is not null) delete.Parameters.Add(new NpgsqlParameter<string[]>("p1", codeArray));
            batch.BatchCommands.Add(delete);
        }
        foreach (var table in IndexTables.All)
        {
            if (columns[table.Ordinal] is not { } arrays) continue;
            var insert = new NpgsqlBatchCommand(InsertSql[table.Ordinal]);
            for (var c = 0; c < arrays.Length; c++) insert.Parameters.Add(new NpgsqlParameter(SqlParams.Name(c)[1..], arrays[c]));
            batch.BatchCommands.Add(insert);
        }
        await batch.ExecuteNonQueryAsync(ct);
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
