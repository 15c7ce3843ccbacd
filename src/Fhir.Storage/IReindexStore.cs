using Fhir.Search.Indexing;
using Fhir.Storage.Jobs;

namespace Fhir.Storage;

/// <summary>
/// Rebuilding search index rows of stored resources in batches, without writing new versions:
/// read a batch of current resources in key order after a cursor, extract their index values,
/// and replace their index rows in one short transaction per batch (other writers go on between
/// batches).
/// </summary>
public interface IReindexStore
{
    /// <summary>
    /// How many batches of one reindex are worth writing at once (<see cref="ReplaceIndexAsync"/>): 1 where writes take
    /// turns anyway (SQLite's one writer).
    /// </summary>
    int ReindexWriters { get; }

    /// <summary>How many current (not deleted) resources of <paramref name="type"/> there are.</summary>
    Task<long> CountCurrentAsync(string type, CancellationToken ct = default);

    /// <summary>Up to <paramref name="limit"/> current resources of <paramref name="type"/> with a key above <paramref name="afterKey"/>, in key order.</summary>
    Task<IReadOnlyList<CurrentResource>> ReadCurrentAsync(string type, long afterKey, int limit, CancellationToken ct = default);

    /// <summary>
    /// Replaces the index rows of the given resources in one transaction: the rows of the codes in
    /// <paramref name="codes"/> (all rows when null) are deleted and <see cref="ReindexedResource.Index"/>
    /// inserted. A resource whose current version is no longer the one that was read is left alone
    /// (its new version was indexed by its own write). With a <paramref name="checkpoint"/>, the job's
    /// progress is recorded in the same transaction, and nothing is written unless the runner still owns the job.
    /// </summary>
    /// <returns>False when the checkpoint did not hold (nothing was written).</returns>
    /// <remarks>
    /// Up to <see cref="ReindexWriters"/> calls may run at once on batches of different resources. They may then commit in
    /// any order, so a checkpoint never moves a job back: one that reports fewer resources done than the job has leaves
    /// the cursor where it is.
    /// </remarks>
    Task<bool> ReplaceIndexAsync(
        IReadOnlyList<ReindexedResource> resources, IReadOnlyCollection<string>? codes, JobCheckpoint? checkpoint, DateTimeOffset now,
        CancellationToken ct = default);

    /// <summary>Up to <paramref name="limit"/> stored versions (history rows, tombstones included) after <paramref name="afterSeq"/>, in write order.</summary>
    Task<IReadOnlyList<StoredVersion>> ReadVersionsAsync(long afterSeq, int limit, CancellationToken ct = default);

    /// <summary>
    /// Records the patient compartments of versions written before the store kept them (the backfill after the
    /// schema gained them): the given rows, then the rows of every tombstone after <paramref name="afterSeq"/> up to
    /// <paramref name="throughSeq"/> from the version it deleted; rows already there stay. With a
    /// <paramref name="checkpoint"/> as in <see cref="ReplaceIndexAsync"/>.
    /// </summary>
    /// <returns>False when the checkpoint did not hold (nothing was written).</returns>
    Task<bool> WritePatientsAsync(
        IReadOnlyList<VersionPatients> rows, long afterSeq, long throughSeq, JobCheckpoint? checkpoint, DateTimeOffset now, CancellationToken ct = default);
}

/// <summary>One stored version as the compartment backfill reads it.</summary>
/// <param name="Seq">Its history row: the backfill's cursor.</param>
/// <param name="Type">The resource type.</param>
/// <param name="Id">The logical id.</param>
/// <param name="Method">How it was written (a delete is a tombstone, with no JSON).</param>
/// <param name="Json">Its JSON.</param>
public sealed record StoredVersion(long Seq, string Type, string Id, WriteMethod Method, ReadOnlyMemory<byte> Json);

/// <summary>The patients whose compartment the version <paramref name="Seq"/> is in.</summary>
/// <param name="Seq">The version's history row.</param>
/// <param name="Patients">The patients.</param>
public sealed record VersionPatients(long Seq, IReadOnlyList<string> Patients);

/// <summary>A current resource as read for reindexing.</summary>
/// <param name="Key">Its surrogate key: the reindex cursor.</param>
/// <param name="Id">Its logical id.</param>
/// <param name="VersionSeq">The history row of its current version, to detect a concurrent write.</param>
/// <param name="Json">Its JSON.</param>
public sealed record CurrentResource(long Key, string Id, long VersionSeq, ReadOnlyMemory<byte> Json);

/// <summary>New index values of one resource, for the version <paramref name="VersionSeq"/> they were extracted from.</summary>
/// <param name="Key">The resource's surrogate key.</param>
/// <param name="VersionSeq">The version the values come from.</param>
/// <param name="Index">The values.</param>
/// <param name="Type">The resource's type, when the caller knows it: the store then derives its pair rows (which name the
/// type) from the values instead of from the stored rows.</param>
public sealed record ReindexedResource(long Key, long VersionSeq, IReadOnlyList<IndexValue> Index, string? Type = null);
