namespace Fhir.Storage.Jobs;

/// <summary>
/// The job table: background work (reindex, bulk export and import) queued by a request and run
/// by whichever server process claims it. A claim is a lease that the runner renews with every
/// checkpoint, so when a process dies another takes the job over after the lease expires,
/// resuming from the last checkpoint; while a lease holds, no other process runs the job.
/// </summary>
public interface IJobStore
{
    /// <summary>Queues a new job and returns it.</summary>
    Task<JobRecord> EnqueueJobAsync(string kind, string request, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>The job, or null when there is none with that id.</summary>
    Task<JobRecord?> GetJobAsync(string id, CancellationToken ct = default);

    /// <summary>
    /// Claims the oldest job that is queued, or running under an expired lease, for
    /// <paramref name="owner"/> until <paramref name="leaseUntil"/>; null when there is none.
    /// Concurrent claims from any number of processes get different jobs (or none).
    /// </summary>
    Task<JobRecord?> ClaimJobAsync(string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct = default);

    /// <summary>Records progress and renews the lease; false when the runner no longer owns the running job (cancelled, or taken over).</summary>
    Task<bool> CheckpointJobAsync(JobCheckpoint checkpoint, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Ends a running job owned by <paramref name="owner"/> as completed or failed; false when it no longer owns it.</summary>
    Task<bool> FinishJobAsync(string id, string owner, JobState state, string? result, string? error, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Gives a running job back to the queue (a runner shutting down), keeping its cursor for the next runner.</summary>
    Task<bool> ReleaseJobAsync(string id, string owner, CancellationToken ct = default);

    /// <summary>Cancels a queued or running job; false when it does not exist or has already finished.</summary>
    Task<bool> CancelJobAsync(string id, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Removes a job, whatever its state (an export whose files were deleted or expired); false when there is none.</summary>
    Task<bool> DeleteJobAsync(string id, CancellationToken ct = default);

    /// <summary>Every job of <paramref name="kind"/>, oldest first (the sweep of expired exports).</summary>
    Task<IReadOnlyList<JobRecord>> ListJobsAsync(string kind, CancellationToken ct = default);
}
