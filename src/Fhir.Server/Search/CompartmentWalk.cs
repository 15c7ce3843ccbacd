using System.Globalization;
using Fhir.Search.Queries;
using Fhir.Storage;

namespace Fhir.Server.Search;

/// <summary>
/// Pages through every resource of a compartment, one resource type after another (each type has
/// its own compartment parameters and may have its own criteria). The cursor is
/// <c>typeIndex</c> or <c>typeIndex.key</c>: the type to go on with and the last key read in it.
/// </summary>
internal static class CompartmentWalk
{
    /// <summary>
    /// One page of at most <paramref name="count"/> resources and <paramref name="maxBytes"/> bytes of them (at least
    /// one resource), the cursor of the next page (null on the last), and whether the bytes ended the page.
    /// </summary>
    public static async Task<(List<ResourceVersion> Page, string? Next, bool LimitedByBytes)> PageAsync(
        IResourceReader reader, ServerContext context, string compartment, string id, IReadOnlyList<string> types,
        Func<string, IReadOnlyList<SearchCriterion>> criteria, int count, Cursor start, CancellationToken ct, long maxBytes = long.MaxValue, int entryOverhead = 0)
    {
        var page = new List<ResourceVersion>();
        long bytes = 0;
        for (var i = start.TypeIndex; i < types.Count; i++)
        {
            if (page.Count == count)
            {
                return (page, Cursor.Format(i, null), false);
            }
            var type = types[i];
            if (!reader.Scope.MaySearch(type))
            {
                continue; // the walk searches each type: the ones the reader may not search hold nothing for it
            }
            long? after = i == start.TypeIndex ? start.After : null;
            var query = new SearchQuery(type, criteria(type), count - page.Count, after is { } key ? new SearchCursor(key, []) : null)
            {
                Compartment = context.Compartments.Filter(compartment, id, type),
                MaxBytes = maxBytes - bytes,
                EntryOverheadBytes = entryOverhead,
            };
            var found = await reader.SearchAsync(query, ct);
            var resources = found.Resources;
            if (page.Count > 0 && resources.Count > 0 && bytes + resources[0].Json.Length + entryOverhead > maxBytes)
            {
                // The store returns at least one resource; on a page that already has some, it does not fit.
                return (page, Cursor.Format(i, after), true);
            }
            page.AddRange(resources);
            bytes += resources.Sum(r => (long)r.Json.Length + entryOverhead);
            if (found.Next is { } next)
            {
                return (page, Cursor.Format(i, next.Key), found.LimitedByBytes);
            }
        }
        return (page, null, false);
    }

    /// <summary>How many resources of the compartment match, over all <paramref name="types"/>.</summary>
    public static async Task<long> CountAsync(
        IResourceReader reader, ServerContext context, string compartment, string id, IReadOnlyList<string> types,
        Func<string, IReadOnlyList<SearchCriterion>> criteria, CancellationToken ct)
    {
        long total = 0;
        foreach (var type in types.Where(reader.Scope.MaySearch))
        {
            total += await reader.CountAsync(new SearchQuery(type, criteria(type)) { Compartment = context.Compartments.Filter(compartment, id, type) }, ct);
        }
        return total;
    }

    /// <summary>A position in the walk.</summary>
    /// <param name="TypeIndex">The type to go on with.</param>
    /// <param name="After">The last key read in that type, or null to start it.</param>
    internal readonly record struct Cursor(int TypeIndex, long? After)
    {
        public static string Format(int typeIndex, long? after) =>
            after is { } key ? $"{typeIndex.ToString(CultureInfo.InvariantCulture)}.{key.ToString(CultureInfo.InvariantCulture)}" : typeIndex.ToString(CultureInfo.InvariantCulture);

        public static bool TryParse(string? text, out Cursor cursor)
        {
            cursor = default;
            if (text is null)
            {
                return true;
            }
            var dot = text.IndexOf('.');
            var head = dot < 0 ? text : text[..dot];
            if (!int.TryParse(head, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                return false;
            }
            long? after = null;
            if (dot >= 0)
            {
                if (!long.TryParse(text[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var key))
                {
                    return false;
                }
                after = key;
            }
            cursor = new Cursor(index, after);
            return true;
        }
    }
}
