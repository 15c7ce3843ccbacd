using System.Collections.Concurrent;
using Fhir.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Fhir.Storage.Sqlite;

/// <summary>
/// The SQLite store: one database file in WAL mode. Readers use a pool of open connections and
/// never wait for the writer; write sessions share one connection, one at a time per process
/// (a semaphore: queueing in-process is much faster than SQLite's sleeping busy handler), and
/// BEGIN IMMEDIATE plus busy_timeout serialise them across processes.
/// </summary>
internal sealed class SqliteFhirStore : SqlFhirStore
{
    private static readonly int MaxIdleReaders = Math.Max(4, Environment.ProcessorCount * 2);

    private readonly string connectionString;
    private readonly string? folder;
    private readonly ConcurrentBag<SqliteLink> idleReaders = [];
    private readonly SemaphoreSlim writeGate = new(1, 1);
    private readonly Action<SqliteLink> returnReader;
    private SqliteLink? writer;
    private volatile bool disposed;

    public SqliteFhirStore(string connectionString)
        : base(SqliteDialect.Instance)
    {
        // The store keeps its connections open itself; Microsoft.Data.Sqlite's pool would only
        // keep the file open after DisposeAsync.
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = false };
        this.connectionString = builder.ToString();
        folder = FolderOf(builder);
        returnReader = ReturnReader;
    }

    public override async Task InitializeAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (folder is not null) Directory.CreateDirectory(folder);
        var link = Open();
        try
        {
            // Persistent in the file; needs no transaction around it.
            link.Execute("PRAGMA journal_mode = WAL");
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
    }

    public override async Task<IWriteSession> BeginWriteAsync(CancellationToken ct = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        await writeGate.WaitAsync(ct);
        try
        {
            writer ??= Open();
            writer.Execute("BEGIN IMMEDIATE");
            return new SqliteWriteSession(this, writer);
        }
        catch
        {
            DropWriterIfBroken();
            writeGate.Release();
            throw;
        }
    }

    /// <summary>Called by the session when it ends: the next session may begin.</summary>
    internal void EndWrite(bool connectionBroken)
    {
        if (connectionBroken) DropWriterIfBroken(force: true);
        writeGate.Release();
    }

    public override ValueTask DisposeAsync()
    {
        if (disposed) return ValueTask.CompletedTask;
        disposed = true;
        writer?.Close();
        writer = null;
        while (idleReaders.TryTake(out var link)) link.Close();
        return ValueTask.CompletedTask;
    }

    protected override ValueTask<DbLease> LeaseForReadAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return new(idleReaders.TryTake(out var link) ? link : Open());
    }

    private SqliteLink Open() => new(connectionString, returnReader);

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

    private void DropWriterIfBroken(bool force = false)
    {
        if (writer is null || (!force && writer.Connection.State == System.Data.ConnectionState.Open)) return;
        writer.Close();
        writer = null;
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
}
