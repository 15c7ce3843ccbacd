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
    Task<bool> ReplaceIndexAsync(
        IReadOnlyList<ReindexedResource> resources, IReadOnlyCollection<string>? codes, JobCheckpoint? checkpoint, DateTimeOffset now,
        CancellationToken ct = default);
}

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
public sealed record ReindexedResource(long Key, long VersionSeq, IReadOnlyList<IndexValue> Index);
