using Fhir.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Fhir.Storage.Sqlite;

/// <summary>
/// The audit records of reads, appended to a database file of their own beside the store's (<c>&lt;file&gt;-audit</c>)
/// so that a read's record is durable without waiting for the store's one writer. Through that writer, each group of
/// reads' records waited for the write groups before it: at 16 clients of a mixed load, the records of reads cost 25%
/// of the throughput (issue 18). A write's record stays in the store's outbox, in the write's own transaction.
/// </summary>
/// <remarks>
/// The indexer takes records from here inside a write session of the store and stores them there with the number of the
/// last one (<c>audit_journal_mark</c>, keyed by this journal's id), in the same transaction; only after that commits
/// are they deleted here. A record is thus stored once even when the process stops in between: the mark says it is done.
/// A journal replaced by a new one (a new id) starts from its beginning.
/// </remarks>
internal sealed class SqliteAuditJournal : IDisposable
{
    /// <summary>What the journal's file name adds to the store's.</summary>
    public const string FileSuffix = "-audit";

    // AUTOINCREMENT: numbers are never used again, even after every row is deleted, so the mark stays meaningful.
    private const string Create = """
        BEGIN IMMEDIATE;
        CREATE TABLE IF NOT EXISTS audit_journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, json BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS journal_identity (id TEXT NOT NULL);
        INSERT INTO journal_identity (id) SELECT @p0 WHERE NOT EXISTS (SELECT 1 FROM journal_identity);
        COMMIT;
        """;

    private const string Insert = "INSERT INTO audit_journal (json) VALUES (@p0)";
    private const string Read = "SELECT seq, json FROM audit_journal WHERE seq > @p0 ORDER BY seq LIMIT @p1";
    private const string Forget = "DELETE FROM audit_journal WHERE seq <= @p0";
    private static readonly string Span = SqlFhirStore.KeySpanSql("audit_journal");

    private readonly SqliteLink _link;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly long _pageSize;
    private readonly SqliteCheckpointer _checkpointer;
    private bool _disposed;

    private SqliteAuditJournal(SqliteLink link, string id, string connectionString)
    {
        _link = link;
        Id = id;
        _pageSize = Convert.ToInt64(link.Statement("PRAGMA page_size", 0).ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        // The checkpoints' copying and syncing off the appends (which the reads wait for), as for the database.
        _checkpointer = new SqliteCheckpointer(() => new SqliteLink(connectionString, l => l.Close()));
    }

    /// <summary>This journal's id, which its mark in the store carries.</summary>
    public string Id { get; }

    /// <summary>Opens (or creates, readable by the owner only) the journal of the store in <paramref name="storeFile"/>.</summary>
    public static SqliteAuditJournal Open(string folder, string storeFile)
    {
        var file = storeFile + FileSuffix;
        OwnerOnlyFiles.Create(folder, file);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString();
        var link = new SqliteLink(connectionString, l => l.Close());
        try
        {
            // The automatic checkpoint only restarts the WAL: the checkpointer has copied most of its frames by then.
            link.Execute("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 4000");
            var create = link.Statement(Create, 1);
            create.Parameters[0].Value = Guid.NewGuid().ToString("N");
            create.ExecuteNonQuery();
            return new SqliteAuditJournal(link, (string)link.Statement("SELECT id FROM journal_identity LIMIT 1", 0).ExecuteScalar()!, connectionString);
        }
        catch
        {
            link.Close();
            throw;
        }
    }

    /// <summary>
    /// Appends <paramref name="records"/> in one transaction; they are durable (as a commit) when this returns. With
    /// <paramref name="maxBytes"/>, the journal may not grow beyond it: a record that needs more fails with SQLITE_FULL,
    /// as on a full disk.
    /// </summary>
    public async Task AppendAsync(IReadOnlyList<ReadOnlyMemory<byte>> records, long? maxBytes, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (maxBytes is { } max)
            {
                // SQLite keeps the journal at its current size when this is below it; freed pages are still reused.
                _link.Execute("PRAGMA max_page_count = " + Math.Max(1, max / _pageSize).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            _link.Run("BEGIN IMMEDIATE");
            try
            {
                var insert = _link.Statement(Insert, 1);
                foreach (var record in records)
                {
                    insert.Parameters[0].Value = SqliteDialect.Instance.Bytes(record);
                    insert.ExecuteNonQuery();
                }
                _link.Run("COMMIT");
                _checkpointer.Committed();
            }
            catch
            {
                if (_link.InTransaction) _link.Run("ROLLBACK");
                throw;
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Up to <paramref name="limit"/> records numbered above <paramref name="after"/>, oldest first.</summary>
    public async Task<List<(long Seq, byte[] Json)>> ReadAsync(long after, int limit, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var read = _link.Statement(Read, 2);
            read.Parameters[0].Value = after;
            read.Parameters[1].Value = (long)limit;
            var records = new List<(long, byte[])>();
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                records.Add((reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
            }
            return records;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Deletes the records numbered up to <paramref name="upTo"/>: the store holds them now.</summary>
    public async Task ForgetAsync(long upTo)
    {
        await _lock.WaitAsync();
        try
        {
            if (_disposed) return;
            var forget = _link.Statement(Forget, 1);
            forget.Parameters[0].Value = upTo;
            forget.ExecuteNonQuery();
            _checkpointer.Committed();
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>About how many records are here: the span of their numbers, 0 when none.</summary>
    public async Task<long> SpanAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _link.Statement(Span, 0).ExecuteScalar() is long n ? n : 0;
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose()
    {
        _lock.Wait();
        try
        {
            if (_disposed) return;
            _disposed = true;
            _checkpointer.Dispose();
            _link.Close();
        }
        finally
        {
            _lock.Release();
        }
    }
}
