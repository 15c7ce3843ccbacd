using System.Runtime.CompilerServices;
using Fhir.Search.Queries;
using Fhir.Storage;

namespace Fhir.Server.Bulk;

/// <summary>
/// Reads every match of one or more searches on one resource type, page by page, in key order, each resource once: the
/// reads of a Bulk Data export (several <c>_typeFilter</c> queries are alternatives, merged on the key) and of a view
/// run. The next page is read while the caller consumes the current one, and only those two are in memory. Every read
/// goes through the reader it is given (a request's or a job's access gate).
/// </summary>
internal static class ResourceStream
{
    /// <summary>The matches of <paramref name="queries"/> (all on one type, unsorted) with keys above <paramref name="after"/>, with their keys.</summary>
    public static IAsyncEnumerable<(ResourceVersion Resource, long Key)> ReadAsync(
        IResourceReader reader, IReadOnlyList<SearchQuery> queries, long after, int pageSize, CancellationToken ct) =>
        queries.Count == 1 ? ReadOneAsync(reader, queries[0], after, pageSize, ct) : MergeAsync(reader, queries, after, pageSize, ct);

    private static async IAsyncEnumerable<(ResourceVersion Resource, long Key)> ReadOneAsync(
        IResourceReader reader, SearchQuery query, long after, int pageSize, [EnumeratorCancellation] CancellationToken ct)
    {
        var cursor = after > 0 ? new SearchCursor(after, []) : null;
        Task<SearchPage>? next = reader.SearchAsync(query with { Count = pageSize, After = cursor, Total = TotalMode.None }, ct);
        try
        {
            while (next is not null)
            {
                var page = await next;
                next = page.Next is { } more ? reader.SearchAsync(query with { Count = pageSize, After = more, Total = TotalMode.None }, ct) : null;
                for (var i = 0; i < page.Resources.Count; i++)
                {
                    yield return (page.Resources[i], page.Positions[i].Key);
                }
            }
        }
        finally
        {
            // A consumer that stops early leaves the read ahead running: let it end before the reader goes.
            if (next is not null)
            {
                await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private static async IAsyncEnumerable<(ResourceVersion Resource, long Key)> MergeAsync(
        IResourceReader reader, IReadOnlyList<SearchQuery> queries, long after, int pageSize, [EnumeratorCancellation] CancellationToken ct)
    {
        var streams = queries.Select(q => ReadOneAsync(reader, q, after, pageSize, ct).GetAsyncEnumerator(ct)).ToList();
        var live = new List<IAsyncEnumerator<(ResourceVersion Resource, long Key)>>(streams.Count);
        try
        {
            foreach (var stream in streams)
            {
                if (await stream.MoveNextAsync())
                {
                    live.Add(stream);
                }
            }
            while (live.Count > 0)
            {
                var least = live[0].Current;
                foreach (var stream in live)
                {
                    if (stream.Current.Key < least.Key)
                    {
                        least = stream.Current;
                    }
                }
                yield return least;
                // Every search that found the same resource moves past it: it goes out once.
                for (var i = live.Count - 1; i >= 0; i--)
                {
                    if (live[i].Current.Key == least.Key && !await live[i].MoveNextAsync())
                    {
                        live.RemoveAt(i);
                    }
                }
            }
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }
}
