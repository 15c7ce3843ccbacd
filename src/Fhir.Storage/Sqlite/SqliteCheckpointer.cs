namespace Fhir.Storage.Sqlite;

/// <summary>
/// Copies committed WAL frames into the database file on its own thread and connection
/// (PASSIVE checkpoints), so that the writer's automatic checkpoint finds little left to do.
/// </summary>
/// <remarks>
/// <para>A checkpoint syncs the WAL to disk, copies the newest version of every page it holds
/// into the database file and syncs that. Run by the writer's autocheckpoint, all of it (tens of
/// milliseconds for a 40 MB WAL, most of it the WAL sync) happened while the write gate was held:
/// measured, about a quarter of the writer's time under a create-heavy load. PASSIVE checkpoints
/// neither block nor wait for readers and writers, so this thread does the bulk concurrently; the
/// writer's autocheckpoint then only syncs and copies the frames committed since the last pass.</para>
/// <para>This complements the autocheckpoint and does not replace it: the WAL only restarts from its
/// beginning when a write transaction starts after a checkpoint that left no frame behind, which a
/// checkpoint racing the writers never achieves (the WAL would grow without bound). The writer's
/// autocheckpoint runs between its transactions, so it does.</para>
/// </remarks>
internal sealed class SqliteCheckpointer : IDisposable
{
    // After a commit, wait this long before a pass, so that one pass covers many commits.
    private static readonly TimeSpan Batch = TimeSpan.FromMilliseconds(20);

    // A WAL of this many frames (~400 MB) asks the writer for a RESTART checkpoint (RestartWanted).
    private const long RestartFrames = 100_000;

    private readonly Func<SqliteLink> open;
    private volatile bool restartWanted;
    private readonly SemaphoreSlim commits = new(0, 1);
    private readonly Thread thread;
    private volatile bool stopping;

    /// <summary>Starts the thread; <paramref name="open"/> opens its connection.</summary>
    public SqliteCheckpointer(Func<SqliteLink> open)
    {
        this.open = open;
        thread = new Thread(Run) { IsBackground = true, Name = "SQLite checkpointer" };
        thread.Start();
    }

    /// <summary>
    /// True once per time the WAL has grown past <see cref="RestartFrames"/>: under a steady write load some
    /// reader always holds a snapshot when the writer begins, so the WAL never restarts from its beginning and
    /// grows without bound (3.4 GB after a million-resource load). The writer answers with a RESTART
    /// checkpoint between its transactions, which waits briefly for those readers.
    /// </summary>
    public bool TakeRestartRequest()
    {
        if (!restartWanted) return false;
        restartWanted = false;
        return true;
    }

    /// <summary>Tells the thread that frames were committed (cheap; called after every COMMIT).</summary>
    public void Committed()
    {
        if (commits.CurrentCount == 0)
        {
            try
            {
                commits.Release();
            }
            catch (SemaphoreFullException)
            {
                // Signalled concurrently: once is enough.
            }
        }
    }

    /// <summary>Stops the thread after its current pass and closes its connection.</summary>
    public void Dispose()
    {
        stopping = true;
        Committed();
        thread.Join();
        // The semaphore is not disposed: a commit racing the store's disposal may still signal it
        // (it holds no handle unless AvailableWaitHandle is used, which it is not).
    }

    private void Run()
    {
        SqliteLink? link = null;
        try
        {
            while (true)
            {
                commits.Wait();
                if (stopping) return;
                Thread.Sleep(Batch);
                if (stopping) return;
                try
                {
                    link ??= open();
                    // Returns (busy, frames in the WAL, frames checkpointed); busy only means another
                    // checkpoint ran (this process's writer, or another process): the next pass catches up.
                    using var pass = link.Connection.CreateCommand();
                    pass.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    using var result = pass.ExecuteReader();
                    if (result.Read() && result.GetInt64(1) > RestartFrames) restartWanted = true;
                }
                catch (Exception)
                {
                    // Best effort: the writer's autocheckpoint still does whatever is left. A broken
                    // connection is replaced on the next pass.
                    link?.Close();
                    link = null;
                }
            }
        }
        finally
        {
            link?.Close();
        }
    }
}
