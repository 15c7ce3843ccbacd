using System.Data.Common;
using Fhir.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Fhir.Storage.Sqlite;

/// <summary>
/// One open SQLite connection with its prepared statements, kept open by the store: a command
/// stays prepared as long as it lives, so statements are cached here by their text.
/// </summary>
internal sealed class SqliteLink : DbLease
{
    private const int MaxCachedStatements = 256;

    private readonly Dictionary<string, SqliteCommand> commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SqliteCommand> statements = new(StringComparer.Ordinal);
    private readonly Action<SqliteLink> release;

    /// <param name="connectionString">The database.</param>
    /// <param name="release">Gives the link back to its store.</param>
    /// <param name="maxSizeBytes">
    /// The most bytes the database file may hold (PRAGMA max_page_count, set per connection before it writes): a write
    /// that needs a page beyond it fails with SQLITE_FULL, as on a full disk. Null: unbounded.
    /// </param>
    public SqliteLink(string connectionString, Action<SqliteLink> release, long? maxSizeBytes = null)
        : base(SqliteDialect.Instance)
    {
        this.release = release;
        Connection = new SqliteConnection(connectionString);
        Connection.Open();
        // Per connection (WAL itself is set once per database): synchronous=NORMAL in WAL mode
        // survives a process crash (only power loss can drop the last commits) and saves an fsync
        // per commit. The writer's automatic checkpoint runs under the write gate; with the
        // background checkpointer (SqliteCheckpointer) doing the bulk of the copying, it only
        // matters for restarting the WAL, so it runs every ~160 MB of WAL (40,000 pages) rather
        // than every ~40 MB: measured, creates +10-20% and p99 -40% against 10,000 (page sizes
        // other than 4 KiB were slower: fewer but larger frames, or more but smaller ones).
        Execute("PRAGMA busy_timeout = " + BusyTimeoutMs + "; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 40000;"
            + " PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = OFF; PRAGMA mmap_size = " + MmapBytes);
        if (maxSizeBytes is { } bytes)
        {
            using var cmd = Connection.CreateCommand();
            cmd.CommandText = "PRAGMA page_size";
            var pageSize = Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            Execute("PRAGMA max_page_count = " + Math.Max(1, bytes / pageSize).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>How long a statement waits for a lock held by another connection.</summary>
    public const int BusyTimeoutMs = 30_000;

    /// <summary>
    /// Statement journals stay in memory up to this size; beyond it SQLite moves them to a temporary file. Every
    /// multi-row INSERT of index rows in a transaction keeps one (SQLite must be able to undo half of it), typically
    /// 20-100 KB, and the audit indexer's batch delete more: at SQLite's default of 64 KiB many went to a file, whose
    /// writes were ~30% of the CPU of storing audit records (issue 18; mixed load with audit on, 64 KiB / 128 KiB /
    /// 1 MiB: 2,100-2,300 / 2,350-2,550 / 2,600-2,650 req/s at 16 clients). Only with savepoints (which the store does
    /// not use) did this SQLite fail a large transaction Bundle with SQLITE_FULL at 256 KiB and more.
    /// </summary>
    public const int StatementJournalSpillBytes = 1 << 20;

    /// <summary>Whether <see cref="StatementJournalSpillBytes"/> is in force (false when SQLite was started before this assembly loaded).</summary>
    public static bool StatementJournalSpillSet { get; private set; }

    // A process-wide setting, accepted only before SQLite initialises (its first connection): so it is made when this
    // assembly loads, before any store opens one.
    [System.Runtime.CompilerServices.ModuleInitializer]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2255", Justification = "SQLite takes this setting only before its first connection.")]
    internal static void ConfigureProcess()
    {
        SQLitePCL.Batteries_V2.Init();
        const int SqliteConfigStmtJournalSpill = 26; // SQLITE_CONFIG_STMTJRNL_SPILL
        StatementJournalSpillSet = SQLitePCL.raw.sqlite3_config(SqliteConfigStmtJournalSpill, StatementJournalSpillBytes) == SQLitePCL.raw.SQLITE_OK;
    }

    // Reads go through a shared memory map of the database file rather than a private page cache
    // per connection (SQLite's default cache is 2 MB, far below a database of gigabytes). 2 GB is
    // the largest map the bundled SQLite allows; beyond it reads fall back to ordinary I/O.
    private const long MmapBytes = 0x7FFF0000;

    /// <summary>The connection.</summary>
    public SqliteConnection Connection { get; }

    /// <summary>True while a transaction is open on the connection.</summary>
    public bool InTransaction => SQLitePCL.raw.sqlite3_get_autocommit(Connection.Handle) == 0;

    /// <summary>Rows inserted, updated or deleted on this connection since it opened (triggers' included, failed statements' not).</summary>
    public long TotalChanges => SQLitePCL.raw.sqlite3_total_changes(Connection.Handle);

    public override DbCommand Command(string sql)
    {
        var cmd = Cached(commands, sql);
        cmd.Parameters.Clear();
        return cmd;
    }

    /// <summary>
    /// A cached command whose parameters <c>@p0..@p(n-1)</c> already exist: the hot write path only
    /// sets their values. Use a text with one parameter count only.
    /// </summary>
    public SqliteCommand Statement(string sql, int parameterCount)
    {
        var cmd = Cached(statements, sql);
        if (cmd.Parameters.Count != parameterCount)
        {
            cmd.Parameters.Clear();
            for (var i = 0; i < parameterCount; i++) cmd.Parameters.Add(new SqliteParameter(SqlParams.Name(i), DBNull.Value));
        }
        return cmd;
    }

    /// <summary>Runs a cached statement without parameters (transaction control on the hot path).</summary>
    public void Run(string sql) => Statement(sql, 0).ExecuteNonQuery();

    /// <summary>Runs a statement without parameters.</summary>
    public void Execute(string sql)
    {
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Gives the connection back to the store's pool.</summary>
    public override ValueTask DisposeAsync()
    {
        release(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>Closes the connection for good.</summary>
    public void Close()
    {
        DisposeAll(commands);
        DisposeAll(statements);
        Connection.Dispose();
    }

    private SqliteCommand Cached(Dictionary<string, SqliteCommand> cache, string sql)
    {
        if (cache.TryGetValue(sql, out var cmd)) return cmd;
        // Searches can produce many shapes; a full cache starts over rather than grow without bound.
        if (cache.Count >= MaxCachedStatements) DisposeAll(cache);
        cmd = Connection.CreateCommand();
        cmd.CommandText = sql;
        cache.Add(sql, cmd);
        return cmd;
    }

    private static void DisposeAll(Dictionary<string, SqliteCommand> cache)
    {
        foreach (var cmd in cache.Values) cmd.Dispose();
        cache.Clear();
    }
}
