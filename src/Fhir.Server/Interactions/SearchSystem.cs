using Fhir.Search.Queries;
using Fhir.Server.Http;
using Fhir.Server.Security;

namespace Fhir.Server.Interactions;

/// <summary>
/// search-system: <c>GET [base]?params</c> and <c>POST [base]/_search</c> across resource types, narrowed by
/// <c>_type</c> (FHIR R4 Search §3.1.1.1 and §3.1.1.5.12). Without <c>_type</c> only the parameters of every
/// resource apply; with it, those every listed type defines. Results, paging and <c>_summary=count</c> are those of
/// <see cref="SearchType"/>.
/// </summary>
internal static class SearchSystem
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, CancellationToken ct)
    {
        var (results, criteria, resultIssues, options) = SearchType.Begin(request, context);
        var parsed = SearchQueryParser.ParseSystem(criteria, context.SearchParameters, options);
        var query = parsed.Query;
        if (query.ResourceType is null && query.ResourceTypes is null)
        {
            // Without _type the search covers only the types the grant may search (AccessGate checked the listed ones).
            var (readable, denied) = AccessGate.SystemSearchTypes(request.Access, context.Definitions.ResourceTypeNames);
            if (denied is not null)
            {
                return denied;
            }
            query = query with { ResourceTypes = readable };
        }
        return await SearchType.AnswerAsync(request, context, request.BaseUrl, parsed, query, results, resultIssues, ct);
    }
}
