using System.Text.Json;
using Fhir.Core.Definitions;
using Fhir.Core.Outcomes;
using Fhir.Path;

namespace Fhir.Search.Parameters;

/// <summary>
/// Whether a SearchParameter resource can be used for indexing: the elements indexing relies on
/// are present and each base type's expression compiles. Runs before such a resource is stored
/// or loaded, so that a bad one is refused instead of breaking every later write of its types.
/// </summary>
public static class SearchParameterCheck
{
    private static readonly string[] Types = ["number", "date", "string", "token", "reference", "composite", "quantity", "uri", "special"];

    /// <summary>The errors that make <paramref name="sp"/> unusable (empty when it is usable).</summary>
    public static IReadOnlyList<Issue> Check(JsonElement sp, FhirDefinitions definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var issues = new List<Issue>();
        if (sp.ValueKind != JsonValueKind.Object || !sp.TryGetProperty("resourceType", out var rt) || rt.ValueKind != JsonValueKind.String || rt.GetString() != "SearchParameter")
        {
            issues.Add(Issue.Error(IssueType.Invalid, "Not a SearchParameter resource."));
            return issues;
        }
        RequireString(sp, "url", issues);
        var code = RequireString(sp, "code", issues);
        if (code is not null && (code.Length == 0 || code.Any(c => char.IsWhiteSpace(c) || c is '=' or '&' or ':' or ',' or '$' or '|' or '.')))
        {
            issues.Add(Issue.Error(IssueType.Invalid, $"'{code}' cannot be used as a search parameter name.", "SearchParameter.code"));
        }
        var type = RequireString(sp, "type", issues);
        if (type is not null && !Types.Contains(type))
        {
            issues.Add(Issue.Error(IssueType.Value, $"'{type}' is not a search parameter type.", "SearchParameter.type"));
        }
        var bases = new List<string>();
        if (!sp.TryGetProperty("base", out var baseArray) || baseArray.ValueKind != JsonValueKind.Array || baseArray.GetArrayLength() == 0)
        {
            issues.Add(Issue.Error(IssueType.Required, "SearchParameter.base is required: the resource types the parameter applies to.", "SearchParameter.base"));
        }
        else
        {
            var i = 0;
            foreach (var b in baseArray.EnumerateArray())
            {
                var name = b.ValueKind == JsonValueKind.String ? b.GetString()! : "";
                if (definitions.IsResourceType(name) || name is "Resource" or "DomainResource")
                {
                    bases.Add(name);
                }
                else
                {
                    issues.Add(Issue.Error(IssueType.Value, $"'{name}' is not a resource type.", $"SearchParameter.base[{i}]"));
                }
                i++;
            }
        }

        var expression = sp.TryGetProperty("expression", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        if (expression is null)
        {
            if (type is not (null or "special" or "composite"))
            {
                issues.Add(Issue.Error(IssueType.Required, "SearchParameter.expression is required: the server extracts index values with it.", "SearchParameter.expression"));
            }
        }
        else
        {
            // Each base type indexes its own narrowed part, so that is what must compile.
            foreach (var narrowed in bases.Select(b => SearchParameterRegistry.NarrowTo(expression, b)).Distinct())
            {
                if (!FhirPathCompiler.TryCompile(narrowed, out _, out var error))
                {
                    issues.Add(Issue.Error(IssueType.Invalid, $"The expression '{narrowed}' is not valid FHIRPath: {error!.Message}", "SearchParameter.expression"));
                }
            }
        }
        if (type == "composite" && sp.TryGetProperty("component", out var components) && components.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var component in components.EnumerateArray())
            {
                var part = component.TryGetProperty("expression", out var pe) && pe.ValueKind == JsonValueKind.String ? pe.GetString() : null;
                if (part is null || !component.TryGetProperty("definition", out var d) || d.ValueKind != JsonValueKind.String)
                {
                    issues.Add(Issue.Error(IssueType.Required, "A composite component needs a definition and an expression.", $"SearchParameter.component[{i}]"));
                }
                else if (!FhirPathCompiler.TryCompile(part, out _, out var error))
                {
                    issues.Add(Issue.Error(IssueType.Invalid, $"The expression '{part}' is not valid FHIRPath: {error!.Message}", $"SearchParameter.component[{i}].expression"));
                }
                i++;
            }
        }
        return issues;
    }

    private static string? RequireString(JsonElement sp, string name, List<Issue> issues)
    {
        if (sp.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text)
        {
            return text;
        }
        issues.Add(Issue.Error(IssueType.Required, $"SearchParameter.{name} is required.", $"SearchParameter.{name}"));
        return null;
    }
}
