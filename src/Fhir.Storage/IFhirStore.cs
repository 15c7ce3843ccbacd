using Fhir.Search.Queries;

namespace Fhir.Storage;

/// <summary>
/// The resource store: versioned resources, their history and their search index, behind one
/// interface with a SQLite and a PostgreSQL implementation. Reads run outside transactions;
/// every write runs inside one <see cref="IWriteSession"/>, which is one database transaction.
/// </summary>
public interface IFhirStore : IAsyncDisposable, Jobs.IJobStore, IReindexStore, Security.ISingleUseStore
{
    /// <summary>Creates or migrates the schema. Safe to call from several processes at once.</summary>
    Task InitializeAsync(CancellationToken ct = default);

    /// <summary>The current version of a resource (a tombstone when deleted), or null when it never existed.</summary>
    Task<ResourceVersion?> ReadAsync(string type, string id, CancellationToken ct = default);

    /// <summary>One version of a resource, or null when that version does not exist.</summary>
    Task<ResourceVersion?> ReadVersionAsync(string type, string id, int versionId, CancellationToken ct = default);

    /// <summary>History of one resource, one type or the whole system, newest first.</summary>
    Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct = default);

    /// <summary>Current, non-deleted resources that match the query, in surrogate-key order.</summary>
    Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken ct = default);

    /// <summary>The number of current, non-deleted resources that match the query's criteria (its page and cursor are ignored).</summary>
    Task<long> CountAsync(SearchQuery query, CancellationToken ct = default);

    /// <summary>
    /// The current, non-deleted resources that the given resources reference (<c>_include</c>) or that
    /// reference them (<c>_revinclude</c>), found through the reference index, in surrogate-key order,
    /// each once, at most <see cref="IncludeRequest.Limit"/>.
    /// </summary>
    Task<IReadOnlyList<ResourceVersion>> IncludeAsync(IncludeRequest request, CancellationToken ct = default);

    /// <summary>
    /// Opens a write session: one database transaction in which the caller reads, checks
    /// conditions and writes. Nothing is visible to others before <see cref="IWriteSession.CommitAsync"/>.
    /// </summary>
    Task<IWriteSession> BeginWriteAsync(CancellationToken ct = default);
}
