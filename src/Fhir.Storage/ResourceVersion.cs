namespace Fhir.Storage;

/// <summary>How a version came to be; history entries report it as <c>request.method</c>.</summary>
public enum WriteMethod { Create, Update, Delete, Patch }

/// <summary>One stored version of a resource.</summary>
/// <param name="Json">The resource as canonical JSON (UTF-8) with its meta; empty for a delete tombstone.</param>
public sealed record ResourceVersion(
    string Type, string Id, int VersionId, DateTimeOffset LastUpdated, WriteMethod Method, ReadOnlyMemory<byte> Json)
{
    /// <summary>True for the tombstone a delete leaves.</summary>
    public bool IsDeleted => Method == WriteMethod.Delete;
}

/// <summary>A new version to store. <paramref name="Index"/> is ignored for deletes.</summary>
public sealed record ResourceWrite(
    string Type, string Id, int VersionId, DateTimeOffset LastUpdated, WriteMethod Method,
    ReadOnlyMemory<byte> Json, IReadOnlyList<Fhir.Search.Indexing.IndexValue> Index);

/// <summary>History of one instance (<paramref name="Type"/> and <paramref name="Id"/>), one type, or the system (both null).</summary>
/// <param name="Before">Keyset cursor from the previous page: only versions older than this.</param>
public sealed record HistoryQuery(string? Type, string? Id, DateTimeOffset? Since, int Count, long? Before = null);

/// <summary>One page of history, newest first.</summary>
/// <param name="Next">The cursor for the next page, or null on the last page.</param>
public sealed record HistoryPage(IReadOnlyList<ResourceVersion> Entries, long? Next);

/// <summary>One page of search results.</summary>
/// <param name="Next">The cursor for the next page, or null on the last page.</param>
public sealed record SearchPage(IReadOnlyList<ResourceVersion> Resources, long? Next, long? Total = null);
