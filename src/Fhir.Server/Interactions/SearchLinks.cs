using Fhir.Search.Queries;
using Fhir.Storage;

namespace Fhir.Server.Interactions;

/// <summary>
/// The paging links of a searchset Bundle (FHIR R4 Search §3.1.1.6 and Http §3.1.0.1.4): self, first, previous and
/// next, each the search's applied parameters plus an opaque <c>_cursor</c> (<see cref="SearchCursorCodec"/>).
/// </summary>
internal static class SearchLinks
{
    /// <summary>The links for <paramref name="page"/> of the search <paramref name="parsed"/> at <paramref name="searchUrl"/> (<c>[base]/[type]</c>).</summary>
    public static List<(string Relation, string Url)> For(string searchUrl, ParsedSearch parsed, SearchPage page)
    {
        var query = string.Join("&", parsed.SelfQuery.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        var first = searchUrl + (query.Length == 0 ? "" : "?" + query);
        var separator = query.Length == 0 ? "?" : "&";
        string At(SearchCursor cursor) => first + separator + "_cursor=" + SearchCursorCodec.Encode(cursor);

        var links = new List<(string, string)> { ("self", parsed.Query.After is { } after ? At(after) : first) };
        if (parsed.Query.After is not null)
        {
            links.Add(("first", first));
        }
        if (page.Previous is { } previous)
        {
            links.Add(("previous", At(previous)));
        }
        if (page.Next is { } next)
        {
            links.Add(("next", At(next)));
        }
        return links;
    }
}
