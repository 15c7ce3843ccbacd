using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Fhir.Core.Definitions;
using Fhir.Core.Model;

namespace Fhir.Path.Services;

/// <summary>
/// A light <c>conformsTo()</c> over the StructureDefinitions held by a <see cref="FhirDefinitions"/>. For a type's own
/// definition it checks the type (a Patient conforms to Patient and to DomainResource). For a constraining profile
/// it also checks, on the elements the profile does not slice, the cardinalities, fixed and pattern primitive
/// values, and the error-level invariants of the snapshot. Full validation (slicing, bindings, nested profiles)
/// belongs to the validator, which can supply its own <see cref="IProfileValidator"/>.
/// </summary>
public sealed class DefinitionsProfileValidator : IProfileValidator
{
    private static readonly ConditionalWeakTable<FhirDefinitions, DefinitionsProfileValidator> Instances = [];

    private readonly FhirDefinitions _definitions;
    private readonly ConcurrentDictionary<string, Profile?> _profiles = new(StringComparer.Ordinal);

    /// <summary>Creates a validator over <paramref name="definitions"/>.</summary>
    public DefinitionsProfileValidator(FhirDefinitions definitions)
    {
        _definitions = definitions;
    }

    /// <summary>The shared validator for <paramref name="definitions"/>.</summary>
    public static DefinitionsProfileValidator For(FhirDefinitions definitions) =>
        Instances.GetValue(definitions, static d => new DefinitionsProfileValidator(d));

    private sealed record Rule(string Path, string[] Steps, int Min, int? Max, string? Fixed, List<(string Key, string Expression)> Invariants);

    private sealed record Profile(string Type, bool IsConstraint, List<Rule> Rules);

    /// <inheritdoc />
    public bool? ConformsTo(ElementNode node, string profileUrl)
    {
        var profile = _profiles.GetOrAdd(profileUrl.Split('|')[0], Load);
        if (profile is null)
        {
            return null;
        }
        if (!node.Type.IsA(profile.Type))
        {
            return false;
        }
        if (!profile.IsConstraint)
        {
            return true;
        }
        foreach (var rule in profile.Rules)
        {
            if (rule.Steps.Length == 0)
            {
                // The root: its invariants apply to the resource itself.
                foreach (var (_, expression) in rule.Invariants)
                {
                    if (!Holds(expression, node, node))
                    {
                        return false;
                    }
                }
                continue;
            }
            foreach (var parent in Select(node, rule.Steps.AsSpan(0, rule.Steps.Length - 1)))
            {
                var matches = parent.Children.Where(c => c.Name == rule.Steps[^1]).ToList();
                if (matches.Count < rule.Min || (rule.Max is { } max && matches.Count > max))
                {
                    return false;
                }
                foreach (var match in matches)
                {
                    if (rule.Fixed is not null && match.Value is not null && !string.Equals(Convert.ToString(match.Value, System.Globalization.CultureInfo.InvariantCulture), rule.Fixed, StringComparison.Ordinal))
                    {
                        return false;
                    }
                    foreach (var (_, expression) in rule.Invariants)
                    {
                        if (!Holds(expression, match, node))
                        {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }

    private bool Holds(string expression, ElementNode element, ElementNode resource)
    {
        try
        {
            var compiled = FhirPathCompiler.Compile(expression, new CompileOptions { Definitions = _definitions });
            var context = new EvaluationContext { Definitions = _definitions, Resource = resource, ProfileValidator = this };
            return compiled.EvaluateBoolean(element, context) != false;
        }
        catch (FhirPathException)
        {
            return false;
        }
    }

    private static IEnumerable<ElementNode> Select(ElementNode root, ReadOnlySpan<string> steps)
    {
        IEnumerable<ElementNode> current = [root];
        foreach (var step in steps)
        {
            var name = step;
            current = current.SelectMany(n => n.Children.Where(c => c.Name == name)).ToList();
        }
        return current;
    }

    private Profile? Load(string url)
    {
        var entry = _definitions.FindByUrl(url);
        if (entry is null || entry.ResourceType != "StructureDefinition" || entry.Type is null)
        {
            return null;
        }
        var isConstraint = entry.Derivation == "constraint";
        var rules = new List<Rule>();
        if (!isConstraint)
        {
            return new Profile(entry.Type, false, rules);
        }
        using var doc = JsonDocument.Parse(_definitions.ReadJson(entry));
        if (!doc.RootElement.TryGetProperty("snapshot", out var snapshot))
        {
            return new Profile(entry.Type, true, rules);
        }
        var sliced = new List<string>();
        foreach (var element in snapshot.GetProperty("element").EnumerateArray())
        {
            var path = element.GetProperty("path").GetString()!;
            var id = element.TryGetProperty("id", out var idValue) ? idValue.GetString()! : path;
            if (element.TryGetProperty("slicing", out _))
            {
                sliced.Add(path);
            }
            // Slices, and anything inside a slice, need the validator's slicing logic.
            if (id.Contains(':') || sliced.Any(s => path.StartsWith(s + ".", StringComparison.Ordinal)))
            {
                continue;
            }
            var steps = path.Split('.')[1..];
            if (steps.Any(s => s.EndsWith("[x]", StringComparison.Ordinal)))
            {
                steps = [.. steps.Select(s => s.EndsWith("[x]", StringComparison.Ordinal) ? s[..^3] : s)];
            }
            var min = element.TryGetProperty("min", out var m) ? m.GetInt32() : 0;
            int? max = element.TryGetProperty("max", out var x) && x.GetString() is { } ms && ms != "*" ? int.Parse(ms, System.Globalization.CultureInfo.InvariantCulture) : null;
            string? fixedValue = null;
            foreach (var property in element.EnumerateObject())
            {
                if ((property.Name.StartsWith("fixed", StringComparison.Ordinal) || property.Name.StartsWith("pattern", StringComparison.Ordinal))
                    && property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                {
                    fixedValue = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
                }
            }
            var invariants = new List<(string, string)>();
            if (element.TryGetProperty("constraint", out var constraints))
            {
                foreach (var c in constraints.EnumerateArray())
                {
                    if (c.TryGetProperty("severity", out var sev) && sev.GetString() == "error" && c.TryGetProperty("expression", out var ex)
                        && c.TryGetProperty("key", out var key))
                    {
                        invariants.Add((key.GetString()!, ex.GetString()!));
                    }
                }
            }
            if (steps.Length == 0 ? invariants.Count > 0 : min > 0 || max is not null || fixedValue is not null || invariants.Count > 0)
            {
                rules.Add(new Rule(path, steps, min, max, fixedValue, invariants));
            }
        }
        return new Profile(entry.Type, true, rules);
    }
}
