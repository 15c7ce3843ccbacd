using Fhir.Search.Queries;

namespace Fhir.Storage;

/// <summary>
/// The reads of stored data, all under one <see cref="Access.ReadScope"/> (see <see cref="IFhirStore.Reader"/>):
/// what the scope does not allow is, to this reader, not there. Reads run outside transactions.
/// </summary>
public interface IResourceReader
{
    /// <summary>The scope every read of this reader is held to.</summary>
    Access.ReadScope Scope { get; }

    /// <summary>The current version of a resource (a tombstone when deleted), or null when it never existed or is outside the scope.</summary>
    Task<ResourceVersion?> ReadAsync(string type, string id, CancellationToken ct = default);

    /// <summary>One version of a resource, or null when that version does not exist or is outside the scope.</summary>
    Task<ResourceVersion?> ReadVersionAsync(string type, string id, int versionId, CancellationToken ct = default);

    /// <summary>History of one resource, one type or the whole system, newest first: only the versions in scope.</summary>
    Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct = default);

    /// <summary>Current, non-deleted resources in scope that match the query, in surrogate-key order.</summary>
    /// <exception cref="Access.ScopeViolationException">The query runs on or traverses a type the scope may not search.</exception>
    Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken ct = default);

    /// <summary>The number of current, non-deleted resources in scope that match the query's criteria (its page and cursor are ignored).</summary>
    /// <exception cref="Access.ScopeViolationException">The query runs on or traverses a type the scope may not search.</exception>
    Task<long> CountAsync(SearchQuery query, CancellationToken ct = default);

    /// <summary>
    /// The current, non-deleted resources in scope that the given resources reference (<c>_include</c>) or that
    /// reference them (<c>_revinclude</c>), found through the reference index, in surrogate-key order,
    /// each once, at most <see cref="IncludeRequest.Limit"/>.
    /// </summary>
    Task<IReadOnlyList<ResourceVersion>> IncludeAsync(IncludeRequest request, CancellationToken ct = default);
}
