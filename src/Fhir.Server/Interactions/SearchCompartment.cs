using Fhir.Core.Outcomes;
using Fhir.Search.Queries;
using Fhir.Server.Bundles;
using Fhir.Server.Http;
using Fhir.Server.Search;

namespace Fhir.Server.Interactions;

/// <summary>
/// search-compartment: <c>GET [base]/[Compartment]/[id]/[type]?params</c> and <c>.../*</c> — a search
/// restricted to the resources in one compartment, as the R4 CompartmentDefinitions define it: a
/// resource is in it when one of its type's compartment parameters refers to the focal resource
/// (FHIR R4 RESTful API §3.1.0.1.7, Compartments §1.1.8).
/// </summary>
internal static class SearchCompartment
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, string target, CancellationToken ct)
    {
        var compartment = request.ResourceType!;
        var id = request.Id!;
        if (!context.Compartments.IsCompartment(compartment))
        {
            return FhirResponse.Error(404, IssueType.NotSupported, $"{compartment} has no compartment; the compartments are {string.Join(", ", context.Compartments.CompartmentTypes)}.");
        }
        // Held to one patient, the focal resource must be one the request may see: another patient's compartment
        // (or one whose focal resource is gone or never was) is no more there than the patient is.
        if (request.Gate.ConfinedTo(compartment) is not null && await request.Reader.ReadAsync(compartment, id, ct) is null)
        {
            return FhirResponse.NotFound(compartment, id);
        }
        var url = $"{request.BaseUrl}/{compartment}/{id}/{target}";
        if (target != "*")
        {
            if (!context.Definitions.IsResourceType(target))
            {
                return FhirResponse.Error(404, IssueType.NotSupported, $"'{target}' is not a resource type of FHIR R4.");
            }
            if (context.Compartments.Filter(compartment, id, target) is not { } filter)
            {
                return FhirResponse.Error(400, IssueType.NotSupported, $"{target} resources are never in the {compartment} compartment.");
            }
            return await SearchType.HandleAsync(request with { ResourceType = target }, context, ct, new SearchScope(url, filter));
        }
        return await SearchAllTypesAsync(request, context, compartment, id, url, ct);
    }

    // [Compartment]/[id]/*: every type of the compartment, one after another; only the parameters
    // every resource has (_id, _lastUpdated...) apply.
    private static async Task<FhirResponse> SearchAllTypesAsync(FhirRequest request, ServerContext context, string compartment, string id, string url, CancellationToken ct)
    {
        var handling = request.Conditions.Handling == HandlingPreference.Strict ? HandlingMode.Strict : HandlingMode.Lenient;
        var issues = new List<Issue>();
        var results = ResultParameters.Split(request.Query, context.SearchParameters, context.Definitions, handling, issues, out var rest);
        var cursorText = rest.Where(p => p.Key == "_cursor").Select(p => p.Value).LastOrDefault();
        var parsed = SearchQueryParser.Parse("Resource", [.. rest.Where(p => p.Key != "_cursor")], context.SearchParameters, context.ParseOptions(handling));
        issues.AddRange(parsed.Issues);
        if (!CompartmentWalk.Cursor.TryParse(cursorText, out var cursor))
        {
            issues.Add(Issue.Error(IssueType.Invalid, $"'{cursorText}' is not a valid paging cursor.", "_cursor"));
        }
        if (issues.Any(i => i.IsError))
        {
            return FhirResponse.Error(400, issues);
        }
        var types = context.Compartments.ResourceTypes(compartment);
        var criteria = parsed.Query.Criteria;
        var applied = parsed.SelfQuery.Concat(results.Self).ToList();
        if (results.Summary == SummaryChoice.Count)
        {
            var total = await CompartmentWalk.CountAsync(request.Reader, context, compartment, id, types, _ => criteria, ct);
            return CountBundle(request, total, Link(url, applied, null), issues);
        }
        var limit = request.MaxResponseBytes;
        var (page, next, limited) = await CompartmentWalk.PageAsync(request.Reader, context, compartment, id, types, _ => criteria, parsed.Query.Count, cursor, ct,
            ResponseLimits.ForResources(limit, url, request.Query), ResponseLimits.EntryOverhead(request.BaseUrl));
        if (limited)
        {
            issues.Add(ResponseLimits.PageCut(page.Count, parsed.Query.Count, limit));
        }
        var links = new List<(string, string)> { ("self", Link(url, applied, cursorText)) };
        if (next is not null)
        {
            links.Add(("next", Link(url, applied, next)));
        }
        using var bundle = new BundleWriter("searchset", request.BaseUrl, null, links, ResponseLimits.SizeHint(page, request.BaseUrl));
        await SearchEntries.AddAsync(bundle, page, results, issues, context, ct, request);
        return bundle.Length > limit ? ResponseLimits.TooLarge(bundle.Length, limit) : new FhirResponse(200) { Body = bundle.Finish() };
    }

    private static FhirResponse CountBundle(FhirRequest request, long total, string self, List<Issue> issues)
    {
        using var bundle = new BundleWriter("searchset", request.BaseUrl, total, [("self", self)]);
        var warnings = issues.Where(i => !i.IsError).ToList();
        if (warnings.Count > 0)
        {
            bundle.AddOutcomeEntry(warnings);
        }
        return new FhirResponse(200) { Body = bundle.Finish() };
    }

    /// <summary>A link to <paramref name="url"/> with the applied parameters and a walk cursor.</summary>
    internal static string Link(string url, IEnumerable<KeyValuePair<string, string>> applied, string? cursor)
    {
        var query = string.Join("&", applied.Concat(cursor is null ? [] : [new KeyValuePair<string, string>("_cursor", cursor)])
            .Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return query.Length == 0 ? url : url + "?" + query;
    }
}
