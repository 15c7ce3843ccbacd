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
    /// <summary>Result parameters the foundation understands; the others are reported as not supported.</summary>
    private static readonly HashSet<string> FormatParameters = ["_format", "_pretty"];

    /// <summary>Parses the parameters of a search on <paramref name="resourceType"/>.</summary>
    public static ParsedSearch Parse(
        string resourceType,
        IReadOnlyList<KeyValuePair<string, string>> parameters,
        SearchParameterRegistry registry,
        HandlingMode handling,
        int defaultCount,
        int maxCount)
    {
        var issues = new List<Issue>();
        var criteria = new List<SearchCriterion>();
        var canonical = new List<string>();
        var self = new List<KeyValuePair<string, string>>();
        var count = defaultCount;
        long? after = null;

        foreach (var (rawName, value) in parameters)
        {
            if (FormatParameters.Contains(rawName))
            {
                continue;
            }
            if (rawName == "_count")
            {
                if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count))
                {
                    issues.Add(Issue.Error(IssueType.Invalid, $"_count must be a non-negative integer, not '{value}'.", "_count"));
                }
                count = Math.Min(count, maxCount);
                self.Add(new(rawName, count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                continue;
            }
            if (rawName == "_cursor")
            {
                if (long.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cursor))
                {
                    after = cursor;
                }
                else
                {
                    issues.Add(Issue.Error(IssueType.Invalid, $"'{value}' is not a valid paging cursor.", "_cursor"));
                }
                continue;
            }

            var colon = rawName.IndexOf(':');
            var code = colon < 0 ? rawName : rawName[..colon];
            var modifier = colon < 0 ? null : rawName[(colon + 1)..];

            if (code.Contains('.') || code == "_has")
            {
                Unsupported(issues, handling, rawName, "chained and reverse-chained parameters are not supported yet");
                continue;
            }

            SearchCriterion? criterion;
            if (code == "_id")
            {
                criterion = modifier switch
                {
                    null or "not" => ParseValues(code, SearchParamType.Special, modifier, value, rawName, issues, ParseIdValue),
                    "missing" => ParseValues(code, SearchParamType.Special, modifier, value, rawName, issues, ParseMissing),
                    _ => Modifier(issues, rawName, modifier),
                };
            }
            else if (code == "_lastUpdated")
            {
                criterion = modifier switch
                {
                    null => ParseValues(code, SearchParamType.Special, modifier, value, rawName, issues, ParseDateValue),
                    "missing" => ParseValues(code, SearchParamType.Special, modifier, value, rawName, issues, ParseMissing),
                    _ => Modifier(issues, rawName, modifier),
                };
            }
            else
            {
                var parameter = registry.Find(resourceType, code);
                if (parameter is not { IsSupported: true })
                {
                    Unsupported(issues, handling, rawName, parameter is null
                        ? $"{resourceType} has no search parameter '{code}'"
                        : $"the {parameter.Type.ToString().ToLowerInvariant()} parameter '{code}' is not supported yet");
                    continue;
                }
                criterion = ParseCriterion(parameter, modifier, value, rawName, issues);
            }
            if (criterion is not null)
            {
                criteria.Add(criterion);
                canonical.Add(rawName + "=" + value);
                self.Add(new(rawName, value));
            }
        }

        canonical.Sort(StringComparer.Ordinal);
        return new ParsedSearch(new SearchQuery(resourceType, criteria, count, after), issues, string.Join("&", canonical), self);
    }

    private static SearchCriterion? ParseCriterion(SearchParameterInfo parameter, string? modifier, string value, string rawName, List<Issue> issues)
    {
        if (modifier == "missing")
        {
            return ParseValues(parameter.Code, parameter.Type, modifier, value, rawName, issues, ParseMissing);
        }
        switch (parameter.Type)
        {
            case SearchParamType.Token when modifier is null or "not" or "text":
                return ParseValues(parameter.Code, parameter.Type, modifier, value, rawName, issues,
                    modifier == "text" ? (v, _) => new TokenSearchValue(null, SearchValues.Unescape(v), SystemGiven: false) : ParseToken);
            case SearchParamType.String when modifier is null or "exact" or "contains":
                return ParseValues(parameter.Code, parameter.Type, modifier, value, rawName, issues,
                    (v, _) => new StringSearchValue(modifier == "exact" ? SearchValues.Unescape(v) : SearchText.Normalize(SearchValues.Unescape(v))));
            case SearchParamType.Uri when modifier is null or "above" or "below":
                return ParseValues(parameter.Code, parameter.Type, modifier, value, rawName, issues, (v, _) => new UriSearchValue(SearchValues.Unescape(v)));
            case SearchParamType.Date when modifier is null:
                return ParseValues(parameter.Code, parameter.Type, modifier, value, rawName, issues, ParseDateValue);
            case SearchParamType.Number when modifier is null:
                return ParseValues(parameter.Code, parameter.Type, modifier, value, rawName, issues, ParseNumber);
            case SearchParamType.Quantity when modifier is null:
                return ParseValues(parameter.Code, parameter.Type, modifier, value, rawName, issues, ParseQuantity);
            case SearchParamType.Reference when modifier is null || (modifier.Length > 0 && char.IsUpper(modifier[0])):
                var targetType = modifier;
                return ParseValues(parameter.Code, parameter.Type, null, value, rawName, issues, (v, name) => ParseReference(v, targetType, name));
            default:
                return Modifier(issues, rawName, modifier!);
        }
    }

    private static SearchCriterion? ParseValues(
        string code, SearchParamType type, string? modifier, string value, string rawName, List<Issue> issues,
        Func<string, string, SearchValue?> parseOne)
    {
        var values = new List<SearchValue>();
        var before = issues.Count;
        // Escapes stay in the parts: a token or quantity is split at its bars next, and each parser unescapes.
        foreach (var part in SearchValues.Split(value, ','))
        {
            if (part.Length == 0)
            {
                issues.Add(Issue.Error(IssueType.Invalid, $"The parameter '{rawName}' has an empty value.", rawName));
                continue;
            }
            var parsed = parseOne(part, rawName);
            if (parsed is null)
            {
                issues.Add(Issue.Error(IssueType.Invalid, $"'{part}' is not a valid value for the {type.ToString().ToLowerInvariant()} parameter '{rawName}'.", rawName));
                continue;
            }
            values.Add(parsed);
        }
        return issues.Count > before ? null : new SearchCriterion(code, type, modifier, values);
    }

    private static SearchValue? ParseIdValue(string value, string _) => new TokenSearchValue(null, SearchValues.Unescape(value), SystemGiven: false);

    private static SearchValue? ParseMissing(string value, string _) => value switch
    {
        "true" => new MissingSearchValue(true),
        "false" => new MissingSearchValue(false),
        _ => null,
    };

    private static SearchValue? ParseToken(string value, string _)
    {
        var (left, right) = SearchValues.SplitBar(value);
        return right is null
            ? new TokenSearchValue(null, left, SystemGiven: false)
            : new TokenSearchValue(left.Length == 0 ? null : left, right.Length == 0 ? null : right, SystemGiven: true);
    }

    private static SearchValue? ParseDateValue(string value, string _)
    {
        var text = value;
        var prefix = SearchValues.ReadPrefix(ref text);
        return SearchDates.TryParseRange(text, out var low, out var high) ? new DateSearchValue(prefix, low, high) : null;
    }

    private static SearchValue? ParseNumber(string value, string _)
    {
        var text = value;
        var prefix = SearchValues.ReadPrefix(ref text);
        return SearchValues.TryParseNumber(text, out var number, out var low, out var high) ? new NumberSearchValue(prefix, number, low, high) : null;
    }

    private static SearchValue? ParseQuantity(string value, string _)
    {
        var parts = SearchValues.SplitUnescaped(value, '|');
        if (parts.Count is not (1 or 3))
        {
            return null;
        }
        var text = parts[0];
        var prefix = SearchValues.ReadPrefix(ref text);
        if (!SearchValues.TryParseNumber(text, out var number, out var low, out var high))
        {
            return null;
        }
        var system = parts.Count == 3 && parts[1].Length > 0 ? parts[1] : null;
        var unit = parts.Count == 3 && parts[2].Length > 0 ? parts[2] : null;
        return QuantityCanonicalizer.Search(prefix, number, low, high, system, unit);
    }

    private static SearchValue? ParseReference(string escaped, string? targetType, string _)
    {
        var value = SearchValues.Unescape(escaped);
        if (value.StartsWith("http://", StringComparison.Ordinal) || value.StartsWith("https://", StringComparison.Ordinal) || value.StartsWith("urn:", StringComparison.Ordinal))
        {
            return new ReferenceSearchValue(null, null, value);
        }
        var slash = value.IndexOf('/');
        if (slash > 0)
        {
            var type = value[..slash];
            var id = value[(slash + 1)..];
            if (id.Length == 0 || id.Contains('/') || (targetType is not null && targetType != type))
            {
                return null;
            }
            return new ReferenceSearchValue(type, id, null);
        }
        return new ReferenceSearchValue(targetType, value, null);
    }

    private static SearchCriterion? Modifier(List<Issue> issues, string rawName, string modifier)
    {
        issues.Add(Issue.Error(IssueType.NotSupported, $"The modifier ':{modifier}' is not supported on '{rawName[..rawName.IndexOf(':')]}'.", rawName));
        return null;
    }

    private static void Unsupported(List<Issue> issues, HandlingMode handling, string rawName, string why)
    {
        var message = new StringBuilder("The parameter '").Append(rawName).Append("' was ")
            .Append(handling == HandlingMode.Strict ? "rejected" : "ignored").Append(": ").Append(why).Append('.').ToString();
        issues.Add(handling == HandlingMode.Strict
            ? Issue.Error(IssueType.NotSupported, message, rawName)
            : Issue.Warning(IssueType.NotSupported, message, rawName));
    }
}
