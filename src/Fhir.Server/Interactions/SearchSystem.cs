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
        // Without _type the search covers the types the gate lets the request search (the store applies its scope).
        if (parsed.Query.ResourceType is null && parsed.Query.ResourceTypes is null && request.Gate.Scope.SearchTypes is { Count: 0 })
        {
            return InteractionAccess.Forbidden(request.Access, "any resource type", Permissions.Search);
        }
        return await SearchType.AnswerAsync(request, context, request.BaseUrl, parsed, parsed.Query, results, resultIssues, ct);
    }
}
