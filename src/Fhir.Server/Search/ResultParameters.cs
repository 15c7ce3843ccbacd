using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Core.Outcomes;
using Fhir.Search.Parameters;
using Fhir.Search.Queries;
using Fhir.Storage;

namespace Fhir.Server.Search;

/// <summary>
/// The parameters that shape what a search returns rather than what it matches: <c>_include</c>,
/// <c>_revinclude</c>, <c>_summary</c> and <c>_elements</c>. <see cref="Split"/> takes them out of the
/// query; the rest goes to <see cref="SearchQueryParser"/>.
/// </summary>
internal sealed record ResultParameters
{
    private static readonly ResultParameters NoneGiven = new();

    /// <summary>The include and revinclude steps, in query order.</summary>
    public IReadOnlyList<IncludeSpec> Includes { get; init; } = [];

    /// <summary>The <c>_summary</c> mode.</summary>
    public SummaryChoice Summary { get; init; }

    /// <summary>The <c>_elements</c> names (top level), or null.</summary>
    public IReadOnlySet<string>? Elements { get; init; }

    /// <summary>The parameters as applied, for the Bundle's links.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Self { get; init; } = [];

    /// <summary>How each matched resource is written (whole, or subsetted with the SUBSETTED tag).</summary>
    public FhirJsonWriterOptions? MatchShape => Elements is not null ? new FhirJsonWriterOptions { Elements = Elements } : IncludeShape;

    /// <summary>How included resources are written: <c>_summary</c> applies to them; <c>_elements</c> only to the matches.</summary>
    public FhirJsonWriterOptions? IncludeShape => Summary switch
    {
        SummaryChoice.True => new FhirJsonWriterOptions { Summary = SummaryMode.True },
        SummaryChoice.Text => new FhirJsonWriterOptions { Summary = SummaryMode.Text },
        SummaryChoice.Data => new FhirJsonWriterOptions { Summary = SummaryMode.Data },
        _ => null,
    };

    /// <summary>
    /// Takes the result parameters out of <paramref name="query"/>. Malformed values are errors; an
    /// include naming a parameter the server does not know follows <paramref name="handling"/>.
    /// </summary>
    /// <param name="query">The request's parameters.</param>
    /// <param name="registry">The search parameters (to check include parameters and expand <c>*</c>).</param>
    /// <param name="definitions">The resource types.</param>
    /// <param name="handling">Lenient (warn and ignore) or strict (error).</param>
    /// <param name="issues">Receives errors and warnings.</param>
    /// <param name="rest">The parameters left for the match criteria.</param>
    public static ResultParameters Split(
        IReadOnlyList<KeyValuePair<string, string>> query, SearchParameterRegistry registry, FhirDefinitions definitions,
        HandlingMode handling, List<Issue> issues, out IReadOnlyList<KeyValuePair<string, string>> rest)
    {
        List<KeyValuePair<string, string>>? remaining = null;
        var includes = new List<IncludeSpec>();
        var self = new List<KeyValuePair<string, string>>();
        var summary = SummaryChoice.None;
        HashSet<string>? elements = null;
        for (var i = 0; i < query.Count; i++)
        {
            var (name, value) = query[i];
            var colon = name.IndexOf(':');
            var code = colon < 0 ? name : name[..colon];
            switch (code)
            {
                case "_include" or "_revinclude":
                    var spec = ParseInclude(name, code, colon < 0 ? null : name[(colon + 1)..], value, registry, definitions, handling, issues);
                    if (spec is not null)
                    {
                        includes.Add(spec);
                        self.Add(new(name, value));
                    }
                    break;
                case "_summary" when colon < 0:
                    summary = value switch
                    {
                        "true" => SummaryChoice.True,
                        "text" => SummaryChoice.Text,
                        "data" => SummaryChoice.Data,
                        "count" => SummaryChoice.Count,
                        "false" => SummaryChoice.False,
                        _ => Invalid(issues, name, $"_summary must be one of true, text, data, count or false, not '{value}'."),
                    };
                    self.Add(new(name, value));
                    break;
                case "_elements" when colon < 0:
                    elements ??= new HashSet<string>(StringComparer.Ordinal);
                    foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        // Type.element names the element of a type; only top-level elements are selectable.
                        var dot = part.IndexOf('.');
                        elements.Add(dot < 0 ? part : part[(dot + 1)..]);
                    }
                    self.Add(new(name, value));
                    break;
                default:
                    remaining ??= [.. query.Take(i)];
                    remaining.Add(query[i]);
                    continue;
            }
            remaining ??= [.. query.Take(i)];
        }
        rest = remaining ?? query;
        return includes.Count == 0 && summary == SummaryChoice.None && elements is null
            ? NoneGiven
            : new ResultParameters { Includes = includes, Summary = summary, Elements = elements, Self = self };
    }

    private static IncludeSpec? ParseInclude(
        string name, string code, string? modifier, string value, SearchParameterRegistry registry, FhirDefinitions definitions,
        HandlingMode handling, List<Issue> issues)
    {
        var direction = code == "_include" ? IncludeDirection.Include : IncludeDirection.RevInclude;
        // :recurse is R3's name for :iterate.
        if (modifier is not (null or "iterate" or "recurse"))
        {
            issues.Add(Issue.Error(IssueType.NotSupported, $"The modifier ':{modifier}' is not supported on '{code}'.", name));
            return null;
        }
        var iterate = modifier is not null;
        if (value == "*")
        {
            return new IncludeSpec(direction, null, null, null, iterate);
        }
        var parts = value.Split(':');
        if (parts.Length is < 2 or > 3 || parts.Any(p => p.Length == 0))
        {
            Invalid(issues, name, $"'{value}' is not a valid {code} value: use SourceType:parameter[:TargetType] or *.");
            return null;
        }
        var source = parts[0];
        if (!definitions.IsResourceType(source))
        {
            Invalid(issues, name, $"'{source}' in {code}={value} is not a resource type.");
            return null;
        }
        string? target = parts.Length == 3 ? parts[2] : null;
        if (target is not null && !definitions.IsResourceType(target))
        {
            Invalid(issues, name, $"'{target}' in {code}={value} is not a resource type.");
            return null;
        }
        if (parts[1] == "*")
        {
            return new IncludeSpec(direction, source, null, target, iterate);
        }
        var parameter = registry.Find(source, parts[1]);
        if (parameter is not { Type: SearchParamType.Reference, IsSupported: true })
        {
            var why = parameter is null ? $"{source} has no search parameter '{parts[1]}'" : $"'{parts[1]}' is not a reference parameter of {source}";
            var message = $"The parameter '{name}={value}' was {(handling == HandlingMode.Strict ? "rejected" : "ignored")}: {why}.";
            issues.Add(handling == HandlingMode.Strict ? Issue.Error(IssueType.NotSupported, message, name) : Issue.Warning(IssueType.NotSupported, message, name));
            return null;
        }
        if (target is not null && parameter.Targets.Count > 0 && !parameter.Targets.Contains(target))
        {
            Invalid(issues, name, $"{source}.{parts[1]} cannot refer to a {target}.");
            return null;
        }
        return new IncludeSpec(direction, source, [parts[1]], target, iterate);
    }

    private static SummaryChoice Invalid(List<Issue> issues, string name, string message)
    {
        issues.Add(Issue.Error(IssueType.Invalid, message, name));
        return SummaryChoice.None;
    }
}
