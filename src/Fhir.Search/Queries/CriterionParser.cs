using Fhir.Core.Outcomes;
using Fhir.Search.Parameters;

namespace Fhir.Search.Queries;

/// <summary>
/// Parses one search parameter (<c>name[:modifier]=values</c>) into a <see cref="SearchCriterion"/>: plain parameters of
/// every type, chains (<c>subject:Patient.organization.name</c>), reverse chains (<c>_has:Observation:patient:code</c>,
/// nested) and composites. Problems go to the issue list; the result is then null. With a <see cref="SearchBudget"/>,
/// every criterion and value is counted against the search's limits.
/// </summary>
internal sealed class CriterionParser(SearchParameterRegistry registry, SearchParseOptions options, List<Issue> issues, SearchBudget? budget = null)
{
    private const int MaxChainDepth = 4;

    /// <summary>
    /// Parses <paramref name="name"/> on <paramref name="resourceType"/>; <paramref name="rawName"/> is the whole
    /// parameter name as written, used in messages (a chain's inner part is parsed with the outer name).
    /// </summary>
    public SearchCriterion? Parse(string resourceType, string name, string rawName, string value, int depth = 0)
    {
        if (budget?.TakeCriterion(rawName) == false)
        {
            return null;
        }
        if (depth > MaxChainDepth)
        {
            issues.Add(Issue.Error(IssueType.TooCostly, $"'{rawName}' chains more than {MaxChainDepth} levels.", rawName));
            return null;
        }
        if (name.StartsWith("_has:", StringComparison.Ordinal))
        {
            return ParseHas(resourceType, name, rawName, value, depth);
        }
        var dot = name.IndexOf('.');
        if (dot >= 0)
        {
            return ParseChain(resourceType, name[..dot], name[(dot + 1)..], rawName, value, depth);
        }

        var colon = name.IndexOf(':');
        var code = colon < 0 ? name : name[..colon];
        var modifier = colon < 0 ? null : name[(colon + 1)..];
        if (code == "_id")
        {
            return modifier switch
            {
                null or "not" => Values(code, SearchParamType.Special, modifier, value, rawName, (v, _) => new TokenSearchValue(null, SearchValues.Unescape(v), SystemGiven: false)),
                "missing" => Values(code, SearchParamType.Special, modifier, value, rawName, ParseMissing),
                _ => Modifier(rawName, modifier),
            };
        }
        if (code == "_lastUpdated")
        {
            return modifier switch
            {
                null => Values(code, SearchParamType.Special, modifier, value, rawName, ParseDate),
                "missing" => Values(code, SearchParamType.Special, modifier, value, rawName, ParseMissing),
                _ => Modifier(rawName, modifier),
            };
        }
        var parameter = registry.Find(resourceType, code);
        if (parameter is not { IsSupported: true })
        {
            SearchQueryParser.Unsupported(issues, options.Handling, rawName, parameter is null
                ? $"{resourceType} has no search parameter '{code}'"
                : $"the {parameter.Type.ToString().ToLowerInvariant()} parameter '{code}' is not supported");
            return null;
        }
        return Criterion(parameter, modifier, value, rawName);
    }

    // _has:Observation:patient:code=x — some Observation whose `patient` points here has code x.
    private SearchCriterion? ParseHas(string resourceType, string name, string rawName, string value, int depth)
    {
        var parts = name.Split(':', 4);
        if (parts.Length < 4 || parts[1].Length == 0 || parts[2].Length == 0 || parts[3].Length == 0)
        {
            issues.Add(Issue.Error(IssueType.Invalid, $"'{rawName}' is not of the form _has:Type:reference:parameter.", rawName));
            return null;
        }
        var (sourceType, referenceCode, rest) = (parts[1], parts[2], parts[3]);
        var reference = registry.Find(sourceType, referenceCode);
        if (reference is not { IsSupported: true, Type: SearchParamType.Reference })
        {
            SearchQueryParser.Unsupported(issues, options.Handling, rawName, $"{sourceType} has no reference search parameter '{referenceCode}'");
            return null;
        }
        if (reference.Targets.Count > 0 && !reference.Targets.Contains(resourceType) && !reference.Targets.Contains("Resource"))
        {
            issues.Add(Issue.Error(IssueType.Invalid, $"'{rawName}': {sourceType}.{referenceCode} cannot refer to a {resourceType}.", rawName));
            return null;
        }
        var inner = Parse(sourceType, rest, rawName, value, depth + 1);
        return inner is null ? null
            : new SearchCriterion("_has", SearchParamType.Special, null, [new ReverseChainSearchValue(sourceType, referenceCode, inner)]);
    }

    // subject:Patient.name=x — the subject is a Patient whose name matches x.
    private SearchCriterion? ParseChain(string resourceType, string link, string rest, string rawName, string value, int depth)
    {
        var colon = link.IndexOf(':');
        var code = colon < 0 ? link : link[..colon];
        var typeModifier = colon < 0 ? null : link[(colon + 1)..];
        var parameter = registry.Find(resourceType, code);
        if (parameter is not { IsSupported: true, Type: SearchParamType.Reference })
        {
            SearchQueryParser.Unsupported(issues, options.Handling, rawName, $"{resourceType} has no reference search parameter '{code}' to chain from");
            return null;
        }
        var nextCode = rest.StartsWith("_has:", StringComparison.Ordinal) ? "_has" : rest.Split('.', ':')[0];
        IReadOnlyList<string> targets = typeModifier is not null ? [typeModifier] : parameter.Targets;
        // Untyped chains go to every target type that has the next parameter, as one parameter type.
        var candidates = targets.Where(t => nextCode is "_id" or "_lastUpdated" or "_has" || registry.Find(t, nextCode) is not null).ToList();
        if (candidates.Count == 0)
        {
            SearchQueryParser.Unsupported(issues, options.Handling, rawName, $"no target of '{code}' has a search parameter '{nextCode}'");
            return null;
        }
        if (nextCode is not ("_id" or "_lastUpdated" or "_has"))
        {
            var firstType = registry.Find(candidates[0], nextCode)!.Type;
            candidates = [.. candidates.Where(t => registry.Find(t, nextCode)!.Type == firstType)];
        }
        var inner = Parse(candidates[0], rest, rawName, value, depth + 1);
        return inner is null ? null
            : new SearchCriterion(code, SearchParamType.Reference, null, [new ChainSearchValue(typeModifier is null ? candidates : [typeModifier], inner)]);
    }

    private SearchCriterion? Criterion(SearchParameterInfo parameter, string? modifier, string value, string rawName)
    {
        var code = parameter.Code;
        var type = parameter.Type;
        if (modifier == "missing")
        {
            if (type != SearchParamType.Composite)
            {
                return Values(code, type, modifier, value, rawName, ParseMissing);
            }
            // A composite is present when the resource has a complete tuple: its first component is indexed only then.
            if (parameter.Components.Count == 0 || registry.FindByUrl(parameter.Components[0].Definition) is not { } first)
            {
                return Modifier(rawName, modifier);
            }
            return Values(code + "$0", first.Type, modifier, value, rawName, ParseMissing);
        }
        switch (type)
        {
            case SearchParamType.Token when modifier is null or "not":
                return Values(code, type, modifier, value, rawName, ParseToken);
            case SearchParamType.Token when modifier == "text":
                return Values(code, type, modifier, value, rawName, (v, _) => new TokenSearchValue(null, SearchValues.Unescape(v), SystemGiven: false));
            case SearchParamType.Token when modifier == "of-type":
                // Indexed as its own code: system = the type's system, value = "typeCode|identifierValue".
                return Values(code + ":of-type", type, null, value, rawName, ParseOfType);
            case SearchParamType.Token when modifier is "in" or "not-in" or "below" or "above":
                return CodeSet(code, modifier, value, rawName);
            case SearchParamType.String when modifier is null or "exact" or "contains":
                return Values(code, type, modifier, value, rawName,
                    (v, _) => new StringSearchValue(modifier == "exact" ? SearchValues.Unescape(v) : SearchText.Normalize(SearchValues.Unescape(v))));
            case SearchParamType.Uri when modifier is null or "above" or "below":
                return Values(code, type, modifier, value, rawName, (v, _) => new UriSearchValue(SearchValues.Unescape(v)));
            case SearchParamType.Date when modifier is null:
                return Values(code, type, modifier, value, rawName, ParseDate);
            case SearchParamType.Number when modifier is null:
                return Values(code, type, modifier, value, rawName, ParseNumber);
            case SearchParamType.Quantity when modifier is null:
                return Values(code, type, modifier, value, rawName, ParseQuantity);
            case SearchParamType.Reference when modifier == "identifier":
                // Reference.identifier is indexed as a token under "code:identifier".
                return Values(code + ":identifier", SearchParamType.Token, null, value, rawName, ParseToken);
            case SearchParamType.Reference when modifier is null || (modifier.Length > 0 && char.IsAsciiLetterUpper(modifier[0])):
                var targetType = modifier;
                return Values(code, type, null, value, rawName, (v, _) => ParseReference(v, targetType));
            case SearchParamType.Composite when modifier is null:
                return Composite(parameter, value, rawName);
            default:
                return Modifier(rawName, modifier!);
        }
    }

    private SearchCriterion? Composite(SearchParameterInfo parameter, string value, string rawName)
    {
        var components = new List<(SearchParamType Type, string Code)>();
        for (var k = 0; k < parameter.Components.Count; k++)
        {
            if (registry.FindByUrl(parameter.Components[k].Definition) is not { } part || part.Type is SearchParamType.Composite or SearchParamType.Special)
            {
                SearchQueryParser.Unsupported(issues, options.Handling, rawName, $"a component of '{parameter.Code}' is not a known search parameter");
                return null;
            }
            components.Add((part.Type, parameter.Code + "$" + k));
        }
        return Values(parameter.Code, SearchParamType.Composite, null, value, rawName, (v, name) =>
        {
            var parts = SearchValues.Split(v, '$');
            if (parts.Count != components.Count || budget?.TakeExtraValues(parts.Count - 1, name) == false)
            {
                return null;
            }
            var criteria = new List<SearchCriterion>(parts.Count);
            for (var k = 0; k < parts.Count; k++)
            {
                var (type, code) = components[k];
                SearchValue? one = parts[k].Length == 0 ? null : type switch
                {
                    SearchParamType.Token => ParseToken(parts[k], name),
                    SearchParamType.String => new StringSearchValue(SearchText.Normalize(SearchValues.Unescape(parts[k]))),
                    SearchParamType.Uri => new UriSearchValue(SearchValues.Unescape(parts[k])),
                    SearchParamType.Date => ParseDate(parts[k], name),
                    SearchParamType.Number => ParseNumber(parts[k], name),
                    SearchParamType.Quantity => ParseQuantity(parts[k], name),
                    SearchParamType.Reference => ParseReference(parts[k], null),
                    _ => null,
                };
                if (one is null)
                {
                    return null;
                }
                criteria.Add(new SearchCriterion(code, type, null, [one]));
            }
            return new CompositeSearchValue(criteria);
        });
    }

    // :in/:not-in a ValueSet, :below/:above a code in its CodeSystem: expanded here into plain alternatives.
    private SearchCriterion? CodeSet(string code, string modifier, string value, string rawName)
    {
        if (options.CodeSets is not { } codeSets)
        {
            issues.Add(Issue.Error(IssueType.NotSupported, $"The modifier ':{modifier}' on '{code}' needs terminology this server does not have.", rawName));
            return null;
        }
        var members = new List<SearchValue>();
        foreach (var part in SearchValues.Split(value, ','))
        {
            if (!CheckText(part, rawName))
            {
                return null;
            }
            IReadOnlyCollection<CodeSetMember>? found;
            if (modifier is "in" or "not-in")
            {
                found = codeSets.Expand(SearchValues.Unescape(part));
            }
            else
            {
                var (system, c) = SearchValues.SplitBar(part);
                found = c is null || system.Length == 0 || c.Length == 0 ? null
                    : codeSets.Related(system, c, modifier == "below" ? SubsumptionDirection.Below : SubsumptionDirection.Above);
            }
            if (found is null)
            {
                issues.Add(Issue.Error(IssueType.Invalid, modifier is "in" or "not-in"
                    ? $"'{part}' is not a ValueSet this server knows (parameter '{rawName}')."
                    : $"'{part}' is not a system|code in a CodeSystem this server knows (parameter '{rawName}').", rawName));
                return null;
            }
            // Elements of type code (Patient.gender) are indexed without a system, which their binding
            // implies: each member also matches its code with no system (|code), never another system's.
            members.AddRange(found.SelectMany(m => new SearchValue[] { new TokenSearchValue(m.System, m.Code, SystemGiven: true), new TokenSearchValue(null, m.Code, SystemGiven: true) }));
        }
        var distinct = members.Distinct().ToList();
        // What a value set expands to is what the statement holds: it counts against the limits as written values do.
        return budget?.TakeValues(distinct.Count, rawName) == false ? null
            : new SearchCriterion(code, SearchParamType.Token, modifier == "not-in" ? "not" : null, distinct);
    }

    private SearchCriterion? Values(
        string code, SearchParamType type, string? modifier, string value, string rawName, Func<string, string, SearchValue?> parseOne)
    {
        var values = new List<SearchValue>();
        var before = issues.Count;
        // Escapes stay in the parts: a token or quantity is split at its bars next, and each parser unescapes.
        var parts = SearchValues.Split(value, ',');
        if (budget?.TakeValues(parts.Count, rawName) == false)
        {
            return null;
        }
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                issues.Add(Issue.Error(IssueType.Invalid, $"The parameter '{rawName}' has an empty value.", rawName));
                continue;
            }
            if (!CheckText(part, rawName))
            {
                return null;
            }
            var reported = issues.Count;
            var parsed = parseOne(part, rawName);
            if (parsed is null)
            {
                if (budget?.Exceeded == true)
                {
                    return null;
                }
                if (issues.Count > reported)
                {
                    continue; // the value's own parser said what is wrong
                }
                issues.Add(Issue.Error(IssueType.Invalid, $"'{part}' is not a valid value for the {type.ToString().ToLowerInvariant()} parameter '{rawName}'.", rawName));
                continue;
            }
            values.Add(parsed);
        }
        return issues.Count > before ? null : new SearchCriterion(code, type, modifier, values);
    }

    // A value within the length limit and without the control characters FHIR strings cannot hold (below U+0020, except
    // tab, CR and LF): no stored value has them, and PostgreSQL cannot bind a NUL at all.
    private bool CheckText(string part, string rawName)
    {
        if (budget?.CheckLength(part, rawName) == false)
        {
            return false;
        }
        if (Fhir.Core.Primitives.FhirPrimitives.IndexOfControlCharacter(part) is var at and >= 0)
        {
            issues.Add(Issue.Error(IssueType.Invalid,
                $"A value of '{rawName}' contains the control character U+{(int)part[at]:X4}, which FHIR strings cannot hold.", rawName));
            return false;
        }
        return true;
    }

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

    // system|code|value: the identifier's type (system may be empty: any) and its value.
    private static SearchValue? ParseOfType(string value, string _)
    {
        var parts = SearchValues.SplitUnescaped(value, '|');
        if (parts.Count != 3 || parts[1].Length == 0 || parts[2].Length == 0)
        {
            return null;
        }
        var system = parts[0].Length == 0 ? null : parts[0];
        return new TokenSearchValue(system, parts[1] + "|" + parts[2], SystemGiven: system is not null);
    }

    private static SearchValue? ParseDate(string value, string _)
    {
        var text = value;
        var prefix = SearchValues.ReadPrefix(ref text);
        return SearchDates.TryParseRange(text, out var low, out var high) ? new DateSearchValue(prefix, low, high) : null;
    }

    private SearchValue? ParseNumber(string value, string rawName)
    {
        var text = value;
        var prefix = SearchValues.ReadPrefix(ref text);
        if (SearchValues.TryParseNumber(text, out var number, out var low, out var high))
        {
            return new NumberSearchValue(prefix, number, low, high);
        }
        Beyond(text, rawName);
        return null;
    }

    // A number FHIR allows (its decimals have no bounds) that the server cannot compare gets its own message.
    private void Beyond(string text, string rawName)
    {
        if (Fhir.Core.Primitives.FhirPrimitives.IsValid("decimal", text))
        {
            issues.Add(Issue.Error(IssueType.NotSupported,
                $"'{text}' in '{rawName}' is beyond the numbers this server searches: magnitudes up to 1e28 and down to 1e-28.", rawName));
        }
    }

    private SearchValue? ParseQuantity(string value, string rawName)
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
            Beyond(text, rawName);
            return null;
        }
        var system = parts.Count == 3 && parts[1].Length > 0 ? parts[1] : null;
        var unit = parts.Count == 3 && parts[2].Length > 0 ? parts[2] : null;
        return QuantityCanonicalizer.Search(prefix, number, low, high, system, unit);
    }

    private SearchValue? ParseReference(string escaped, string? targetType)
    {
        var value = SearchValues.Unescape(escaped);
        if (options.BaseUrl is { Length: > 0 } baseUrl
            && value.Length > baseUrl.Length + 1
            && value.StartsWith(baseUrl.TrimEnd('/') + "/", StringComparison.Ordinal))
        {
            // An absolute URL on this server is the local reference it names.
            value = value[(baseUrl.TrimEnd('/').Length + 1)..];
        }
        else if (value.StartsWith("http://", StringComparison.Ordinal) || value.StartsWith("https://", StringComparison.Ordinal) || value.StartsWith("urn:", StringComparison.Ordinal))
        {
            return new ReferenceSearchValue(null, null, value);
        }
        var parts = value.Split('/');
        // Type/id, or a version-specific Type/id/_history/vid (the index keeps references without their version).
        if (parts.Length == 4 && parts[2] == "_history" && parts[3].Length > 0)
        {
            parts = parts[..2];
        }
        if (parts.Length == 2)
        {
            var (type, id) = (parts[0], parts[1]);
            if (type.Length == 0 || id.Length == 0 || !char.IsAsciiLetterUpper(type[0]) || (targetType is not null && targetType != type))
            {
                return null;
            }
            // A resource may refer to this server's resources by absolute URL: those are indexed as URLs.
            return new ReferenceSearchValue(type, id, options.BaseUrl is { Length: > 0 } b ? b.TrimEnd('/') + "/" + type + "/" + id : null);
        }
        return parts.Length == 1 ? new ReferenceSearchValue(targetType, value, null) : null;
    }

    private SearchCriterion? Modifier(string rawName, string modifier)
    {
        var colon = rawName.LastIndexOf(':');
        issues.Add(Issue.Error(IssueType.NotSupported, $"The modifier ':{modifier}' is not supported on '{(colon < 0 ? rawName : rawName[..colon])}'.", rawName));
        return null;
    }
}
