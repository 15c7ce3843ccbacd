using Fhir.Search.Queries;

namespace Fhir.Storage;

/// <summary>How a version came to be; history entries report it as <c>request.method</c>.</summary>
public enum WriteMethod { Create, Update, Delete, Patch }

/// <summary>One stored version of a resource.</summary>
/// <param name="Type">The resource type, e.g. <c>Patient</c>.</param>
/// <param name="Id">The logical id.</param>
/// <param name="VersionId">The version number, from 1.</param>
/// <param name="LastUpdated">When this version was written (<c>meta.lastUpdated</c>).</param>
/// <param name="Method">How this version came to be.</param>
/// <param name="Json">The resource as canonical JSON (UTF-8) with its meta; empty for a delete tombstone.</param>
public sealed record ResourceVersion(
    string Type, string Id, int VersionId, DateTimeOffset LastUpdated, WriteMethod Method, ReadOnlyMemory<byte> Json)
{
    /// <summary>True for the tombstone a delete leaves.</summary>
    public bool IsDeleted => Method == WriteMethod.Delete;
}

/// <summary>A new version to store. <paramref name="Index"/> is ignored for deletes.</summary>
/// <param name="Type">The resource type.</param>
/// <param name="Id">The logical id.</param>
/// <param name="VersionId">The new version number, assigned by the caller (current + 1, or 1).</param>
/// <param name="LastUpdated">The new <c>meta.lastUpdated</c>.</param>
/// <param name="Method">How this version came to be.</param>
/// <param name="Json">The resource as canonical JSON (UTF-8); empty for a delete.</param>
/// <param name="Index">The search index values extracted from the resource.</param>
/// <param name="Patients">
/// The patients whose compartment this version is in (a Patient is in its own), for reads held to one patient
/// (<see cref="Access.ReadScope.Patient"/>). Ignored for deletes: a tombstone keeps the patients of the version it deletes.
/// </param>
public sealed record ResourceWrite(
    string Type, string Id, int VersionId, DateTimeOffset LastUpdated, WriteMethod Method,
    ReadOnlyMemory<byte> Json, IReadOnlyList<Fhir.Search.Indexing.IndexValue> Index, IReadOnlyList<string> Patients);

/// <summary>History of one instance (<paramref name="Type"/> and <paramref name="Id"/>), one type, or the system (both null).</summary>
/// <param name="Type">The resource type, or null for the whole system.</param>
/// <param name="Id">The logical id (with <paramref name="Type"/>), or null for the whole type.</param>
/// <param name="Since">Only versions whose <c>lastUpdated</c> is at or after this instant, when given.</param>
/// <param name="Count">Page size.</param>
/// <param name="Before">Keyset cursor from the previous page: only versions older than this.</param>
public sealed record HistoryQuery(string? Type, string? Id, DateTimeOffset? Since, int Count, long? Before = null)
{
    /// <summary>The most bytes of resource JSON the page may hold (at least one version is returned); null for no limit.</summary>
    public long? MaxBytes { get; init; }

    /// <summary>Bytes counted toward <see cref="MaxBytes"/> for each version besides its JSON (the Bundle entry around it).</summary>
    public int EntryOverheadBytes { get; init; }
}

/// <summary>One page of history, newest first.</summary>
/// <param name="Entries">The versions of this page, newest first.</param>
/// <param name="Next">The cursor for the next page, or null on the last page.</param>
public sealed record HistoryPage(IReadOnlyList<ResourceVersion> Entries, long? Next)
{
    /// <summary>True when <see cref="HistoryQuery.MaxBytes"/> ended the page before its count.</summary>
    public bool LimitedByBytes { get; init; }
}

/// <summary>One page of search results.</summary>
/// <param name="Resources">The current versions of the matching resources, in the query's order.</param>
/// <param name="Next">The cursor for the next page, or null on the last page.</param>
/// <param name="Total">The total number of matches when it was counted (<see cref="SearchQuery.Total"/>), else null.</param>
public sealed record SearchPage(IReadOnlyList<ResourceVersion> Resources, SearchCursor? Next, long? Total = null)
{
    /// <summary>The cursor for the previous page (a backward cursor), or null on the first page.</summary>
    public SearchCursor? Previous { get; init; }

    /// <summary>True when <see cref="SearchQuery.MaxBytes"/> ended the page before its count (then <see cref="Next"/> continues it).</summary>
    public bool LimitedByBytes { get; init; }

    /// <summary>
    /// The keyset position of each resource of <see cref="Resources"/>, in the same order: a forward cursor from any of
    /// them resumes right after it (a bulk read that stops midway, several searches merged in key order).
    /// </summary>
    public IReadOnlyList<SearchCursor> Positions { get; init; } = [];
}
