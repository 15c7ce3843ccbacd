using Fhir.Core.Outcomes;
using Fhir.Search.Parameters;
using Fhir.Search.Queries;
using Fhir.Storage;

namespace Fhir.Server.Search;

/// <summary>
/// Resolves <c>_include</c> and <c>_revinclude</c> for a page of matches (FHIR R4 Search §3.1.1.5.4):
/// every step applies to the matches; <c>:iterate</c> steps apply again to what the previous round
/// added, until a round adds nothing. Each resource appears once (matches are never repeated as
/// includes), so cycles end; at most <see cref="FhirServerOptions.MaxIncludedResources"/> are added, and no more bytes
/// of them than the response has left.
/// </summary>
internal static class IncludeResolver
{
    /// <summary>The included resources, in the order found, and a warning when the limit cut them short.</summary>
    /// <param name="reader">The request's reads (its access gate): only what it may read is included.</param>
    /// <param name="matches">The page's matches.</param>
    /// <param name="specs">The <c>_include</c>/<c>_revinclude</c> steps.</param>
    /// <param name="context">The server.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="maxBytes">The most bytes of included resources (and their entries) the response has room for.</param>
    /// <param name="entryOverhead">The bytes of a Bundle entry around each resource.</param>
    public static async Task<(IReadOnlyList<ResourceVersion> Included, Issue? Truncated)> ResolveAsync(
        IResourceReader reader, IReadOnlyList<ResourceVersion> matches, IReadOnlyList<IncludeSpec> specs, ServerContext context, CancellationToken ct,
        long maxBytes = long.MaxValue, int entryOverhead = 0)
    {
        if (specs.Count == 0 || matches.Count == 0)
        {
            return ([], null);
        }
        var max = context.Options.MaxIncludedResources;
        var seen = new HashSet<ResourceRef>();
        foreach (var match in matches)
        {
            seen.Add(new(match.Type, match.Id));
        }
        var included = new List<ResourceVersion>();
        long bytes = 0;
        IReadOnlyList<ResourceRef> frontier = [.. seen];
        var firstRound = true;
        while (frontier.Count > 0)
        {
            var added = new List<ResourceRef>();
            foreach (var spec in specs)
            {
                if (!firstRound && !spec.Iterate)
                {
                    continue;
                }
                foreach (var request in Requests(spec, frontier, context.SearchParameters, max - included.Count + 1))
                {
                    // The store stops reading a little past the room left (one resource more shows that there is more).
                    var room = maxBytes - bytes;
                    foreach (var resource in await reader.IncludeAsync(request with { MaxBytes = room < long.MaxValue ? Math.Max(1, room + 1) : null }, ct))
                    {
                        var key = new ResourceRef(resource.Type, resource.Id);
                        if (!seen.Add(key))
                        {
                            continue;
                        }
                        if (included.Count == max)
                        {
                            return (included, Issue.Warning(IssueType.TooCostly,
                                $"Only the first {max} included resources are returned: the _include and _revinclude parameters reach more.", "_include"));
                        }
                        if (bytes + resource.Json.Length + entryOverhead > maxBytes)
                        {
                            return (included, Http.ResponseLimits.IncludesCut(context.Options.MaxResponseBytes));
                        }
                        bytes += resource.Json.Length + entryOverhead;
                        included.Add(resource);
                        added.Add(key);
                    }
                }
            }
            frontier = added;
            firstRound = false;
        }
        return (included, null);
    }

    private static IEnumerable<IncludeRequest> Requests(IncludeSpec spec, IReadOnlyList<ResourceRef> from, SearchParameterRegistry registry, int limit)
    {
        if (spec.Direction == IncludeDirection.Include)
        {
            // _include=* follows every reference of each resource, whatever its type.
            var types = spec.SourceType is { } t ? [t] : from.Select(r => r.Type).Distinct(StringComparer.Ordinal);
            foreach (var type in types)
            {
                yield return new IncludeRequest(IncludeDirection.Include, from, type, spec.Codes, spec.TargetType, limit);
            }
            yield break;
        }
        var targets = spec.TargetType is { } target ? [.. from.Where(r => r.Type == target)] : from;
        if (targets.Count == 0)
        {
            yield break;
        }
        // Name the reference parameters, so that the store can use its (code, target) index.
        var codes = spec.Codes ?? ReferenceCodes(registry, spec.SourceType);
        yield return new IncludeRequest(IncludeDirection.RevInclude, targets, spec.SourceType, codes, null, limit);
    }

    private static List<string> ReferenceCodes(SearchParameterRegistry registry, string? sourceType) =>
        [.. (sourceType is null ? registry.All : registry.ForType(sourceType))
            .Where(p => p.Type == SearchParamType.Reference && p.IsSupported)
            .Select(p => p.Code)
            .Distinct(StringComparer.Ordinal)];
}
