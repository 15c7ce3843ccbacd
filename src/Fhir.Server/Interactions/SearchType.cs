using Fhir.Core.Outcomes;
using Fhir.Search.Queries;
using Fhir.Server.Bundles;
using Fhir.Server.Http;
using Fhir.Server.Search;

namespace Fhir.Server.Interactions;

/// <summary>
/// search-type: <c>GET [base]/[type]?params</c> and <c>POST [base]/[type]/_search</c>; a searchset Bundle
/// with keyset paging links (FHIR R4 Search §3.1.1).
/// </summary>
internal static class SearchType
{
    /// <param name="request">The search request.</param>
    /// <param name="context">The server.</param>
    /// <param name="ct">Cancellation.</param>
    /// <param name="scope">A compartment to search in (<c>Patient/123/Observation</c>), or null for the whole type.</param>
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, CancellationToken ct, SearchScope? scope = null)
    {
        var type = request.ResourceType!;
        var (results, criteria, resultIssues, options) = Begin(request, context);
        var parsed = SearchQueryParser.Parse(type, criteria, context.SearchParameters, options);
        // What the request may see is the gate's to apply (request.Reader), on top of the compartment asked for.
        var query = scope is null ? parsed.Query : parsed.Query with { Compartment = scope.Compartment };
        return await AnswerAsync(request, context, scope?.Url ?? $"{request.BaseUrl}/{type}", parsed, query, results, resultIssues, ct);
    }

    /// <summary>
    /// The start every search shares: the handling mode from <c>Prefer</c>, the result parameters taken out of the
    /// query (<see cref="ResultParameters"/>), and the parser's options.
    /// </summary>
    internal static (ResultParameters Results, IReadOnlyList<KeyValuePair<string, string>> Criteria, List<Issue> Issues, SearchParseOptions Options) Begin(
        FhirRequest request, ServerContext context)
    {
        var handling = request.Conditions.Handling == HandlingPreference.Strict ? HandlingMode.Strict : HandlingMode.Lenient;
        var issues = new List<Issue>();
        var results = ResultParameters.Split(request.Query, context.SearchParameters, context.Definitions, handling, issues, out var criteria);
        var options = context.ParseOptions(handling) with
        {
            BaseUrl = request.BaseUrl,
            CodeSets = context.CodeSets,
        };
        return (results, criteria, issues, options);
    }

    /// <summary>
    /// Runs <paramref name="query"/> (the parsed query, possibly narrowed for access) and answers with a searchset
    /// Bundle, a <c>_summary=count</c> Bundle, or 400 when the parameters held errors.
    /// </summary>
    internal static async Task<FhirResponse> AnswerAsync(
        FhirRequest request, ServerContext context, string searchUrl, ParsedSearch parsed, SearchQuery query,
        ResultParameters results, IEnumerable<Issue> resultIssues, CancellationToken ct)
    {
        var issues = resultIssues.Concat(parsed.Issues).ToList();
        if (issues.Any(i => i.IsError))
        {
            return FhirResponse.Error(400, issues);
        }
        if (results.Summary == SummaryChoice.Count)
        {
            return await SearchCount.HandleAsync(request, searchUrl, query, parsed.SelfQuery.Concat(results.Self), issues, context, ct);
        }
        // The page stops at the response size limit: it may hold fewer than _count, and its next link goes on after it.
        var limit = request.MaxResponseBytes;
        var page = await request.Reader.SearchAsync(query with
        {
            MaxBytes = ResponseLimits.ForResources(limit, searchUrl, request.Query),
            EntryOverheadBytes = ResponseLimits.EntryOverhead(request.BaseUrl),
        }, ct);
        if (page.LimitedByBytes)
        {
            issues.Add(ResponseLimits.PageCut(page.Resources.Count, query.Count, limit));
        }
        var links = SearchLinks.For(searchUrl, parsed with { SelfQuery = [.. parsed.SelfQuery, .. results.Self] }, page);
        using var bundle = new BundleWriter("searchset", request.BaseUrl, page.Total, links, ResponseLimits.SizeHint(page.Resources, request.BaseUrl));
        await SearchEntries.AddAsync(bundle, page.Resources, results, issues, context, ct, request);
        return bundle.Length > limit ? ResponseLimits.TooLarge(bundle.Length, limit) : new FhirResponse(200) { Body = bundle.Finish() };
    }
}
