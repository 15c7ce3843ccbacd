using Fhir.Search.Queries;

namespace Fhir.Storage;

/// <summary>
/// One database transaction for a write request or a whole transaction Bundle. Reads made here
/// see the session's own writes. Disposing without <see cref="CommitAsync"/> rolls everything back.
/// </summary>
/// <remarks>
/// A concurrent writer that collides with this session (same new id, same version) makes
/// <see cref="WriteAsync"/>, or the session's next step (a store may send writes in batches, at the
/// latest with <see cref="CommitAsync"/>), throw <see cref="WriteConflictException"/>; the caller
/// retries the whole unit of work in a new session.
/// </remarks>
public interface IWriteSession : IAsyncDisposable
{
    /// <summary>
    /// The current version of a resource, locked against concurrent writers until the session ends
    /// (PostgreSQL <c>FOR UPDATE</c>; SQLite sessions are already exclusive).
    /// </summary>
    Task<ResourceVersion?> ReadForUpdateAsync(string type, string id, CancellationToken ct = default);

    /// <summary>
    /// Serialises sessions that evaluate the same condition (a conditional create, update or
    /// delete) across every process sharing the database, until this session ends.
    /// </summary>
    /// <param name="key">A stable key, e.g. the resource type and the normalised query.</param>
    /// <param name="ct">Cancels the wait for the lock.</param>
    Task LockConditionAsync(string key, CancellationToken ct = default);

    /// <summary>Ids of current, non-deleted resources in <paramref name="scope"/> that match the query, as seen inside this session.</summary>
    /// <exception cref="Access.ScopeViolationException">The query runs on or traverses a type the scope may not search.</exception>
    Task<IReadOnlyList<string>> SearchIdsAsync(SearchQuery query, Access.ReadScope scope, int limit, CancellationToken ct = default);

    /// <summary>
    /// The patients whose compartment the current version of a resource (or its tombstone) is in, as seen in this
    /// session (<see cref="ResourceWrite.Patients"/>); empty when there is none.
    /// </summary>
    Task<IReadOnlyList<string>> CurrentPatientsAsync(string type, string id, CancellationToken ct = default);

    /// <summary>
    /// Writes one new version: inserts it into history and makes it current, replacing the
    /// resource's index rows (removing them for a delete).
    /// </summary>
    Task WriteAsync(ResourceWrite write, CancellationToken ct = default);

    /// <summary>
    /// Records in the change log (<see cref="Changes.IChangeLogStore"/>) that these resources were written in this session,
    /// under one new number; call it once, after the writes and before <see cref="CommitAsync"/>. It serialises the sessions
    /// that record changes until they end, so that their numbers are in commit order.
    /// </summary>
    Task RecordChangesAsync(IReadOnlyCollection<(string Type, string Id)> resources, CancellationToken ct = default);

    /// <summary>Appends one audit record (a request's audit facts, as JSON) to the outbox, in this transaction.</summary>
    Task AppendAuditAsync(ReadOnlyMemory<byte> json, CancellationToken ct = default);

    /// <summary>
    /// Takes up to <paramref name="limit"/> audit records from the outbox (and from SQLite's journal, see
    /// <see cref="IFhirStore.AppendAuditAsync(IReadOnlyList{ReadOnlyMemory{byte}}, CancellationToken)"/>), oldest first,
    /// and marks them taken in this transaction: the caller stores them as resources in the same session, so that each
    /// is stored exactly once. Records another session is taking are waited for, not skipped.
    /// </summary>
    Task<IReadOnlyList<ReadOnlyMemory<byte>>> TakeAuditAsync(int limit, CancellationToken ct = default);

    /// <summary>
    /// Records a job's progress in this transaction, so that the job's writes and its cursor commit together (a bulk
    /// import resumes exactly after what it stored). False when the runner no longer owns the running job: the caller
    /// must then not commit.
    /// </summary>
    Task<bool> CheckpointJobAsync(Jobs.JobCheckpoint checkpoint, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Commits the transaction.</summary>
    Task CommitAsync(CancellationToken ct = default);
}

/// <summary>Thrown when a concurrent session wrote the same resource version or id first.</summary>
public sealed class WriteConflictException(string message, Exception? inner = null) : Exception(message, inner);
