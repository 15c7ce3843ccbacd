using Fhir.Core.Outcomes;
using Fhir.Search.Queries;
using Fhir.Server.Http;
using Fhir.Storage;

namespace Fhir.Server.Pipeline;

/// <summary>
/// Evaluates the query of a conditional create, update, delete or reference inside a write session, over what the
/// session's access gate lets the request see (a match outside it is no match, and a query reaching a type the
/// request may not search is refused before it runs).
/// Sessions evaluating the same condition are serialised in the database (not in this process),
/// so that parallel identical conditional creates, from any number of server processes, make one resource.
/// </summary>
internal static class ConditionalMatch
{
    /// <summary>Ids of the resources of <paramref name="type"/> matching <paramref name="query"/> (at most two: enough to tell one from many).</summary>
    public static async Task<(IReadOnlyList<string> Ids, FhirResponse? Error)> FindAsync(
        WriteSession session, ServerContext context, string type, string query, CancellationToken ct)
    {
        // The same limits as a search: a condition is a search.
        var parsed = SearchQueryParser.Parse(type, QueryParameters.Parse(query), context.SearchParameters, context.ParseOptions(HandlingMode.Strict));
        if (parsed.Issues.Any(i => i.IsError))
        {
            return ([], FhirResponse.Error(400, parsed.Issues));
        }
        if (parsed.Query.Criteria.Count == 0)
        {
            return ([], FhirResponse.Error(412, IssueType.Invalid, $"The condition '{query}' has no search criteria; a conditional interaction needs at least one."));
        }
        await session.LockConditionAsync(type + "?" + parsed.CanonicalCriteria, ct);
        var ids = await session.SearchIdsAsync(parsed.Query, limit: 2, ct);
        return (ids, null);
    }

    public static FhirResponse MultipleMatches(string type, string query) =>
        FhirResponse.Error(412, IssueType.MultipleMatches, $"More than one {type} matches '{query}'; the condition must identify at most one.");
}
