using System.Data.Common;
using Fhir.Storage.Sql;

namespace Fhir.Storage.Sqlite;

/// <summary>
/// A write session on the store's writer connection, inside the BEGIN IMMEDIATE transaction of its
/// commit group (see <see cref="SqliteFhirStore"/>). The session holds the store's write gate and the
/// database write lock, so it is already exclusive and needs no row or condition locks.
/// </summary>
internal sealed class SqliteWriteSession(SqliteFhirStore store, SqliteLink link) : SqlWriteSession(SqliteDialect.Instance)
{
    private const string UpsertCurrent = WriteSql.UpsertCurrentHead + "VALUES (@p0, @p1, @p2, @p3, @p4, @p5)" + WriteSql.UpsertCurrentTail;

    private static readonly string[] DeleteAllSql = ForEachTable(t => "DELETE FROM " + t.Name + " WHERE res_key = @p0");
    private static readonly string[] DeleteRowSql = ForEachTable(t => "DELETE FROM " + t.Name + " WHERE rowid = @p0");
    private static readonly string[] SelectRowsSql = ForEachTable(t => "SELECT rowid, " + string.Join(", ", t.Columns) + " FROM " + t.Name + " WHERE res_key = @p0");

    private const string ReadJournalMark = "SELECT seq FROM audit_journal_mark WHERE journal_id = @p0";
    private const string WriteJournalMark =
        "INSERT INTO audit_journal_mark (journal_id, seq) VALUES (@p0, @p1) ON CONFLICT (journal_id) DO UPDATE SET seq = excluded.seq";

    private readonly long changesAtStart = link.TotalChanges; // rows changed on the connection before this session
    private bool turnEnded; // the gate has been given back: nothing here may touch the connection any more
    private long? journalTaken; // the journal's records up to this number are stored once this session commits

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
        WritePatients(write, seq);

        var upsert = link.Statement(UpsertCurrent, 6);
        p = upsert.Parameters;
        p[0].Value = write.Type;
        p[1].Value = write.Id;
        p[2].Value = write.VersionId;
        p[3].Value = lastUpdated;
        p[4].Value = write.Method == WriteMethod.Delete;
        p[5].Value = seq;
        if (upsert.ExecuteScalar() is not long key) throw StaleVersion(write);

        var rows = write.Method == WriteMethod.Delete ? null : IndexRows(write.Index);
        foreach (var table in IndexTables.All)
        {
            var wanted = rows?[table.Ordinal];
            // Version 1 is new (its history insert just succeeded), so it has no index rows yet.
            if (write.VersionId == 1)
            {
                if (wanted is not null) SqliteIndexRows.Insert(link, table, key, wanted);
            }
            else if (wanted is null)
            {
                var delete = link.Statement(DeleteAllSql[table.Ordinal], 1);
                delete.Parameters[0].Value = key;
                delete.ExecuteNonQuery();
            }
            else
            {
                ReplaceRows(key, table, wanted);
            }
        }
        return Task.CompletedTask;
    }

    // Before the current row moves: a tombstone copies the rows of the version it deletes.
    private void WritePatients(ResourceWrite write, long seq)
    {
        if (write.Method == WriteMethod.Delete)
        {
            var copy = link.Statement(WriteSql.CopyPatients, 3);
            copy.Parameters[0].Value = seq;
            copy.Parameters[1].Value = write.Type;
            copy.Parameters[2].Value = write.Id;
            copy.ExecuteNonQuery();
            return;
        }
        foreach (var patient in write.Patients.Distinct(StringComparer.Ordinal))
        {
            var insert = link.Statement(WriteSql.InsertPatient, 2);
            insert.Parameters[0].Value = seq;
            insert.Parameters[1].Value = patient;
            insert.ExecuteNonQuery();
        }
    }

    /// <summary>
    /// The outbox's records (the writes'), then the journal's (the reads', see <see cref="SqliteAuditJournal"/>): those
    /// after the mark, which moves in this transaction; the journal deletes them once it commits.
    /// </summary>
    public override async Task<IReadOnlyList<ReadOnlyMemory<byte>>> TakeAuditAsync(int limit, CancellationToken ct = default)
    {
        var taken = await base.TakeAuditAsync(limit, ct);
        if (taken.Count >= limit || store.Journal is not { } journal) return taken;
        return await RunAsync<IReadOnlyList<ReadOnlyMemory<byte>>>(async () =>
        {
            var read = link.Statement(ReadJournalMark, 1);
            read.Parameters[0].Value = journal.Id;
            // In this transaction: an earlier take of this session has moved it already.
            var mark = read.ExecuteScalar() is long m ? m : 0;
            var records = await journal.ReadAsync(mark, limit - taken.Count, ct);
            if (records.Count == 0)
            {
                // Records left below the mark (stored, but the process stopped before the journal deleted them) go too.
                if (mark > 0) journalTaken = mark;
                return taken;
            }
            var upTo = records[^1].Seq;
            var write = link.Statement(WriteJournalMark, 2);
            write.Parameters[0].Value = journal.Id;
            write.Parameters[1].Value = upTo;
            write.ExecuteNonQuery();
            journalTaken = upTo;
            return [.. taken, .. records.Select(r => (ReadOnlyMemory<byte>)r.Json)];
        });
    }

    protected override async Task CommitCoreAsync(CancellationToken ct)
    {
        // Its writes are in the group's transaction already.
        turnEnded = true;
        // Not cancellable from here: the COMMIT that makes these writes durable is the group's.
        if (store.EndTurn(released: true, lost: false) is { } outcome) await outcome;
        if (journalTaken is { } upTo && store.Journal is { } journal)
        {
            // Stored: the mark says so even should this delete not happen.
            await journal.ForgetAsync(upTo);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (turnEnded) return;
        turnEnded = true;
        bool lost;
        try
        {
            // The session's writes go only with the whole transaction; a session that changed no row (a failed check, a
            // refused write) leaves the group as it was. After some failed statements SQLite has rolled the whole
            // transaction back already: the group's earlier writes are gone too.
            lost = !link.InTransaction || link.TotalChanges != changesAtStart;
        }
        catch (Exception)
        {
            lost = true;
        }
        if (store.EndTurn(released: false, lost) is { } outcome)
        {
            // Wait until what this session may have read from earlier members is durable (or gone).
            await outcome.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    // The rows each value becomes, by table ordinal (null where a table gets none), in the order of the values.
    private static List<object?[]>?[] IndexRows(IReadOnlyList<Fhir.Search.Indexing.IndexValue> index)
    {
        var rows = new List<object?[]>?[IndexTables.All.Length];
        for (var i = 0; i < index.Count; i++)
        {
            var table = IndexTables.For(index[i]);
            var row = new object?[table.Columns.Length];
            IndexTables.Fill(index[i], SqliteDialect.Instance, row);
            (rows[table.Ordinal] ??= new List<object?[]>(8)).Add(row);
        }
        return rows;
    }

    /// <summary>
    /// Makes the resource's rows in <paramref name="table"/> equal to <paramref name="wanted"/>,
    /// touching only the rows that differ.
    /// </summary>
    /// <remarks>
    /// An update usually changes a field or two, so most of its index rows are the same as the
    /// previous version's. Every row deleted and inserted again costs a change in the table and in
    /// both its indexes, and the search index's pages are scattered, so each change is another page
    /// for the commit to write; reading the old rows back (clustered by rowid and by the
    /// (res_key, code) index) is cheap by comparison. Equal rows are search-equivalent, so the rows
    /// that remain are exactly what a delete-all-and-insert would have left (as a set).
    /// </remarks>
    private void ReplaceRows(long key, IndexTable table, List<object?[]> wanted)
    {
        var width = table.Columns.Length;
        var stale = new List<long>();
        var select = link.Statement(SelectRowsSql[table.Ordinal], 1);
        select.Parameters[0].Value = key;
        using (var reader = select.ExecuteReader())
        {
            var stored = new object?[width];
            while (reader.Read())
            {
                // A row already there is neither deleted nor inserted.
                if (!SqliteIndexRows.TakeMatch(reader, 1, stored, wanted)) stale.Add(reader.GetInt64(0));
            }
        }
        for (var i = 0; i < stale.Count; i++)
        {
            var delete = link.Statement(DeleteRowSql[table.Ordinal], 1);
            delete.Parameters[0].Value = stale[i];
            delete.ExecuteNonQuery();
        }
        if (wanted.Count > 0) SqliteIndexRows.Insert(link, table, key, wanted);
    }

    private static string[] ForEachTable(Func<IndexTable, string> sql)
    {
        var texts = new string[IndexTables.All.Length];
        foreach (var t in IndexTables.All) texts[t.Ordinal] = sql(t);
        return texts;
    }
}
