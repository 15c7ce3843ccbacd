using System.Runtime.InteropServices;
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

    private const string Create = """
        BEGIN IMMEDIATE;
        CREATE TABLE IF NOT EXISTS audit_journal (seq INTEGER PRIMARY KEY AUTOINCREMENT, json BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS journal_identity (id TEXT NOT NULL);
        INSERT INTO journal_identity (id) SELECT @id WHERE NOT EXISTS (SELECT 1 FROM journal_identity);
        COMMIT;
        """;

    // AUTOINCREMENT: numbers are never used again, even after every row is deleted, so the mark stays meaningful.
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _read;
    private readonly SqliteCommand _forget;
    private readonly SqliteCommand _span;
    private readonly long _pageSize;
    private readonly SqliteCheckpointer _checkpointer;
    private bool _disposed;

    private SqliteAuditJournal(SqliteConnection connection, string id, string connectionString)
    {
        _connection = connection;
        Id = id;
        // The checkpoints' copying and syncing off the appends (which the reads wait for), as for the database.
        _checkpointer = new SqliteCheckpointer(() => new SqliteLink(connectionString, link => link.Close()));
        using (var pageSize = connection.CreateCommand())
        {
            pageSize.CommandText = "PRAGMA page_size";
            _pageSize = Convert.ToInt64(pageSize.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        _insert = Prepare("INSERT INTO audit_journal (json) VALUES (@p0)", "@p0");
        _read = Prepare("SELECT seq, json FROM audit_journal WHERE seq > @p0 ORDER BY seq LIMIT @p1", "@p0", "@p1");
        _forget = Prepare("DELETE FROM audit_journal WHERE seq <= @p0", "@p0");
        _span = Prepare(
            "SELECT (SELECT seq FROM audit_journal ORDER BY seq DESC LIMIT 1) - (SELECT seq FROM audit_journal ORDER BY seq LIMIT 1) + 1");
    }

    /// <summary>This journal's id, which its mark in the store carries.</summary>
    public string Id { get; }

    /// <summary>Opens (or creates, readable by the owner only) the journal of the store in <paramref name="storeFile"/>.</summary>
    public static SqliteAuditJournal Open(string folder, string storeFile)
    {
        var file = storeFile + FileSuffix;
        OwnerOnlyFiles.Create(folder, file);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            // The automatic checkpoint only restarts the WAL: the checkpointer has copied most of its frames by then.
            Execute(connection, "PRAGMA busy_timeout = " + SqliteLink.BusyTimeoutMs + "; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 4000");
            using (var create = connection.CreateCommand())
            {
                create.CommandText = Create;
                create.Parameters.AddWithValue("@id", Guid.NewGuid().ToString("N"));
                create.ExecuteNonQuery();
            }
            using var id = connection.CreateCommand();
            id.CommandText = "SELECT id FROM journal_identity LIMIT 1";
            return new SqliteAuditJournal(connection, (string)id.ExecuteScalar()!, connectionString);
        }
        catch
        {
            connection.Dispose();
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
                Execute(_connection, "PRAGMA max_page_count = " + Math.Max(1, max / _pageSize).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            Execute(_connection, "BEGIN IMMEDIATE");
            try
            {
                foreach (var record in records)
                {
                    _insert.Parameters[0].Value = MemoryMarshal.TryGetArray(record, out var array) && array.Offset == 0 && array.Count == array.Array!.Length
                        ? array.Array
                        : record.ToArray();
                    _insert.ExecuteNonQuery();
                }
                Execute(_connection, "COMMIT");
                _checkpointer.Committed();
            }
            catch
            {
                if (SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0) Execute(_connection, "ROLLBACK");
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
            _read.Parameters[0].Value = after;
            _read.Parameters[1].Value = (long)limit;
            var records = new List<(long, byte[])>();
            using var reader = _read.ExecuteReader();
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
            _forget.Parameters[0].Value = upTo;
            _forget.ExecuteNonQuery();
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
            return _span.ExecuteScalar() is long n ? n : 0;
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
            _insert.Dispose();
            _read.Dispose();
            _forget.Dispose();
            _span.Dispose();
            _connection.Dispose();
        }
        finally
        {
            _lock.Release();
        }
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        command.Prepare();
        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
