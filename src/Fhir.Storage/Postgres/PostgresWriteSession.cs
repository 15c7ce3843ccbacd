using System.Data.Common;
using Fhir.Search.Indexing;
using Fhir.Storage.Sql;
using Npgsql;

namespace Fhir.Storage.Postgres;

/// <summary>
/// One READ COMMITTED transaction. Each write is a single round trip: an NpgsqlBatch that inserts
/// the version and moves the current row (one statement), clears the old index rows and inserts
/// the new ones with one <c>unnest</c> insert per index table.
/// </summary>
internal sealed class PostgresWriteSession(NpgsqlConnection connection, NpgsqlTransaction transaction)
    : SqlWriteSession(PostgresDialect.Instance)
{
    private const string UpsertCurrent =
        "WITH v AS (" + WriteSql.InsertVersion + ") "
        + WriteSql.UpsertCurrentHead + "SELECT @p0, @p1, @p2, @p3, @p6, v.seq FROM v" + WriteSql.UpsertCurrentTail;

    // Later statements of the batch find the key through the unique (type, id) index.
    private const string KeyOfResource = "(SELECT res_key FROM resource WHERE res_type = @p0 AND res_id = @p1)";

    // Locks only the current row: with a join, a row moved by a concurrent writer would vanish
    // from the result (the re-check pairs it with the old version row), so the read is a second
    // statement of the same batch, whose fresh READ COMMITTED snapshot sees the latest commit.
    private const string LockRow = "SELECT 1 FROM resource WHERE res_type = @p0 AND res_id = @p1 FOR UPDATE";

    private static readonly string[] DeleteIndexRows = CreateDeletes();
    private static readonly string[] InsertIndexRows = CreateInserts();

    private bool ended;

    public override DbCommand Command(string sql) => new NpgsqlCommand(sql, connection, transaction);

    protected override async Task<ResourceVersion?> ReadCurrentForUpdateAsync(string type, string id, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var sql in (string[])[LockRow, StoreQueries.ReadCurrentSql])
        {
            var cmd = new NpgsqlBatchCommand(sql);
            cmd.Parameters.Add(new NpgsqlParameter<string>("p0", type));
            cmd.Parameters.Add(new NpgsqlParameter<string>("p1", id));
            batch.BatchCommands.Add(cmd);
        }
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        return await reader.ReadAsync(ct) ? StoreQueries.ReadVersion(PostgresDialect.Instance, reader) : null;
    }

    public override Task LockConditionAsync(string key, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RunAsync(async () =>
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@p0)", connection, transaction);
            cmd.Parameters.Add(new NpgsqlParameter<long>("p0", LockKeys.ForCondition(key)));
            await cmd.ExecuteNonQueryAsync(ct);
            return true;
        });
    }

    protected override async Task WriteCoreAsync(ResourceWrite write, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var upsert = new NpgsqlBatchCommand(UpsertCurrent);
        var p = upsert.Parameters;
        p.Add(new NpgsqlParameter<string>("p0", write.Type));
        p.Add(new NpgsqlParameter<string>("p1", write.Id));
        p.Add(new NpgsqlParameter<int>("p2", write.VersionId));
        p.Add(new NpgsqlParameter<DateTime>("p3", write.LastUpdated.UtcDateTime));
        p.Add(new NpgsqlParameter<short>("p4", (short)write.Method));
        p.Add(new NpgsqlParameter("p5", PostgresDialect.Instance.Bytes(write.Json)));
        p.Add(new NpgsqlParameter<bool>("p6", write.Method == WriteMethod.Delete));
        batch.BatchCommands.Add(upsert);

        // Version 1 is new (its history insert must succeed first), so it has no index rows yet.
        if (write.VersionId > 1)
        {
            foreach (var sql in DeleteIndexRows) batch.BatchCommands.Add(KeyedCommand(sql, write));
        }
        if (write.Method != WriteMethod.Delete && write.Index.Count > 0) AddIndexInserts(batch, write);

        await using var reader = await batch.ExecuteReaderAsync(ct);
        var moved = await reader.ReadAsync(ct);
        // Drain the other results so that an error in any statement surfaces here.
        while (await reader.NextResultAsync(ct))
        {
        }
        if (!moved) throw StaleVersion(write);
    }

    protected override Task CommitCoreAsync(CancellationToken ct) => transaction.CommitAsync(ct);

    public override async ValueTask DisposeAsync()
    {
        if (ended) return;
        ended = true;
        // Disposing an uncommitted transaction rolls it back; the connection returns to the pool.
        try
        {
            await transaction.DisposeAsync();
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    // One `INSERT ... SELECT key, u.* FROM unnest(@arrays...)` per index table that has values.
    private static void AddIndexInserts(NpgsqlBatch batch, ResourceWrite write)
    {
        var index = write.Index;
        var counts = new int[IndexTables.All.Length];
        for (var i = 0; i < index.Count; i++) counts[IndexTables.For(index[i]).Ordinal]++;

        var columns = new Array[IndexTables.All.Length][];
        foreach (var table in IndexTables.All)
        {
            var n = counts[table.Ordinal];
            if (n == 0) continue;
            var arrays = new Array[table.Columns.Length];
            for (var c = 0; c < arrays.Length; c++)
            {
                arrays[c] = table.Kinds[c] switch
                {
                    ColumnKind.Text => new string?[n],
                    ColumnKind.Instant => new DateTime[n],
                    _ => new decimal?[n],
                };
            }
            columns[table.Ordinal] = arrays;
        }

        var row = new object?[8];
        var filled = new int[IndexTables.All.Length];
        for (var i = 0; i < index.Count; i++)
        {
            IndexValue value = index[i];
            var table = IndexTables.For(value);
            IndexTables.Fill(value, PostgresDialect.Instance, row);
            var arrays = columns[table.Ordinal];
            var at = filled[table.Ordinal]++;
            for (var c = 0; c < arrays.Length; c++)
            {
                switch (arrays[c])
                {
                    case string?[] s: s[at] = (string?)row[c]; break;
                    case DateTime[] d: d[at] = (DateTime)row[c]!; break;
                    case decimal?[] m: m[at] = (decimal?)row[c]; break;
                }
            }
        }

        foreach (var table in IndexTables.All)
        {
            var arrays = columns[table.Ordinal];
            if (arrays is null) continue;
            var cmd = KeyedCommand(InsertIndexRows[table.Ordinal], write);
            for (var c = 0; c < arrays.Length; c++) cmd.Parameters.Add(new NpgsqlParameter(SqlParams.Name(c + 2), arrays[c]));
            batch.BatchCommands.Add(cmd);
        }
    }

    private static NpgsqlBatchCommand KeyedCommand(string sql, ResourceWrite write)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        cmd.Parameters.Add(new NpgsqlParameter<string>("p0", write.Type));
        cmd.Parameters.Add(new NpgsqlParameter<string>("p1", write.Id));
        return cmd;
    }

    private static string[] CreateDeletes()
    {
        var sql = new string[IndexTables.All.Length];
        foreach (var t in IndexTables.All) sql[t.Ordinal] = "DELETE FROM " + t.Name + " WHERE res_key = " + KeyOfResource;
        return sql;
    }

    private static string[] CreateInserts()
    {
        var sql = new string[IndexTables.All.Length];
        foreach (var t in IndexTables.All)
        {
            var arrays = new string[t.Columns.Length];
            for (var i = 0; i < arrays.Length; i++) arrays[i] = SqlParams.Name(i + 2);
            sql[t.Ordinal] = "INSERT INTO " + t.Name + " (" + t.InsertColumnList + ") SELECT " + KeyOfResource
                + ", u.* FROM unnest(" + string.Join(", ", arrays) + ") AS u";
        }
        return sql;
    }
}
