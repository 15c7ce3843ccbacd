using System.Data;
using Fhir.Storage.Sql;
using Npgsql;

namespace Fhir.Storage.Postgres;

/// <summary>
/// The PostgreSQL store. Reads take a pooled connection each; a write session is one READ
/// COMMITTED transaction that serialises with others through row locks (ReadForUpdate),
/// advisory locks (LockCondition) and the unique constraints.
/// </summary>
internal sealed partial class PostgresFhirStore : SqlFhirStore
{
    private readonly NpgsqlDataSource dataSource;
    private readonly NpgsqlDataSource searchSource; // dataSource itself when the connection string sets plan_cache_mode

    public PostgresFhirStore(string connectionString)
        : base(PostgresDialect.Instance)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            // Server-side prepared statements for the SQL the store repeats (reads, writes, common searches).
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }
        if (!Mentions(connectionString, "noresetonclose"))
        {
            // Returning a connection to the pool otherwise makes its next use run a reset (RESET ALL,
            // pg_advisory_unlock_all(), CLOSE ALL, UNLISTEN *, DISCARD ...): seven statements per
            // read or write, measured ~13% of the server's PostgreSQL CPU. The store leaves no session
            // state behind (no SET, cursors, temp tables or session-level locks: its advisory locks
            // are transaction-scoped), so there is nothing to reset.
            builder.NoResetOnClose = true;
        }
        if (!Mentions(connectionString, "multiplexing"))
        {
            // Reads outside transactions share connections: commands of concurrent requests go out
            // in one write and their results come back in one read, instead of a round trip, a
            // pool checkout and two context switches each. Write sessions (transactions) still get
            // a connection of their own. Measured on the mixed load: +15% at 16 clients, +40% at
            // 64, with less CPU per request in both the server and PostgreSQL.
            builder.Multiplexing = true;
        }
        if (Mentions(connectionString, "plan_cache_mode"))
        {
            dataSource = searchSource = NpgsqlDataSource.Create(builder);
            return;
        }
        // Left to itself (plan_cache_mode=auto), PostgreSQL plans a prepared statement's first five runs for their values
        // and then keeps a generic plan if it estimates it no worse. For searches it is far worse, because only the values
        // tell a patient's 250 reference rows from a code's 90,000 (a patient's Observations of a code: 3 ms planned for
        // its values, 355 ms generic, at a million resources), so searches, counts, includes, history and the jobs' reads
        // by type run on connections that plan every run. Writes, reads by id and reads in key order have one plan
        // whatever the values, and planning them each time was ~20% of the mixed load's throughput (issue 18: 1,411 /
        // 2,496 against 1,735 / 2,900 req/s at 16 / 64 clients), so their connections always take the generic plan: left
        // to auto, an update's statement was still planned on 12-90% of its runs (~350 µs of PostgreSQL CPU each). A
        // search inside a write session switches its transaction back (PostgresWriteSession.BeforeSearchAsync). The two
        // pools share the configured size, a quarter of it for searches (multiplexed, they rarely hold a connection long).
        var searchBuilder = new NpgsqlConnectionStringBuilder(builder.ConnectionString);
        searchBuilder.MaxPoolSize = Math.Max(2, builder.MaxPoolSize / 4);
        builder.MaxPoolSize = Math.Max(2, builder.MaxPoolSize - searchBuilder.MaxPoolSize);
        SetPlanMode(searchBuilder, "force_custom_plan");
        SetPlanMode(builder, "force_generic_plan");
        dataSource = NpgsqlDataSource.Create(builder);
        searchSource = NpgsqlDataSource.Create(searchBuilder);
    }

    private static void SetPlanMode(NpgsqlConnectionStringBuilder builder, string mode) =>
        builder.Options = ((builder.Options ?? "") + " -c plan_cache_mode=" + mode).Trim();

    // Whether the connection string sets an option itself (keywords compared without spaces or case).
    private static bool Mentions(string connectionString, string keyword) =>
        connectionString.Replace(" ", "", StringComparison.Ordinal).Contains(keyword, StringComparison.OrdinalIgnoreCase);

    public override async Task InitializeAsync(CancellationToken ct = default)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        await using var lease = new PostgresLease(connection);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var migrationLease = new PostgresLease(connection, transaction);
        // Processes starting together wait here; the first migrates, the others then find it done.
        var lockCmd = migrationLease.Command("SELECT pg_advisory_xact_lock(@p0)");
        var p = new SqlParams();
        p.Add(LockKeys.Migration);
        p.BindTo(lockCmd);
        await lockCmd.ExecuteNonQueryAsync(ct);
        await Schema.MigrateAsync(migrationLease, ct);
        await transaction.CommitAsync(ct);
    }

    // Every PostgreSQL session is a transaction of its own: rolling it back never touches another.
    public override async Task<IWriteSession> BeginWriteAsync(bool mayRollBack = false, CancellationToken ct = default)
    {
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
            return new PostgresWriteSession(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await dataSource.DisposeAsync();
        if (searchSource != dataSource) await searchSource.DisposeAsync();
    }

    protected internal override async ValueTask<DbLease> LeaseForReadAsync(CancellationToken ct) =>
        new PostgresLease(await dataSource.OpenConnectionAsync(ct));

    protected internal override async ValueTask<DbLease> LeaseForSearchAsync(CancellationToken ct) =>
        new PostgresLease(await searchSource.OpenConnectionAsync(ct));
}
