using Fhir.Search.Queries;

namespace Fhir.Storage.Sql;

/// <summary>
/// What the two write sessions share: reads and searches inside the transaction, state checks,
/// and turning "a concurrent writer won" errors into <see cref="WriteConflictException"/>.
/// </summary>
internal abstract class SqlWriteSession(SqlDialect dialect) : DbLease(dialect), IWriteSession
{
    private bool failed;

    /// <summary>True once committed: disposal then has nothing to roll back.</summary>
    protected bool Committed { get; private set; }

    /// <summary>
    /// Reads the current version and, where the database needs it, locks its row until the session
    /// ends. The default only reads (for sessions that are exclusive anyway).
    /// </summary>
    protected virtual Task<ResourceVersion?> ReadCurrentForUpdateAsync(string type, string id, CancellationToken ct) =>
        StoreQueries.ReadCurrentAsync(this, type, id, ct);

    /// <summary>Inserts the version, moves the current row to it and replaces the index rows.</summary>
    protected abstract Task WriteCoreAsync(ResourceWrite write, CancellationToken ct);

    /// <summary>Commits the transaction.</summary>
    protected abstract Task CommitCoreAsync(CancellationToken ct);

    public abstract Task LockConditionAsync(string key, CancellationToken ct = default);

    public Task<ResourceVersion?> ReadForUpdateAsync(string type, string id, CancellationToken ct = default) =>
        RunAsync(() => ReadCurrentForUpdateAsync(type, id, ct));

    public Task<IReadOnlyList<string>> SearchIdsAsync(SearchQuery query, Access.ReadScope scope, int limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(scope);
        // Checked before the step: a refusal is not a failure of the transaction.
        Access.ScopeCheck.Search(query, scope);
        return RunAsync(async () =>
        {
            await BeforeSearchAsync(ct);
            return await StoreQueries.SearchIdsAsync(this, query, scope, limit, ct);
        });
    }

    /// <summary>Runs before a search in the session (a conditional match): PostgreSQL plans it for its values.</summary>
    protected virtual Task BeforeSearchAsync(CancellationToken ct) => Task.CompletedTask;

    public Task<IReadOnlyList<string>> CurrentPatientsAsync(string type, string id, CancellationToken ct = default) =>
        RunAsync(() => StoreQueries.CurrentPatientsAsync(this, type, id, ct));

    public Task WriteAsync(ResourceWrite write, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (write.VersionId < 1) throw new ArgumentException("Versions start at 1.", nameof(write));
        // The pair index is the store's own (IndexPairs): derived here, whoever extracted the index.
        if (write.Method != WriteMethod.Delete && IndexPairs.With(write.Index, write.Type) is var index && !ReferenceEquals(index, write.Index))
        {
            write = write with { Index = index };
        }
        return RunAsync(async () =>
        {
            await WriteCoreAsync(write, ct);
            return true;
        }, deferrable: true);
    }

    public Task RecordChangesAsync(IReadOnlyCollection<(string Type, string Id)> resources, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(resources);
        return RunAsync(async () =>
        {
            if (resources.Count == 0)
            {
                return true;
            }
            // The counter row stays locked until this transaction ends: numbers are taken, and seen, in commit order.
            var seq = Convert.ToInt64(await Command(ChangeLogSql.Next).ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
            foreach (var chunk in resources.Distinct().Chunk(200))
            {
                var p = new SqlParams();
                var sql = new System.Text.StringBuilder("INSERT INTO change_log (seq, res_type, res_id) VALUES ");
                for (var i = 0; i < chunk.Length; i++)
                {
                    sql.Append(i == 0 ? "(" : ", (").Append(p.Add(seq)).Append(", ").Append(p.Add(chunk[i].Type)).Append(", ").Append(p.Add(chunk[i].Id)).Append(')');
                }
                var insert = Command(sql.Append(" ON CONFLICT DO NOTHING").ToString());
                p.BindTo(insert);
                await insert.ExecuteNonQueryAsync(ct);
            }
            return true;
        });
    }

    public Task AppendAuditAsync(ReadOnlyMemory<byte> json, CancellationToken ct = default) => AppendAuditAsync([json], ct);

    public Task AppendAuditAsync(IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken ct = default) =>
        RunAsync(async () =>
        {
            await AppendAuditCoreAsync(records, ct);
            return true;
        }, deferrable: true);

    /// <summary>Appends <paramref name="records"/> to the outbox, a multi-row INSERT per hundred.</summary>
    protected virtual async Task AppendAuditCoreAsync(IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken ct)
    {
        foreach (var chunk in records.Chunk(AuditRowsPerInsert))
        {
            var p = new SqlParams();
            var cmd = Command(AuditInsertSql(p, chunk.Select(Dialect.Bytes)));
            p.BindTo(cmd);
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>The most audit records one INSERT carries.</summary>
    protected const int AuditRowsPerInsert = 100;

    /// <summary>The INSERT of the audit records <paramref name="values"/>, added to <paramref name="p"/>.</summary>
    protected static string AuditInsertSql(SqlParams p, IEnumerable<object> values) =>
        "INSERT INTO audit_outbox (json) VALUES " + string.Join(", ", values.Select(v => "(" + p.Add(v) + ")"));

    public virtual Task<IReadOnlyList<ReadOnlyMemory<byte>>> TakeAuditAsync(int limit, CancellationToken ct = default) =>
        RunAsync<IReadOnlyList<ReadOnlyMemory<byte>>>(async () =>
        {
            var select = Command("SELECT seq, json FROM audit_outbox ORDER BY seq LIMIT @p0" + Dialect.ForUpdate);
            var p = new SqlParams();
            p.Add((long)limit);
            p.BindTo(select);
            var records = new List<ReadOnlyMemory<byte>>();
            var taken = new List<long>();
            await using (var reader = await select.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    taken.Add(reader.GetInt64(0));
                    records.Add(reader.GetFieldValue<byte[]>(1));
                }
            }
            // Exactly the rows read (and locked, on PostgreSQL): a row of a lower seq that another transaction commits
            // meanwhile stays for the next take.
            foreach (var chunk in taken.Chunk(500))
            {
                var d = new SqlParams();
                var delete = Command("DELETE FROM audit_outbox WHERE seq IN (" + string.Join(", ", chunk.Select(seq => d.Add(seq))) + ")");
                d.BindTo(delete);
                await delete.ExecuteNonQueryAsync(ct);
            }
            return records;
        });

    public Task<bool> CheckpointJobAsync(Jobs.JobCheckpoint checkpoint, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return RunAsync(() => SqlFhirStore.CheckpointOnAsync(this, checkpoint, now, ct));
    }

    public Task CommitAsync(CancellationToken ct = default) =>
        RunAsync(async () =>
        {
            await CommitCoreAsync(ct);
            Committed = true;
            return true;
        });

    /// <summary>
    /// Sends the steps the session holds back (PostgreSQL sends its writes and audit records in batches); runs before every
    /// step that is not one of those, so that it sees them. Their failures surface there, at the latest at the commit.
    /// </summary>
    protected virtual Task FlushAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Runs one step of the session, after the steps held back unless this one may be held back too
    /// (<paramref name="deferrable"/>). After a failed step the transaction is unusable (PostgreSQL
    /// aborts it), so later steps are refused: the caller disposes and retries in a new session.
    /// </summary>
    protected async Task<T> RunAsync<T>(Func<Task<T>> step, bool deferrable = false)
    {
        if (Committed) throw new InvalidOperationException("The write session is already committed.");
        if (failed) throw new InvalidOperationException("A previous step of this write session failed: dispose it and retry in a new session.");
        try
        {
            if (!deferrable) await FlushAsync(CancellationToken.None);
            return await step();
        }
        catch (Exception e)
        {
            failed = true;
            if (e is not WriteConflictException && Dialect.IsConflict(e))
            {
                throw new WriteConflictException("A concurrent write session changed the same resource first; retry.", e);
            }
            throw;
        }
    }

    /// <summary>The exception a write whose version is not newer than the current one throws.</summary>
    protected static WriteConflictException StaleVersion(ResourceWrite write) =>
        new($"{write.Type}/{write.Id} already has a version at or above {write.VersionId}; retry.");
}
