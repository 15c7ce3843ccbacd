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
        var issues = new List<Issue>();
        var criteria = new List<SearchCriterion>();
        var canonical = new List<string>();
        var self = new List<KeyValuePair<string, string>>();
        var count = options.DefaultCount;
        SearchCursor? after = null;
        IReadOnlyList<SortKey> sort = [];
        var total = TotalMode.None;
        var criterionParser = new CriterionParser(registry, options, issues);

        foreach (var (rawName, value) in parameters)
        {
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
                    if (ParseSort(resourceType, value, registry, issues) is { } keys)
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

            var criterion = criterionParser.Parse(resourceType, rawName, rawName, value);
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
        var query = new SearchQuery(resourceType, criteria, count, after) { Sort = sort, Total = total };
        return new ParsedSearch(query, issues, string.Join("&", canonical), self);
    }

    // _sort=-date,name,_id
    private static List<SortKey>? ParseSort(string resourceType, string value, SearchParameterRegistry registry, List<Issue> issues)
    {
        var keys = new List<SortKey>();
        foreach (var raw in value.Split(','))
        {
            var descending = raw.StartsWith('-');
            var code = descending ? raw[1..] : raw;
            var direction = descending ? SortDirection.Descending : SortDirection.Ascending;
            if (code is "_id" or "_lastUpdated")
            {
                keys.Add(new SortKey(code, SearchParamType.Special, direction));
                continue;
            }
            var parameter = code.Length == 0 ? null : registry.Find(resourceType, code);
            if (parameter is not { IsSupported: true } || parameter.Type is SearchParamType.Composite or SearchParamType.Special)
            {
                issues.Add(Issue.Error(IssueType.NotSupported, $"_sort: '{code}' is not a sortable search parameter of {resourceType}.", "_sort"));
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
