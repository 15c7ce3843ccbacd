using Fhir.Core.Outcomes;
using Fhir.Search.Queries;
using Fhir.Server.Bundles;
using Fhir.Server.Http;

namespace Fhir.Server.Search;

/// <summary><c>_summary=count</c>: a searchset Bundle with only <c>total</c> (and an outcome entry for warnings).</summary>
internal static class SearchCount
{
    public static async Task<FhirResponse> HandleAsync(
        FhirRequest request, string searchUrl, SearchQuery query, IEnumerable<KeyValuePair<string, string>> applied,
        IEnumerable<Issue> issues, ServerContext context, CancellationToken ct)
    {
        var total = await request.Reader.CountAsync(query, ct);
        var selfQuery = string.Join("&", applied.Where(p => p.Key != "_count").Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        var self = searchUrl + (selfQuery.Length == 0 ? "" : (searchUrl.Contains('?') ? "&" : "?") + selfQuery);
        using var bundle = new BundleWriter("searchset", request.BaseUrl, total, [("self", self)]);
        var warnings = issues.Where(i => !i.IsError).ToList();
        if (warnings.Count > 0)
        {
            bundle.AddOutcomeEntry(warnings);
        }
        return new FhirResponse(200) { Body = bundle.Finish() };
    }
}
