namespace Fhir.Storage.Jobs;

/// <summary>Where a job is in its life.</summary>
public enum JobState { Queued, Running, Completed, Failed, Cancelled }

/// <summary>One background job as stored: what to do, how far it got, and who runs it.</summary>
/// <param name="Id">The job id (also the last segment of its status URL).</param>
/// <param name="Kind">What kind of job (<c>reindex</c>, later <c>export</c>, <c>import</c>).</param>
/// <param name="State">Where it is in its life.</param>
/// <param name="Request">The job's parameters, as JSON its kind defines.</param>
/// <param name="Cursor">Where to resume: the position after the last completed batch, or null before the first.</param>
/// <param name="Done">Items completed so far.</param>
/// <param name="Total">Items in all, when known.</param>
/// <param name="Result">The outcome of a completed job, as JSON its kind defines.</param>
/// <param name="Error">Why it failed.</param>
/// <param name="Created">When it was queued.</param>
/// <param name="Started">When a runner first claimed it.</param>
/// <param name="Finished">When it completed, failed or was cancelled.</param>
/// <param name="Owner">The runner that holds it while running.</param>
/// <param name="LeaseUntil">Until when the owner's claim holds; after that another runner may take the job over.</param>
public sealed record JobRecord(
    string Id, string Kind, JobState State, string Request, string? Cursor, long Done, long? Total,
    string? Result, string? Error, DateTimeOffset Created, DateTimeOffset? Started, DateTimeOffset? Finished,
    string? Owner, DateTimeOffset? LeaseUntil)
{
    /// <summary>True once completed, failed or cancelled: nothing will change it any more.</summary>
    public bool IsFinished => State is JobState.Completed or JobState.Failed or JobState.Cancelled;
}

/// <summary>Progress a runner records after a batch; it holds only while the runner still owns the running job.</summary>
/// <param name="JobId">The job.</param>
/// <param name="Owner">The runner that claimed it.</param>
/// <param name="Cursor">Where to resume after this batch.</param>
/// <param name="Done">Items completed, this batch included.</param>
/// <param name="Total">Items in all, when known (null keeps the stored value).</param>
/// <param name="LeaseUntil">The claim's new expiry (the heartbeat).</param>
public sealed record JobCheckpoint(string JobId, string Owner, string? Cursor, long Done, long? Total, DateTimeOffset LeaseUntil);
