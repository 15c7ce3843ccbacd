using Fhir.Search.Queries;

namespace Fhir.Storage;

/// <summary>
/// The resource store: versioned resources, their history and their search index, behind one
/// interface with a SQLite and a PostgreSQL implementation. Reads go through a <see cref="Reader"/>
/// held to a scope; every write runs inside one <see cref="IWriteSession"/>, which is one database transaction.
/// </summary>
public interface IFhirStore : IAsyncDisposable, Jobs.IJobStore, IReindexStore, Security.ISingleUseStore, Security.ISharedCounterStore, Changes.IChangeLogStore
{
    /// <summary>Creates or migrates the schema. Safe to call from several processes at once.</summary>
    Task InitializeAsync(CancellationToken ct = default);

    /// <summary>
    /// A reader held to <paramref name="scope"/>: the only way to read stored data, so that every read states
    /// what it may see (<see cref="Access.ReadScope.Everything"/> for the server's own work).
    /// </summary>
    IResourceReader Reader(Access.ReadScope scope);

    /// <summary>
    /// About how many records the audit outbox holds that are not yet stored as AuditEvent resources (see
    /// <see cref="IWriteSession.TakeAuditAsync"/>): 0 when none, otherwise the span of their sequence numbers, which
    /// counts numbers that rolled-back appends used as well.
    /// </summary>
    Task<long> PendingAuditAsync(CancellationToken ct = default);

    /// <summary>
    /// Appends audit records in a transaction of their own, durable (as a commit) when this returns: the records of
    /// requests that write nothing. SQLite keeps them in a journal file of their own, so that they do not wait for the
    /// store's one writer; PostgreSQL appends them to the outbox. A write's record goes into its own transaction instead
    /// (<see cref="IWriteSession.AppendAuditAsync"/>).
    /// </summary>
    Task AppendAuditAsync(IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken ct = default);

    /// <summary>
    /// Gives back memory the store holds for bursts of writes (SQLite: the writer's page cache, up to 256 MB after a
    /// load). The server calls it every 30 s; a write after it reads the pages it needs again.
    /// </summary>
    Task TrimMemoryAsync(CancellationToken ct = default);

    /// <summary>
    /// Opens a write session: one database transaction in which the caller reads, checks
    /// conditions and writes. Nothing is visible to others before <see cref="IWriteSession.CommitAsync"/>.
    /// </summary>
    /// <param name="mayRollBack">
    /// The caller may end the session without committing after it has written (a transaction Bundle whose later entry
    /// fails): the store then keeps what it needs to undo this session alone. Any session may still roll back; without
    /// the flag, undoing its writes may cost the sessions that share its transaction a retry
    /// (<see cref="WriteConflictException"/>), which is cheaper than keeping every session undoable alone.
    /// </param>
    /// <param name="ct">Cancels the wait for the session.</param>
    Task<IWriteSession> BeginWriteAsync(bool mayRollBack = false, CancellationToken ct = default);
}
