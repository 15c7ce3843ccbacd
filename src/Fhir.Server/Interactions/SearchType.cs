using Fhir.Core.Outcomes;
using Fhir.Search.Queries;
using Fhir.Server.Bundles;
using Fhir.Server.Http;

namespace Fhir.Server.Interactions;

/// <summary>
/// search-type: <c>GET [base]/[type]?params</c> and <c>POST [base]/[type]/_search</c>; a searchset Bundle
/// with keyset paging links (FHIR R4 Search §3.1.1).
/// </summary>
internal static class SearchType
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, CancellationToken ct)
    {
        var type = request.ResourceType!;
        var handling = request.Conditions.Handling == HandlingPreference.Strict ? HandlingMode.Strict : HandlingMode.Lenient;
        var options = new SearchParseOptions
        {
            Handling = handling,
            DefaultCount = context.Options.DefaultPageSize,
            MaxCount = context.Options.MaxPageSize,
            BaseUrl = request.BaseUrl,
        };
        var parsed = SearchQueryParser.Parse(type, request.Query, context.SearchParameters, options);
        if (parsed.Issues.Any(i => i.IsError))
        {
            return FhirResponse.Error(400, parsed.Issues);
        }
        var page = await context.Store.SearchAsync(parsed.Query, ct);
        var links = SearchLinks.For($"{request.BaseUrl}/{type}", parsed, page);
        using var bundle = new BundleWriter("searchset", request.BaseUrl, page.Total, links);
        foreach (var resource in page.Resources)
        {
            bundle.AddSearchEntry(resource);
        }
        var warnings = parsed.Issues.Where(i => !i.IsError).ToList();
        if (warnings.Count > 0)
        {
            bundle.AddOutcomeEntry(warnings);
        }
        return new FhirResponse(200) { Body = bundle.ToArray() };
    }
}
