using Fhir.Storage.Access;

namespace Fhir.Storage.Sql;

// What a search returns beyond its page of matches: included resources and counts.
internal abstract partial class SqlFhirStore
{
  private sealed partial class ScopedReader
  {
    public async Task<long> CountAsync(Fhir.Search.Queries.SearchQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ScopeCheck.Search(query, scope);
        var lease = await store.LeaseForSearchAsync(ct);
        await using (lease)
        {
            var p = new SqlParams { ReusesValues = true };
            // The criteria only: no sort, no cursor, no page.
            var cmd = lease.Command(SearchSqlBuilder.Count(query, scope, lease.Dialect, p, await SearchPlanner.PlanAsync(lease, query, scope, page: false, ct)));
            p.BindTo(cmd);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public async Task<IReadOnlyList<ResourceVersion>> IncludeAsync(IncludeRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Limit <= 0 || request.Resources.Count == 0) return [];
        if (request.Direction == IncludeDirection.Include && request.SourceType is null)
        {
            throw new ArgumentException("An include needs the type of the referencing resources.", nameof(request));
        }

        // Large inputs go in several statements; a resource reached from two of them is kept once.
        var found = new SortedDictionary<long, ResourceVersion>();
        long bytes = 0;
        var lease = await store.LeaseForSearchAsync(ct);
        await using (lease)
        {
            foreach (var chunk in Chunks(request))
            {
                if (bytes >= request.MaxBytes) break;
                var p = new SqlParams();
                var sql = request.Direction == IncludeDirection.Include
                    ? IncludeSql.Include(request, chunk.SelectMany(g => g.Ids).ToList(), request.Limit, scope, store.Dialect, p)
                    : IncludeSql.RevInclude(request, chunk, request.Limit, scope, p);
                var cmd = lease.Command(sql);
                p.BindTo(cmd);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var key = reader.GetInt64(0);
                    if (found.ContainsKey(key)) continue;
                    found[key] = StoreQueries.ReadVersion(lease.Dialect, reader);
                    bytes += StoreQueries.JsonLength(reader);
                    // Enough bytes read: what a response can hold is bounded, whatever the number of resources.
                    if (bytes >= request.MaxBytes) break;
                }
            }
        }
        return [.. found.Values.Take(request.Limit)];
    }
  }

    // The request's resources grouped by type (only the source type for an include), in statements
    // of at most IncludeSql.MaxIdsPerStatement ids.
    private static IEnumerable<List<(string Type, List<string> Ids)>> Chunks(IncludeRequest request)
    {
        var chunk = new List<(string Type, List<string> Ids)>();
        var size = 0;
        var seen = new HashSet<ResourceRef>();
        foreach (var group in request.Resources.GroupBy(r => r.Type, StringComparer.Ordinal))
        {
            if (request.Direction == IncludeDirection.Include && group.Key != request.SourceType) continue;
            List<string>? ids = null;
            foreach (var resource in group)
            {
                if (!seen.Add(resource)) continue;
                if (ids is null)
                {
                    ids = [];
                    chunk.Add((group.Key, ids));
                }
                ids.Add(resource.Id);
                if (++size == IncludeSql.MaxIdsPerStatement)
                {
                    yield return chunk;
                    chunk = [];
                    ids = null;
                    size = 0;
                }
            }
        }
        if (size > 0) yield return chunk;
    }
}
