using System.Globalization;
using System.Text;
using Fhir.Core.Outcomes;
using Fhir.Search.Parameters;

namespace Fhir.Search.Queries;

/// <summary>
/// Turns query parameters (<c>identifier=http://x|1&amp;birthdate=ge2000</c>) into a <see cref="SearchQuery"/>,
/// reporting malformed values as errors and unsupported parameters per the handling mode.
/// </summary>
public static class SearchQueryParser
{
    /// <summary>Result parameters that change nothing here.</summary>
    private static readonly HashSet<string> FormatParameters = ["_format", "_pretty"];

    /// <summary>Parses the parameters of a search on <paramref name="resourceType"/>.</summary>
    public static ParsedSearch Parse(
        string resourceType,
        IReadOnlyList<KeyValuePair<string, string>> parameters,
        SearchParameterRegistry registry,
        HandlingMode handling,
        int defaultCount,
        int maxCount) =>
        Parse(resourceType, parameters, registry, new SearchParseOptions { Handling = handling, DefaultCount = defaultCount, MaxCount = maxCount });

    /// <summary>Parses the parameters of a search on <paramref name="resourceType"/>.</summary>
    public static ParsedSearch Parse(
        string resourceType,
        IReadOnlyList<KeyValuePair<string, string>> parameters,
        SearchParameterRegistry registry,
        SearchParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(options);
        return Parse([resourceType], resourceType, parameters, registry, options, []);
    }

    /// <summary>
    /// Parses the parameters of a system-level search (<c>GET [base]?params</c>, FHIR R4 Search §3.1.1.1). <c>_type</c>
    /// names the types searched (one type makes it a type-level search); other parameters must be defined, with the same
    /// code and type, on every one of them, and without <c>_type</c> on every resource (<c>_id</c>, <c>_lastUpdated</c>,
    /// <c>_tag</c>, <c>_profile</c>, <c>_security</c>, <c>_source</c>). The query's
    /// <see cref="SearchQuery.ResourceTypes"/> holds two or more types, or is null for all.
    /// </summary>
    public static ParsedSearch ParseSystem(
        IReadOnlyList<KeyValuePair<string, string>> parameters,
        SearchParameterRegistry registry,
        SearchParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        var issues = new List<Issue>();
        var types = new List<string>();
        var rest = new List<KeyValuePair<string, string>>(parameters.Count);
        foreach (var parameter in parameters)
        {
            if (parameter.Key != "_type")
            {
                rest.Add(parameter);
                continue;
            }
            foreach (var type in parameter.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!registry.Definitions.IsResourceType(type))
                {
                    issues.Add(Issue.Error(IssueType.Invalid, $"_type: '{type}' is not a resource type of FHIR R4.", "_type"));
                }
                else if (!types.Contains(type))
                {
                    types.Add(type);
                }
            }
        }
        List<KeyValuePair<string, string>> self = types.Count > 0 ? [new("_type", string.Join(",", types))] : [];
        var parsed = Parse(types.Count > 0 ? types : [AnyResource], types.Count == 1 ? types[0] : null, rest, registry, options, self);
        return parsed with
        {
            Query = types.Count > 1 ? parsed.Query with { ResourceTypes = types } : parsed.Query,
            Issues = [.. issues, .. parsed.Issues],
        };
    }

    /// <summary>The base type whose parameters every resource has.</summary>
    private const string AnyResource = "Resource";

    // `types` are the types every criterion must apply to (AnyResource for all); `queryType` the query's ResourceType.
    private static ParsedSearch Parse(
        IReadOnlyList<string> types,
        string? queryType,
        IReadOnlyList<KeyValuePair<string, string>> parameters,
        SearchParameterRegistry registry,
        SearchParseOptions options,
        List<KeyValuePair<string, string>> self)
    {
        var issues = new List<Issue>();
        var criteria = new List<SearchCriterion>();
        var canonical = new List<string>();
        var count = options.DefaultCount;
        SearchCursor? after = null;
        IReadOnlyList<SortKey> sort = [];
        var total = TotalMode.None;
        var budget = new SearchBudget(options.Limits, issues);
        var criterionParser = new CriterionParser(registry, options, issues, budget);

        foreach (var (rawName, value) in parameters)
        {
            if (budget.Exceeded)
            {
                break; // refused already: the rest is not worth parsing
            }
            switch (rawName)
            {
                case var _ when FormatParameters.Contains(rawName):
                    continue;
                case "_count":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out count))
                    {
                        issues.Add(Issue.Error(IssueType.Invalid, $"_count must be a non-negative integer, not '{value}'.", "_count"));
                    }
                    count = Math.Min(count, options.MaxCount);
                    self.Add(new(rawName, count.ToString(CultureInfo.InvariantCulture)));
                    continue;
                case "_cursor":
                    if (!SearchCursorCodec.TryDecode(value, out after))
                    {
                        issues.Add(Issue.Error(IssueType.Invalid, $"'{value}' is not a valid paging cursor.", "_cursor"));
                    }
                    continue;
                case "_sort":
                    if (ParseSort(types, value, registry, issues, budget) is { } keys)
                    {
                        sort = keys;
                        self.Add(new(rawName, value));
                    }
                    continue;
                case "_total":
                    TotalMode? mode = value switch { "none" => TotalMode.None, "estimate" => TotalMode.Estimate, "accurate" => TotalMode.Accurate, _ => null };
                    if (mode is null)
                    {
                        issues.Add(Issue.Error(IssueType.Invalid, $"_total must be none, estimate or accurate, not '{value}'.", "_total"));
                    }
                    else
                    {
                        total = mode.Value;
                        self.Add(new(rawName, value));
                    }
                    continue;
            }

            var criterion = types.Count == 1 && types[0] != AnyResource
                ? criterionParser.Parse(types[0], rawName, rawName, value)
                : ParseCommon(types, rawName, value, registry, options, criterionParser, issues);
            if (criterion is not null)
            {
                criteria.Add(criterion);
                canonical.Add(rawName + "=" + value);
                self.Add(new(rawName, value));
            }
        }

        if (after is not null && after.SortValues.Count != sort.Count)
        {
            issues.Add(Issue.Error(IssueType.Invalid, "The paging cursor does not belong to this search's _sort.", "_cursor"));
            after = null;
        }
        canonical.Sort(StringComparer.Ordinal);
        var query = new SearchQuery(queryType, criteria, count, after) { Sort = sort, Total = total };
        return new ParsedSearch(query, issues, string.Join("&", canonical), self);
    }

    // A criterion of a search over several types (or all): it must mean the same on each, that is parse, with
    // the same parameter type, on every one of them. Only the first type's parse reports value errors.
    private static SearchCriterion? ParseCommon(
        IReadOnlyList<string> types, string rawName, string value, SearchParameterRegistry registry, SearchParseOptions options,
        CriterionParser parser, List<Issue> issues)
    {
        var code = rawName.StartsWith("_has:", StringComparison.Ordinal) ? "_has" : rawName.Split(':', '.')[0];
        if (code is not ("_id" or "_lastUpdated") && types.FirstOrDefault(t => !Defines(registry, t, code)) is { } lacking)
        {
            Unsupported(issues, options.Handling, rawName, lacking == AnyResource
                ? $"'{code}' is not a parameter of every resource type; name the types searched with _type"
                : $"{lacking} has no search parameter '{code}', and a parameter must apply to every type in _type");
            return null;
        }
        var criterion = parser.Parse(types[0], rawName, rawName, value);
        if (criterion is null)
        {
            return null;
        }
        for (var i = 1; i < types.Count; i++)
        {
            var scratch = new List<Issue>();
            // Parsed again only to compare: the criterion was counted against the limits once, on the first type.
            var other = new CriterionParser(registry, options with { Handling = HandlingMode.Strict }, scratch).Parse(types[i], rawName, rawName, value);
            if (other is null || other.Type != criterion.Type || other.Code != criterion.Code)
            {
                Unsupported(issues, options.Handling, rawName, $"'{code}' does not mean the same on {types[0]} and {types[i]}");
                return null;
            }
        }
        return criterion;
    }

    private static bool Defines(SearchParameterRegistry registry, string type, string code) =>
        code == "_has" ? type != AnyResource : registry.Find(type, code) is { IsSupported: true };

    // _sort=-date,name,_id
    private static List<SortKey>? ParseSort(IReadOnlyList<string> types, string value, SearchParameterRegistry registry, List<Issue> issues, SearchBudget budget)
    {
        var keys = new List<SortKey>();
        foreach (var raw in value.Split(','))
        {
            // Each key is a subquery per row, and the keyset condition nests once per key.
            if (!budget.TakeCriterion("_sort"))
            {
                return null;
            }
            var descending = raw.StartsWith('-');
            var code = descending ? raw[1..] : raw;
            var direction = descending ? SortDirection.Descending : SortDirection.Ascending;
            if (code is "_id" or "_lastUpdated")
            {
                keys.Add(new SortKey(code, SearchParamType.Special, direction));
                continue;
            }
            var parameter = code.Length == 0 ? null : registry.Find(types[0], code);
            if (parameter is not { IsSupported: true } || parameter.Type is SearchParamType.Composite or SearchParamType.Special
                || types.Any(t => registry.Find(t, code) is not { IsSupported: true } other || other.Type != parameter.Type))
            {
                var of = types[0] == AnyResource ? "every resource type (name the types with _type)" : string.Join(" and ", types);
                issues.Add(Issue.Error(IssueType.NotSupported, $"_sort: '{code}' is not a sortable search parameter of {of}.", "_sort"));
                return null;
            }
            keys.Add(new SortKey(code, parameter.Type, direction));
        }
        return keys;
    }

    /// <summary>Reports a parameter the server does not support: a warning when lenient, an error when strict.</summary>
    internal static void Unsupported(List<Issue> issues, HandlingMode handling, string rawName, string why)
    {
        var message = new StringBuilder("The parameter '").Append(rawName).Append("' was ")
            .Append(handling == HandlingMode.Strict ? "rejected" : "ignored").Append(": ").Append(why).Append('.').ToString();
        issues.Add(handling == HandlingMode.Strict
            ? Issue.Error(IssueType.NotSupported, message, rawName)
            : Issue.Warning(IssueType.NotSupported, message, rawName));
    }
}
