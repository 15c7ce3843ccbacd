using System.Collections.Concurrent;
using System.Diagnostics;
using Fhir.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Fhir.Storage.Sqlite;

/// <summary>
/// The SQLite store: one database file in WAL mode. Readers use a pool of open connections and
/// never wait for the writer. Write sessions share one connection, one at a time per process
/// (a gate: queueing in-process is much faster than SQLite's sleeping busy handler), and
/// BEGIN IMMEDIATE plus busy_timeout serialise them across processes.
/// </summary>
/// <remarks>
/// <para><b>Group commit.</b> Sessions that follow each other on the gate share one database
/// transaction (a <see cref="CommitGroup"/>, opened by BEGIN IMMEDIATE). A session's commit hands
/// the gate to the next waiting session; the last session of the group (none waits any more, or
/// the group reached <see cref="MaxGroupSessions"/> or <see cref="MaxGroupTime"/>) runs the
/// COMMIT, and only then do the commits of all members complete: nothing is acknowledged before
/// it is in the WAL. A COMMIT costs a WAL write of every page the transaction dirtied; the index
/// pages an insert touches are largely the same for consecutive writes (same codes, same B-tree
/// edges), so a group writes each such page once instead of once per session.</para>
/// <para>Sessions are still strictly serial and see the writes of earlier members (same
/// connection), so every check they make (versions, conditions) holds for the group's serial
/// order. <b>Rolling back.</b> A session that ends without committing and wrote nothing leaves
/// the group as it was. One that wrote is undone with the whole transaction: the members that
/// had committed into it get <see cref="WriteConflictException"/> and retry in a new one. A
/// session opened with <c>mayRollBack</c> (a transaction Bundle) therefore starts a group of its
/// own: the open group commits first, so that its rollback undoes nobody else's writes (later
/// sessions join only after it ends). There are no savepoints: one per session made SQLite copy
/// every page the session changed into a sub-journal first, a quarter of the throughput of single
/// writes and audit records (issue 18), which almost never roll back after writing. Any other
/// failure that ends the shared transaction (a failed COMMIT, or an error that makes SQLite roll
/// everything back) likewise fails every member that had committed into it.</para>
/// </remarks>
internal sealed partial class SqliteFhirStore : SqlFhirStore
{
    /// <summary>A group commits after this many sessions even while more wait: bounds its transaction and its members' wait.</summary>
    internal const int MaxGroupSessions = 32;

    /// <summary>A group commits once its transaction has been open this long, even while more sessions wait.</summary>
    internal static readonly TimeSpan MaxGroupTime = TimeSpan.FromMilliseconds(10);

    // Readers kept open between reads. Opening one costs a connection, its settings, a map of the file and every
    // statement prepared again: at 64 clients with the audit trail on, keeping 4 made a third of the reads open one
    // (a mixed load lost ~20% of its throughput to it). Kept under load, given back to the resting number at rest.
    private static readonly int MaxIdleReaders = 64;
    private static readonly int RestingIdleReaders = Math.Max(4, Environment.ProcessorCount * 2);

    private readonly string connectionString;
    private readonly string? folder;
    private readonly string? file;
    private readonly ConcurrentBag<SqliteLink> idleReaders = [];
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly Action<SqliteLink> returnReader;
    private int waiting; // sessions waiting for the gate: the group stays open for them

    // Owned by whoever holds the gate.
    private SqliteLink? writer;
    private CommitGroup? group;
    private SqliteCheckpointer? checkpointer;
    private SqliteAuditJournal? journal;
    private volatile bool disposed;

    public SqliteFhirStore(string connectionString)
        : base(SqliteDialect.Instance)
    {
        // The store keeps its connections open itself; Microsoft.Data.Sqlite's pool would only
        // keep the file open after DisposeAsync.
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = false };
        this.connectionString = builder.ToString();
        folder = FolderOf(builder);
        file = folder is null ? null : System.IO.Path.GetFullPath(builder.DataSource);
        returnReader = ReturnReader;
    }

    /// <summary>The most bytes the database file may hold (<see cref="StorageOptions.MaxSizeBytes"/>), or null.</summary>
    public long? MaxSizeBytes { get; init; }

    /// <summary><see cref="MaxGroupTime"/> in <see cref="Stopwatch"/> ticks; tests that step through a group lift it.</summary>
    internal long MaxGroupTicks { get; set; } = (long)(MaxGroupTime.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Bytes of pages the writer's cache holds now, 0 without a writer (for tests; read between sessions).</summary>
    internal long WriterCacheBytes =>
        writer is { } link && SQLitePCL.raw.sqlite3_db_status(link.Connection.Handle, 1 /* SQLITE_DBSTATUS_CACHE_USED */, out var used, out _, 0) == SQLitePCL.raw.SQLITE_OK ? used : 0;

    /// <summary>The journal of the reads' audit records; null for a database without a file (in memory).</summary>
    internal SqliteAuditJournal? Journal => Volatile.Read(ref journal);

    /// <summary>Readers open and idle (for tests).</summary>
    internal int IdleReaders => idleReaders.Count;

    /// <summary>Sessions waiting for the write gate (for tests).</summary>
    internal int WaitingSessions => Volatile.Read(ref waiting);

    public override async Task InitializeAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (folder is not null) OwnerOnlyFiles.Create(folder, file!);
        var link = Open();
        bool wal;
        try
        {
            // Persistent in the file; needs no transaction around it.
            wal = link.Command("PRAGMA journal_mode = WAL").ExecuteScalar() is "wal";
            // The write lock serialises migrations of processes starting together.
            link.Execute("BEGIN IMMEDIATE");
            try
            {
                await Schema.MigrateAsync(link, ct);
                link.Execute("COMMIT");
            }
            catch
            {
                if (link.InTransaction) link.Execute("ROLLBACK");
                throw;
            }
        }
        finally
        {
            await link.DisposeAsync();
        }
        if (folder is not null && Volatile.Read(ref journal) is null)
        {
            var opened = SqliteAuditJournal.Open(folder, file!);
            if (Interlocked.CompareExchange(ref journal, opened, null) is not null) opened.Dispose(); // another call won
        }
        if (wal && Volatile.Read(ref checkpointer) is null)
        {
            var started = new SqliteCheckpointer(Open);
            if (Interlocked.CompareExchange(ref checkpointer, started, null) is not null) started.Dispose(); // another call won
            else if (disposed && Interlocked.CompareExchange(ref checkpointer, null, started) == started) started.Dispose();
        }
    }

    public override async Task<IWriteSession> BeginWriteAsync(bool mayRollBack = false, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        Interlocked.Increment(ref waiting);
        try
        {
            await writeGate.WaitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            Interlocked.Decrement(ref waiting);
            // The holder may have kept a group open for this session: make sure it commits.
            _ = FlushAsync();
            throw;
        }
        Interlocked.Decrement(ref waiting);

        try
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            writer ??= OpenWriter();
            if (mayRollBack && group is { } open)
            {
                // Its rollback must undo nobody else's writes: what the group holds becomes durable first.
                Finish(open, null);
            }
            if (group is null)
            {
                writer.Run("BEGIN IMMEDIATE");
                group = new CommitGroup(Stopwatch.GetTimestamp());
            }
            group.Sessions++;
            return new SqliteWriteSession(this, writer);
        }
        catch
        {
            // BEGIN failed: nothing is open (a broken connection is replaced next time).
            if (group is null && writer is { } broken && broken.Connection.State != System.Data.ConnectionState.Open)
            {
                broken.Close();
                writer = null;
            }
            _ = EndTurn(released: false, lost: false);
            throw;
        }
    }

    /// <summary>
    /// Called by the session holding the gate when it ends: after releasing its savepoint
    /// (<paramref name="released"/>) or rolling back to it. Hands the gate over with the group's
    /// transaction still open when another session waits, else commits the group; then releases
    /// the gate. Returns the group's outcome to wait for: it faults when the group's COMMIT failed
    /// (only for a released session), and is null when there is nothing to wait for.
    /// </summary>
    /// <param name="released">The session's writes joined the group's transaction.</param>
    /// <param name="lost">The session's writes must be undone (only the whole transaction can be), or the transaction is gone or unusable.</param>
    internal Task? EndTurn(bool released, bool lost)
    {
        var current = group;
        if (current is null)
        {
            writeGate.Release();
            return null;
        }
        if (released) current.Committed++;
        var link = writer!;
        if (lost || !link.InTransaction)
        {
            // A session undone with the transaction, a failed statement after which SQLite rolled the whole
            // transaction back, or a broken connection: the earlier members' writes are gone with it.
            Finish(current, new WriteConflictException("A session sharing this session's transaction rolled it back; retry."));
        }
        else if (!ShouldHandOver(current))
        {
            Finish(current, null);
        }
        writeGate.Release();
        // A session that rolled back may have read what earlier members wrote: answering only after
        // it is durable keeps its answer consistent with what readers see next.
        return released || current.Committed > 0 ? current.Outcome.Task : null;
    }

    public override async Task AppendAuditAsync(IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (Journal is not { } open)
        {
            await base.AppendAuditAsync(records, ct);
            return;
        }
        // The journal takes only the room the database leaves of MaxSizeBytes: a full store refuses reads' records too.
        await open.AppendAsync(records, MaxSizeBytes is { } max ? max - await DatabaseBytesAsync(ct) : null, ct);
    }

    // The database's size in pages, whatever of it is still in the WAL.
    private async Task<long> DatabaseBytesAsync(CancellationToken ct)
    {
        var lease = await LeaseForReadAsync(ct);
        await using (lease)
        {
            return Convert.ToInt64(await lease.Command("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()").ExecuteScalarAsync(ct),
                System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public override async Task<long> PendingAuditAsync(CancellationToken ct = default) =>
        await base.PendingAuditAsync(ct) + (Journal is { } open ? await open.SpanAsync(ct) : 0);

    /// <remarks>
    /// Closes the idle readers beyond the resting number. Then, between transactions, holding the write gate: SQLite
    /// frees the writer's cached pages (all clean after a commit).
    /// When the gate comes with a group still open (handed over), the cache is left for the next call, and the turn
    /// ends as any other (<see cref="EndTurn"/>: the group is handed over or committed).
    /// </remarks>
    public override async Task TrimMemoryAsync(CancellationToken ct = default)
    {
        if (disposed) return;
        // Readers beyond what a resting server uses (each holds a page cache of up to 2 MB).
        while (idleReaders.Count > RestingIdleReaders && idleReaders.TryTake(out var reader)) reader.Close();
        await writeGate.WaitAsync(ct);
        try
        {
            if (group is null && !disposed) writer?.Execute("PRAGMA shrink_memory");
        }
        finally
        {
            _ = EndTurn(released: false, lost: false);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (disposed) return;
        disposed = true;
        // Let the turn in progress end (its group commits: nothing is handed over once disposed);
        // a session that is never disposed must not hang shutdown.
        var holding = await writeGate.WaitAsync(TimeSpan.FromSeconds(10));
        if (holding && group is { } open) Finish(open, null);
        writer?.Close();
        writer = null;
        if (holding) writeGate.Release(); // waiters see the store disposed and leave
        Interlocked.Exchange(ref checkpointer, null)?.Dispose();
        Interlocked.Exchange(ref journal, null)?.Dispose();
        while (idleReaders.TryTake(out var link)) link.Close();
    }

    protected internal override ValueTask<DbLease> LeaseForReadAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return new(idleReaders.TryTake(out var link) ? link : Open());
    }

    private bool ShouldHandOver(CommitGroup current) =>
        !disposed
        && Volatile.Read(ref waiting) > 0
        && current.Sessions < MaxGroupSessions
        && Stopwatch.GetTimestamp() - current.Started < MaxGroupTicks;

    // Ends the group's transaction: COMMIT, or ROLLBACK when no member committed or the group
    // failed (failure != null); then completes its outcome. Runs under the gate.
    private void Finish(CommitGroup current, Exception? failure)
    {
        group = null;
        var link = writer!;
        if (failure is null && current.Committed > 0)
        {
            try
            {
                link.Run("COMMIT");
            }
            catch (Exception e)
            {
                failure = e is SqliteException { SqliteErrorCode: 5 or 6 } // SQLITE_BUSY, SQLITE_LOCKED: transient
                    ? new WriteConflictException("The database was busy and the commit failed; retry.", e)
                    : e;
            }
            if (failure is null)
            {
                current.Outcome.TrySetResult();
                checkpointer?.Committed();
                if (checkpointer?.TakeRestartRequest() == true) RestartWal(link);
                return;
            }
        }
        try
        {
            if (link.InTransaction) link.Run("ROLLBACK");
        }
        catch (Exception)
        {
            // The next session gets a fresh connection (closing rolls back).
            link.Close();
            writer = null;
        }
        if (failure is not null && current.Committed > 0) current.Outcome.TrySetException(failure);
        else current.Outcome.TrySetResult();
    }

    // A waiter gave up after the holder may have kept the group open for it: take the gate, so the
    // group commits unless someone else is waiting to join it.
    private async Task FlushAsync()
    {
        await writeGate.WaitAsync().ConfigureAwait(false);
        var outcome = EndTurn(released: false, lost: false);
        if (outcome is not null) await outcome.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private SqliteLink Open() => new(connectionString, returnReader, MaxSizeBytes);

    // Under the gate, between transactions: copies every frame back and makes the next transaction write the
    // WAL from its beginning (journal_size_limit then trims the file). Waits at most briefly for readers
    // still on old frames; when they outlast it, the next request tries again.
    private static void RestartWal(SqliteLink link)
    {
        try
        {
            link.Execute("PRAGMA busy_timeout = 250; PRAGMA wal_checkpoint(RESTART)");
        }
        catch (SqliteException)
        {
            // Busy: a later pass asks again.
        }
        finally
        {
            link.Execute("PRAGMA busy_timeout = " + SqliteLink.BusyTimeoutMs);
        }
    }

    /// <remarks>
    /// Settings of the writer's own. When sessions were SAVEPOINTs, each kept a sub-journal of every
    /// page it changed: with temp_store = MEMORY that journal was a chain of 1 KB chunks that SQLite
    /// walked from the start each time a statement ended, so a transaction Bundle of a few hundred
    /// resources spent ~80% of the writer's CPU there (Synthea load: 360 resources/s at 100k rising
    /// to ~1,900/s with the journal in a temporary file). Statement journals stay in memory up to
    /// <see cref="SqliteLink.StatementJournalSpillBytes"/> and go to a temporary file beyond it (a
    /// setting of the process, see <see cref="SqliteLink"/>). The larger page cache keeps
    /// the index pages a commit group touches (and its dirty pages) in memory. journal_size_limit
    /// trims the WAL file back to 256 MB whenever it restarts.
    /// </remarks>
    private SqliteLink OpenWriter()
    {
        var link = Open();
        link.Execute("PRAGMA temp_store = FILE; PRAGMA cache_size = -262144; PRAGMA journal_size_limit = 268435456");
        return link;
    }

    private void ReturnReader(SqliteLink link)
    {
        if (!disposed && link.Connection.State == System.Data.ConnectionState.Open && idleReaders.Count < MaxIdleReaders)
        {
            idleReaders.Add(link);
            // Disposed meanwhile: DisposeAsync may have drained the bag before this Add.
            if (disposed && idleReaders.TryTake(out var late)) late.Close();
            return;
        }
        link.Close();
    }

    // The folder of a file database, to create when missing; null for in-memory and URI names.
    private static string? FolderOf(SqliteConnectionStringBuilder builder)
    {
        var source = builder.DataSource;
        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(source) || source == ":memory:"
            || source.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        return System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(source));
    }

    /// <summary>Sessions sharing one BEGIN IMMEDIATE transaction; touched only under the gate (but <see cref="Outcome"/>).</summary>
    private sealed class CommitGroup(long started)
    {
        /// <summary>When the transaction began (<see cref="Stopwatch"/> ticks).</summary>
        public long Started { get; } = started;

        /// <summary>Sessions begun in the group.</summary>
        public int Sessions { get; set; }

        /// <summary>Sessions whose writes joined the transaction: its COMMIT completes their commits.</summary>
        public int Committed { get; set; }

        /// <summary>Completes after the COMMIT (or the rollback), faulted when a committed member's writes were lost.</summary>
        public TaskCompletionSource Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
