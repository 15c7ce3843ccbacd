using System.Data.Common;
using Fhir.Storage.Jobs;

namespace Fhir.Storage.Sql;

/// <summary>The job table (<see cref="IJobStore"/>), the same SQL on both databases; changes run in write sessions.</summary>
internal abstract partial class SqlFhirStore
{
    private const string JobColumns = "id, kind, status, request, resume_at, done, total, result, error, created, started, finished, owner, lease_until";

    // Claimable: queued, or running under a lease that has expired. The outer condition repeats the
    // inner one: on PostgreSQL a concurrent claim of the same row makes this UPDATE re-check the
    // committed row, which then no longer qualifies, so two processes never claim the same job.
    private const string Claimable = "(status = 'queued' OR (status = 'running' AND lease_until < @p1))";

    private string ClaimSql => _claimSql ??=
        "UPDATE job SET status = 'running', owner = @p0, lease_until = @p2, heartbeat = @p1, started = COALESCE(started, @p1)"
        + " WHERE id = (SELECT id FROM job WHERE " + Claimable + " ORDER BY created, id LIMIT 1" + Dialect.SkipLocked + ") AND " + Claimable
        + " RETURNING " + JobColumns;

    private string? _claimSql;

    /// <summary>Records a checkpoint: @p0 id, @p1 owner, @p2 cursor, @p3 done, @p4 total, @p5 lease_until, @p6 now.</summary>
    // A checkpoint never moves a job back: batches written side by side commit in any order (IReindexStore.ReindexWriters),
    // so one that reports fewer done keeps the cursor of the one that reported more. It still renews the lease.
    private const string CheckpointSql =
        "UPDATE job SET resume_at = CASE WHEN done <= @p3 THEN @p2 ELSE resume_at END, done = CASE WHEN done <= @p3 THEN @p3 ELSE done END,"
        + " total = COALESCE(@p4, total), lease_until = @p5, heartbeat = @p6"
        + " WHERE id = @p0 AND owner = @p1 AND status = 'running'";

    public async Task<JobRecord> EnqueueJobAsync(string kind, string request, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(request);
        var job = new JobRecord(Guid.CreateVersion7().ToString("N"), kind, JobState.Queued, request, null, 0, null, null, null, now, null, null, null, null);
        await InWriteSessionAsync(async session =>
        {
            var p = new SqlParams();
            var sql = $"INSERT INTO job (id, kind, status, request, done, created) VALUES ({p.Add(job.Id)}, {p.Add(kind)}, 'queued', {p.Add(request)}, 0, {p.Add(Dialect.Instant(now.UtcDateTime))})";
            return await ExecuteAsync(session, sql, p, ct);
        }, ct);
        return job;
    }

    public async Task<JobRecord?> GetJobAsync(string id, CancellationToken ct = default)
    {
        var lease = await LeaseForReadAsync(ct);
        await using (lease)
        {
            var cmd = lease.Command("SELECT " + JobColumns + " FROM job WHERE id = @p0");
            var p = new SqlParams();
            p.Add(id);
            p.BindTo(cmd);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? ReadJob(reader) : null;
        }
    }

    public Task<JobRecord?> ClaimJobAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct = default) =>
        InWriteSessionAsync(async session =>
        {
            var cmd = session.Command(ClaimSql);
            var p = new SqlParams();
            p.Add(owner);
            p.Add(Dialect.Instant(now.UtcDateTime));
            p.Add(Dialect.Instant(leaseUntil.UtcDateTime));
            p.BindTo(cmd);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? ReadJob(reader) : null;
        }, ct);

    public Task<bool> CheckpointJobAsync(JobCheckpoint checkpoint, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return InWriteSessionAsync(session => CheckpointAsync(session, checkpoint, now, ct), ct);
    }

    public Task<bool> FinishJobAsync(string id, string owner, JobState state, string? result, string? error, DateTimeOffset now, CancellationToken ct = default)
    {
        if (state is not (JobState.Completed or JobState.Failed)) throw new ArgumentException("A runner finishes a job as completed or failed.", nameof(state));
        return InWriteSessionAsync(session =>
        {
            var p = new SqlParams();
            var sql = $"UPDATE job SET status = {p.Add(StateText(state))}, result = {p.Add(result ?? (object)DBNull.Value)}, error = {p.Add(error ?? (object)DBNull.Value)},"
                + $" finished = {p.Add(Dialect.Instant(now.UtcDateTime))}, lease_until = NULL WHERE id = {p.Add(id)} AND owner = {p.Add(owner)} AND status = 'running'";
            return ExecuteAsync(session, sql, p, ct);
        }, ct);
    }

    public Task<bool> ReleaseJobAsync(string id, string owner, CancellationToken ct = default) =>
        InWriteSessionAsync(session =>
        {
            var p = new SqlParams();
            var sql = $"UPDATE job SET status = 'queued', owner = NULL, lease_until = NULL WHERE id = {p.Add(id)} AND owner = {p.Add(owner)} AND status = 'running'";
            return ExecuteAsync(session, sql, p, ct);
        }, ct);

    public Task<bool> CancelJobAsync(string id, DateTimeOffset now, CancellationToken ct = default) =>
        InWriteSessionAsync(session =>
        {
            var p = new SqlParams();
            var sql = $"UPDATE job SET status = 'cancelled', finished = {p.Add(Dialect.Instant(now.UtcDateTime))}, lease_until = NULL"
                + $" WHERE id = {p.Add(id)} AND status IN ('queued', 'running')";
            return ExecuteAsync(session, sql, p, ct);
        }, ct);

    /// <summary>Records <paramref name="checkpoint"/> inside <paramref name="session"/>; false when the runner no longer owns the job.</summary>
    protected static Task<bool> CheckpointAsync(SqlWriteSession session, JobCheckpoint checkpoint, DateTimeOffset now, CancellationToken ct) =>
        CheckpointOnAsync(session, checkpoint, now, ct);

    /// <summary>Records <paramref name="checkpoint"/> on <paramref name="lease"/> (in its transaction, if any); false when the runner no longer owns the job.</summary>
    internal static async Task<bool> CheckpointOnAsync(DbLease lease, JobCheckpoint checkpoint, DateTimeOffset now, CancellationToken ct)
    {
        var cmd = lease.Command(CheckpointSql);
        var p = new SqlParams();
        p.Add(checkpoint.JobId);
        p.Add(checkpoint.Owner);
        p.Add(checkpoint.Cursor ?? (object)DBNull.Value);
        p.Add(checkpoint.Done);
        p.Add(checkpoint.Total ?? (object)DBNull.Value);
        p.Add(lease.Dialect.Instant(checkpoint.LeaseUntil.UtcDateTime));
        p.Add(lease.Dialect.Instant(now.UtcDateTime));
        p.BindTo(cmd);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public Task<bool> DeleteJobAsync(string id, CancellationToken ct = default) =>
        InWriteSessionAsync(session =>
        {
            var p = new SqlParams();
            return ExecuteAsync(session, $"DELETE FROM job WHERE id = {p.Add(id)}", p, ct);
        }, ct);

    public async Task<IReadOnlyList<JobRecord>> ListJobsAsync(string kind, CancellationToken ct = default)
    {
        var lease = await LeaseForReadAsync(ct);
        await using (lease)
        {
            var cmd = lease.Command("SELECT " + JobColumns + " FROM job WHERE kind = @p0 ORDER BY created, id");
            var p = new SqlParams();
            p.Add(kind);
            p.BindTo(cmd);
            var jobs = new List<JobRecord>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) jobs.Add(ReadJob(reader));
            return jobs;
        }
    }

    /// <summary>Runs <paramref name="work"/> in a write session of its own and commits it.</summary>
    protected async Task<T> InWriteSessionAsync<T>(Func<SqlWriteSession, Task<T>> work, CancellationToken ct)
    {
        var session = (SqlWriteSession)await BeginWriteAsync(ct: ct);
        await using (session)
        {
            var result = await work(session);
            await session.CommitAsync(ct);
            return result;
        }
    }

    private static async Task<bool> ExecuteAsync(SqlWriteSession session, string sql, SqlParams p, CancellationToken ct)
    {
        var cmd = session.Command(sql);
        p.BindTo(cmd);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private JobRecord ReadJob(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), ParseState(r.GetString(2)), r.GetString(3),
        r.IsDBNull(4) ? null : r.GetString(4), r.GetInt64(5), r.IsDBNull(6) ? null : r.GetInt64(6),
        r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8),
        Dialect.ReadInstant(r, 9), Instant(r, 10), Instant(r, 11), r.IsDBNull(12) ? null : r.GetString(12), Instant(r, 13));

    private DateTimeOffset? Instant(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : Dialect.ReadInstant(r, ordinal);

    private static string StateText(JobState state) => state switch
    {
        JobState.Queued => "queued",
        JobState.Running => "running",
        JobState.Completed => "completed",
        JobState.Failed => "failed",
        _ => "cancelled",
    };

    private static JobState ParseState(string text) => text switch
    {
        "queued" => JobState.Queued,
        "running" => JobState.Running,
        "completed" => JobState.Completed,
        "failed" => JobState.Failed,
        _ => JobState.Cancelled,
    };
}
