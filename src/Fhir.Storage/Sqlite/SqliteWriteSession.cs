using System.Data.Common;
using Fhir.Storage.Sql;

namespace Fhir.Storage.Sqlite;

/// <summary>
/// A write session on the store's writer connection, inside BEGIN IMMEDIATE: the session holds
/// the database write lock, so it is already exclusive and needs no row or condition locks.
/// </summary>
internal sealed class SqliteWriteSession(SqliteFhirStore store, SqliteLink link) : SqlWriteSession(SqliteDialect.Instance)
{
    private const string UpsertCurrent = WriteSql.UpsertCurrentHead + "VALUES (@p0, @p1, @p2, @p3, @p4, @p5)" + WriteSql.UpsertCurrentTail;

    private static readonly string[] DeleteIndexRows = CreateDeletes();
    private static readonly string[] InsertIndexRow = CreateInserts();

    private readonly object?[] row = new object?[8];
    private bool ended;

    public override DbCommand Command(string sql) => link.Command(sql);

    public override Task LockConditionAsync(string key, CancellationToken ct = default) =>
        RunAsync(() => Task.FromResult(true));

    protected override Task WriteCoreAsync(ResourceWrite write, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var dialect = SqliteDialect.Instance;
        var lastUpdated = dialect.Instant(write.LastUpdated.UtcDateTime);

        var insert = link.Statement(WriteSql.InsertVersion, 6);
        var p = insert.Parameters;
        p[0].Value = write.Type;
        p[1].Value = write.Id;
        p[2].Value = write.VersionId;
        p[3].Value = lastUpdated;
        p[4].Value = (int)write.Method;
        p[5].Value = dialect.Bytes(write.Json);
        var seq = (long)insert.ExecuteScalar()!;

        var upsert = link.Statement(UpsertCurrent, 6);
        p = upsert.Parameters;
        p[0].Value = write.Type;
        p[1].Value = write.Id;
        p[2].Value = write.VersionId;
        p[3].Value = lastUpdated;
        p[4].Value = write.Method == WriteMethod.Delete;
        p[5].Value = seq;
        if (upsert.ExecuteScalar() is not long key) throw StaleVersion(write);

        // Version 1 is new (its history insert just succeeded), so it has no index rows yet.
        if (write.VersionId > 1)
        {
            for (var t = 0; t < DeleteIndexRows.Length; t++)
            {
                var delete = link.Statement(DeleteIndexRows[t], 1);
                delete.Parameters[0].Value = key;
                delete.ExecuteNonQuery();
            }
        }

        if (write.Method != WriteMethod.Delete)
        {
            var index = write.Index;
            for (var i = 0; i < index.Count; i++)
            {
                var table = IndexTables.For(index[i]);
                IndexTables.Fill(index[i], dialect, row);
                var columns = table.Columns.Length;
                var cmd = link.Statement(InsertIndexRow[table.Ordinal], columns + 1);
                p = cmd.Parameters;
                p[0].Value = key;
                for (var c = 0; c < columns; c++) p[c + 1].Value = row[c] ?? DBNull.Value;
                cmd.ExecuteNonQuery();
            }
        }
        return Task.CompletedTask;
    }

    protected override Task CommitCoreAsync(CancellationToken ct)
    {
        link.Execute("COMMIT");
        return Task.CompletedTask;
    }

    public override ValueTask DisposeAsync()
    {
        if (ended) return ValueTask.CompletedTask;
        ended = true;
        var broken = false;
        try
        {
            // A failed statement may already have rolled SQLite back: only roll back what is open.
            if (link.InTransaction) link.Execute("ROLLBACK");
        }
        catch (Exception)
        {
            broken = true; // the next session gets a fresh connection
        }
        store.EndWrite(broken);
        return ValueTask.CompletedTask;
    }

    private static string[] CreateDeletes()
    {
        var sql = new string[IndexTables.All.Length];
        foreach (var t in IndexTables.All) sql[t.Ordinal] = "DELETE FROM " + t.Name + " WHERE res_key = @p0";
        return sql;
    }

    private static string[] CreateInserts()
    {
        var sql = new string[IndexTables.All.Length];
        foreach (var t in IndexTables.All)
        {
            var values = new string[t.Columns.Length + 1];
            for (var i = 0; i < values.Length; i++) values[i] = SqlParams.Name(i);
            sql[t.Ordinal] = "INSERT INTO " + t.Name + " (" + t.InsertColumnList + ") VALUES (" + string.Join(", ", values) + ")";
        }
        return sql;
    }
}
