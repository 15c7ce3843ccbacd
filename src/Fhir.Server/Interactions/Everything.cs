using Fhir.Core.Outcomes;
using Fhir.Search.Parameters;
using Fhir.Search.Queries;
using Fhir.Server.Bundles;
using Fhir.Server.Http;
using Fhir.Server.Search;
using Fhir.Storage;

namespace Fhir.Server.Interactions;

/// <summary>
/// <c>GET [base]/Patient/[id]/$everything</c> (and the other compartments' focal types): the focal
/// resource, everything in its compartment, and the resources those reference (practitioners,
/// organizations, medications...), paged (FHIR R4 Patient §8.1.17.1, operation-patient-everything).
/// Parameters: <c>start</c>/<c>end</c> (care dates: the <c>date</c> parameter of the types that have
/// one), <c>_since</c> (<c>meta.lastUpdated</c>), <c>_type</c> and <c>_count</c>.
/// </summary>
internal static class Everything
{
    private static readonly IncludeSpec ReferencedResources = new(IncludeDirection.Include, null, null, null, Iterate: false);

    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, CancellationToken ct)
    {
        var compartment = request.ResourceType!;
        var id = request.Id!;
        if (!context.Compartments.IsCompartment(compartment))
        {
            return FhirResponse.Error(404, IssueType.NotSupported, $"$everything is defined on the compartment types ({string.Join(", ", context.Compartments.CompartmentTypes)}), not on {compartment}.");
        }
        var focal = await request.Reader.ReadAsync(compartment, id, ct);
        if (focal is null)
        {
            return FhirResponse.NotFound(compartment, id);
        }
        if (focal.IsDeleted)
        {
            return FhirResponse.Gone(compartment, id, focal);
        }

        var issues = new List<Issue>();
        var handling = request.Conditions.Handling == HandlingPreference.Strict ? HandlingMode.Strict : HandlingMode.Lenient;
        var types = context.Compartments.ResourceTypes(compartment);
        var count = context.Options.DefaultPageSize;
        var filters = new List<KeyValuePair<string, string>>();
        var applied = new List<KeyValuePair<string, string>>();
        string? cursorText = null;
        foreach (var (name, value) in request.Query)
        {
            switch (name)
            {
                case "start" or "end":
                    if (!IsDate(value, context))
                    {
                        issues.Add(Issue.Error(IssueType.Invalid, $"'{value}' is not a valid date for '{name}'.", name));
                    }
                    filters.Add(new("date", (name == "start" ? "ge" : "le") + value));
                    applied.Add(new(name, value));
                    break;
                case "_since":
                    if (value.Length < 20 || !IsDate(value, context))
                    {
                        issues.Add(Issue.Error(IssueType.Invalid, $"_since must be an instant (e.g. 2024-01-01T00:00:00Z), not '{value}'.", name));
                    }
                    filters.Add(new("_lastUpdated", "ge" + value));
                    applied.Add(new(name, value));
                    break;
                case "_type":
                    var wanted = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    foreach (var type in wanted.Where(t => !types.Contains(t)))
                    {
                        issues.Add(Issue.Error(IssueType.Invalid, $"'{type}' resources are never in the {compartment} compartment.", name));
                    }
                    types = [.. types.Where(wanted.Contains)];
                    applied.Add(new(name, value));
                    break;
                case "_count":
                    if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count) || count < 1)
                    {
                        issues.Add(Issue.Error(IssueType.Invalid, $"_count must be a positive integer, not '{value}'.", name));
                    }
                    count = Math.Min(count, context.Options.MaxPageSize);
                    applied.Add(new(name, count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    break;
                case "_cursor":
                    cursorText = value;
                    break;
                case "_format" or "_pretty":
                    break;
                default:
                    var message = $"The parameter '{name}' was {(handling == HandlingMode.Strict ? "rejected" : "ignored")}: $everything takes start, end, _since, _type and _count.";
                    issues.Add(handling == HandlingMode.Strict ? Issue.Error(IssueType.NotSupported, message, name) : Issue.Warning(IssueType.NotSupported, message, name));
                    break;
            }
        }
        if (!CompartmentWalk.Cursor.TryParse(cursorText, out var cursor))
        {
            issues.Add(Issue.Error(IssueType.Invalid, $"'{cursorText}' is not a valid paging cursor.", "_cursor"));
        }
        if (issues.Any(i => i.IsError))
        {
            return FhirResponse.Error(400, issues);
        }

        var criteria = new Dictionary<string, IReadOnlyList<SearchCriterion>>(StringComparer.Ordinal);
        IReadOnlyList<SearchCriterion> CriteriaOf(string type)
        {
            if (!criteria.TryGetValue(type, out var list))
            {
                // Care dates apply to the types with a date parameter; the others have none to compare.
                var own = filters.Where(f => f.Key != "date" || context.SearchParameters.Find(type, "date") is { Type: SearchParamType.Date, IsSupported: true }).ToList();
                list = SearchQueryParser.Parse(type, own, context.SearchParameters, HandlingMode.Lenient, count, count).Query.Criteria;
                criteria[type] = list;
            }
            return list;
        }

        var limit = request.MaxResponseBytes;
        var url = $"{request.BaseUrl}/{compartment}/{id}/$everything";
        var overhead = ResponseLimits.EntryOverhead(request.BaseUrl);
        var (page, next, limited) = await CompartmentWalk.PageAsync(request.Reader, context, compartment, id, types, CriteriaOf, count, cursor, ct,
            ResponseLimits.ForResources(limit, url, request.Query), overhead);
        if (limited)
        {
            issues.Add(ResponseLimits.PageCut(page.Count, count, limit));
        }
        var links = new List<(string, string)> { ("self", SearchCompartment.Link(url, applied, cursorText)) };
        if (next is not null)
        {
            links.Add(("next", SearchCompartment.Link(url, applied, next)));
        }
        using var bundle = new BundleWriter("searchset", request.BaseUrl, null, links, ResponseLimits.SizeHint(page, request.BaseUrl));
        foreach (var resource in page)
        {
            bundle.AddSearchEntry(resource);
        }
        var (referenced, truncated) = await IncludeResolver.ResolveAsync(request.Reader, page, [ReferencedResources], context, ct, limit - bundle.Length - ResponseLimits.OutcomeReserve, overhead);
        foreach (var resource in referenced)
        {
            bundle.AddSearchEntry(resource, "include");
        }
        if (truncated is not null)
        {
            issues.Add(truncated);
        }
        if (issues.Count > 0)
        {
            bundle.AddOutcomeEntry(issues);
        }
        return bundle.Length > limit ? ResponseLimits.TooLarge(bundle.Length, limit) : new FhirResponse(200) { Body = bundle.Finish() };
    }

    // A FHIR date, dateTime or instant, as the search parser reads date values.
    private static bool IsDate(string value, ServerContext context) =>
        !SearchQueryParser.Parse("Resource", [new("_lastUpdated", value)], context.SearchParameters, HandlingMode.Strict, 1, 1).Issues.Any(i => i.IsError)
        && value.Length > 0 && char.IsAsciiDigit(value[0]);
}
