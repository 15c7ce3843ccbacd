using System.Collections.Frozen;
using System.Text.Json;
using Fhir.Core.Definitions;
using Fhir.Search.Queries;

namespace Fhir.Search.Parameters;

/// <summary>
/// The search parameters the server supports, by resource type and code: the R4 base parameters
/// (those the specification itself defines, marked normative or trial-use) plus any added later.
/// Immutable; <see cref="With(IEnumerable{SearchParameterInfo})"/> returns a new registry, so readers never see a half-made change.
/// </summary>
public sealed class SearchParameterRegistry
{
    private const string StandardsStatus = "http://hl7.org/fhir/StructureDefinition/structuredefinition-standards-status";

    private readonly FrozenDictionary<string, FrozenDictionary<string, SearchParameterInfo>> _byType;
    private readonly FrozenDictionary<string, SearchParameterInfo> _byUrl;
    private readonly FhirDefinitions _definitions;

    private SearchParameterRegistry(FhirDefinitions definitions, IEnumerable<SearchParameterInfo> parameters)
    {
        _definitions = definitions;
        All = [.. parameters];
        _byType = All.GroupBy(p => p.ResourceType, StringComparer.Ordinal)
            .ToFrozenDictionary(
                g => g.Key,
                g => g.GroupBy(p => p.Code, StringComparer.Ordinal).ToFrozenDictionary(x => x.Key, x => x.Last(), StringComparer.Ordinal),
                StringComparer.Ordinal);
        // The latest added wins, as in _byType.
        _byUrl = All.GroupBy(p => p.Url, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
    }

    /// <summary>Every parameter, one entry per resource type it applies to.</summary>
    public IReadOnlyList<SearchParameterInfo> All { get; }

    /// <summary>
    /// Which snapshot this is: 0 for the base registry, then increasing with every change made
    /// through a <see cref="SearchParameterCatalog"/>. Caches built from a registry (the
    /// CapabilityStatement, index plans) compare it to know when to rebuild.
    /// </summary>
    public long Version { get; private init; }

    /// <summary>The definitions the registry resolves type inheritance with.</summary>
    internal FhirDefinitions Definitions => _definitions;

    /// <summary>The registry of the R4 base search parameters.</summary>
    public static SearchParameterRegistry CreateR4(FhirDefinitions definitions)
    {
        var parameters = new List<SearchParameterInfo>();
        foreach (var entry in definitions.Entries)
        {
            if (entry.ResourceType != "SearchParameter")
            {
                continue;
            }
            using var doc = JsonDocument.Parse(definitions.ReadJson(entry));
            // The base specification's own parameters carry a standards status; examples and extension parameters do not.
            if (!HasStandardsStatus(doc.RootElement))
            {
                continue;
            }
            parameters.AddRange(FromResource(doc.RootElement));
        }
        return new SearchParameterRegistry(definitions, parameters);
    }

    /// <summary>A registry with <paramref name="added"/> as well (replacing parameters with the same type and code).</summary>
    public SearchParameterRegistry With(IEnumerable<SearchParameterInfo> added) => With(added, Version);

    /// <summary>As <see cref="With(IEnumerable{SearchParameterInfo})"/>, numbered <paramref name="version"/>.</summary>
    internal SearchParameterRegistry With(IEnumerable<SearchParameterInfo> added, long version)
    {
        var list = added.ToList();
        var replaced = list.Select(p => (p.ResourceType, p.Code)).ToHashSet();
        return new(_definitions, All.Where(p => !replaced.Contains((p.ResourceType, p.Code))).Concat(list)) { Version = version };
    }

    /// <summary>
    /// Reads a SearchParameter resource into one <see cref="SearchParameterInfo"/> per base type,
    /// narrowing its expression to the parts for that type.
    /// </summary>
    public static IEnumerable<SearchParameterInfo> FromResource(JsonElement sp)
    {
        var url = sp.GetProperty("url").GetString()!;
        var code = sp.GetProperty("code").GetString()!;
        var type = ParseType(sp.GetProperty("type").GetString()!);
        var expression = sp.TryGetProperty("expression", out var e) ? e.GetString() : null;
        var targets = Strings(sp, "target");
        var components = sp.TryGetProperty("component", out var c)
            ? c.EnumerateArray().Select(x => new CompositeComponent(x.GetProperty("definition").GetString()!, x.GetProperty("expression").GetString()!)).ToList()
            : [];
        foreach (var baseType in Strings(sp, "base"))
        {
            yield return new SearchParameterInfo(url, code, baseType, type, expression is null ? null : NarrowTo(expression, baseType), targets, components);
        }
    }

    /// <summary>The parameter <paramref name="code"/> of <paramref name="resourceType"/>, including those every resource has (<c>_id</c>...).</summary>
    public SearchParameterInfo? Find(string resourceType, string code)
    {
        if (_byType.TryGetValue(resourceType, out var own) && own.TryGetValue(code, out var p))
        {
            return p;
        }
        for (var t = _definitions.BaseTypeName(resourceType); t is not null; t = _definitions.BaseTypeName(t))
        {
            if (_byType.TryGetValue(t, out var inherited) && inherited.TryGetValue(code, out p))
            {
                return p;
            }
        }
        return null;
    }

    /// <summary>The parameter with this canonical URL (for any one of its base types).</summary>
    public SearchParameterInfo? FindByUrl(string url) => _byUrl.GetValueOrDefault(url);

    /// <summary>All parameters that apply to <paramref name="resourceType"/>, inherited ones included.</summary>
    public IReadOnlyList<SearchParameterInfo> ForType(string resourceType)
    {
        var result = new Dictionary<string, SearchParameterInfo>(StringComparer.Ordinal);
        var chain = new List<string>();
        for (var t = resourceType; t is not null; t = _definitions.BaseTypeName(t))
        {
            chain.Add(t);
        }
        // Most specific wins: walk from the root type down.
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            if (_byType.TryGetValue(chain[i], out var ps))
            {
                foreach (var (code, p) in ps)
                {
                    result[code] = p;
                }
            }
        }
        return [.. result.Values.OrderBy(p => p.Code, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Keeps the parts of a union expression (<c>A.code | B.code</c>) that start at <paramref name="resourceType"/>,
    /// so that indexing a resource evaluates only its own path. Expressions that are not such unions stay whole.
    /// </summary>
    internal static string NarrowTo(string expression, string resourceType)
    {
        var parts = SplitTopLevelUnion(expression);
        if (parts.Count < 2)
        {
            return expression;
        }
        var own = parts.Where(p => StartsWithType(p, resourceType)).ToList();
        return own.Count == 0 ? expression : string.Join(" | ", own);
    }

    private static bool StartsWithType(string part, string resourceType)
    {
        var p = part.TrimStart('(', ' ');
        return p.StartsWith(resourceType, StringComparison.Ordinal)
            && (p.Length == resourceType.Length || p[resourceType.Length] is '.' or ' ' or ')');
    }

    private static List<string> SplitTopLevelUnion(string expression)
    {
        var parts = new List<string>();
        var depth = 0;
        var inString = false;
        var start = 0;
        for (var i = 0; i < expression.Length; i++)
        {
            var ch = expression[i];
            if (ch == '\'' && (i == 0 || expression[i - 1] != '\\'))
            {
                inString = !inString;
            }
            else if (!inString && ch is '(' or '[')
            {
                depth++;
            }
            else if (!inString && ch is ')' or ']')
            {
                depth--;
            }
            else if (!inString && depth == 0 && ch == '|')
            {
                parts.Add(expression[start..i].Trim());
                start = i + 1;
            }
        }
        parts.Add(expression[start..].Trim());
        return parts;
    }

    private static SearchParamType ParseType(string type) => type switch
    {
        "number" => SearchParamType.Number,
        "date" => SearchParamType.Date,
        "string" => SearchParamType.String,
        "token" => SearchParamType.Token,
        "reference" => SearchParamType.Reference,
        "composite" => SearchParamType.Composite,
        "quantity" => SearchParamType.Quantity,
        "uri" => SearchParamType.Uri,
        _ => SearchParamType.Special,
    };

    private static bool HasStandardsStatus(JsonElement sp) =>
        sp.TryGetProperty("extension", out var extensions)
        && extensions.EnumerateArray().Any(x => x.GetProperty("url").GetString() == StandardsStatus);

    private static List<string> Strings(JsonElement owner, string name) =>
        owner.TryGetProperty(name, out var values) ? [.. values.EnumerateArray().Select(v => v.GetString()!)] : [];
}
