using System.Collections.Concurrent;
using Fhir.Core.Model;
using Fhir.Path;
using Fhir.Validation.Conformance;

namespace Fhir.Validation.Terminology;

/// <summary>
/// Expands value sets locally from a conformance source (compose include/exclude, concept lists, whole code systems,
/// <c>is-a</c>, <c>descendent-of</c> and <c>=</c> filters on local CodeSystems, imported value sets, or a stored
/// expansion) and answers membership. Expansions are cached until <see cref="Clear"/>. Thread-safe.
/// </summary>
internal sealed class LocalTerminology(IConformanceSource source) : ITerminologyService
{
    private const int MaxDepth = 10;

    private readonly ConcurrentDictionary<string, Lazy<Expansion?>> _expansions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CodeSystemIndex?> _codeSystems = new(StringComparer.Ordinal);

    public Membership Check(string valueSet, string? system, string code)
    {
        var expansion = Expand(valueSet, 0);
        return expansion is null ? Membership.UnknownValueSet : expansion.Check(system, code);
    }

    /// <summary>True when the code system is held locally with all its concepts.</summary>
    public bool IsAvailable(string system) => CodeSystem(system) is { Complete: true };

    /// <inheritdoc />
    public bool? IsMember(string valueSetUrl, string? system, string code) => Check(valueSetUrl, system, code) switch
    {
        Membership.Member => true,
        Membership.NotMember => false,
        _ => null,
    };

    /// <summary>Every code of a value set as (system, code), or null when it is unknown or cannot be expanded completely here.</summary>
    public IReadOnlyCollection<(string System, string Code)>? Codes(string valueSetUrl)
    {
        var expansion = Expand(valueSetUrl, 0);
        if (expansion is null || expansion.Incomplete || expansion.Unavailable.Count > 0)
        {
            return null;
        }
        return [.. expansion.BySystem.SelectMany(s => s.Value.Select(code => (s.Key, code)))];
    }

    /// <summary>
    /// The code and the codes below it (<paramref name="below"/>) or above it in a local, complete
    /// CodeSystem's hierarchy; null when the system or code is not known here.
    /// </summary>
    public IReadOnlyCollection<string>? Related(string system, string code, bool below)
    {
        if (CodeSystem(system) is not { Complete: true } index || !index.All.Contains(code))
        {
            return null;
        }
        if (below)
        {
            return index.Descendants(code, includeSelf: true);
        }
        // Ancestors: the codes whose descendants include this one (hierarchies here are small).
        return [.. index.All.Where(c => c == code || index.Descendants(c, includeSelf: false).Contains(code))];
    }

    public void Clear()
    {
        _expansions.Clear();
        _codeSystems.Clear();
    }

    private Expansion? Expand(string canonical, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }
        var bar = canonical.IndexOf('|');
        var url = bar >= 0 ? canonical[..bar] : canonical;
        if (_expansions.TryGetValue(url, out var cached))
        {
            return cached.Value;
        }
        return _expansions.GetOrAdd(url, u => new Lazy<Expansion?>(() => Build(u, depth))).Value;
    }

    private Expansion? Build(string url, int depth)
    {
        var valueSet = source.Find(url);
        if (valueSet is null || valueSet.Type.Name != "ValueSet")
        {
            return null;
        }
        var result = new Expansion();
        if (valueSet.Child("compose") is { } compose)
        {
            foreach (var include in compose.ChildrenNamed("include"))
            {
                result.UnionWith(Include(include, depth));
            }
            foreach (var exclude in compose.ChildrenNamed("exclude"))
            {
                var removed = Include(exclude, depth);
                foreach (var (system, codes) in removed.BySystem)
                {
                    if (result.BySystem.TryGetValue(system, out var kept))
                    {
                        kept.ExceptWith(codes);
                    }
                }
            }
            return result;
        }
        if (valueSet.Child("expansion") is { } expansion)
        {
            AddContains(expansion, result);
            return result;
        }
        result.Incomplete = true;
        return result;
    }

    private static void AddContains(ElementNode holder, Expansion into)
    {
        foreach (var contains in holder.ChildrenNamed("contains"))
        {
            if (contains.GetString("system") is { } system && contains.GetString("code") is { } code)
            {
                into.Add(system, code);
            }
            AddContains(contains, into);
        }
    }

    private Expansion Include(ElementNode include, int depth)
    {
        var part = new Expansion();
        var system = include.GetString("system");
        if (system is not null)
        {
            IncludeSystem(include, system, part);
        }
        // Imported value sets: alone they are a union; beside a system they narrow it.
        Expansion? imported = null;
        foreach (var import in include.ChildrenNamed("valueSet"))
        {
            if (import.Value is not string importUrl)
            {
                continue;
            }
            var expansion = Expand(importUrl, depth + 1);
            var next = new Expansion();
            if (expansion is null)
            {
                next.Incomplete = true;
            }
            else
            {
                next.UnionWith(expansion);
            }
            imported = imported is null ? next : Intersect(imported, next);
        }
        if (imported is null)
        {
            return part;
        }
        return system is null ? imported : Intersect(part, imported);
    }

    private static Expansion Intersect(Expansion a, Expansion b)
    {
        var result = new Expansion { Incomplete = a.Incomplete || b.Incomplete };
        foreach (var (system, codes) in a.BySystem)
        {
            foreach (var code in codes)
            {
                if (b.Contains(system, code) || b.Unavailable.Contains(system))
                {
                    result.Add(system, code);
                }
            }
        }
        foreach (var system in a.Unavailable)
        {
            result.Unavailable.Add(system);
        }
        return result;
    }

    private void IncludeSystem(ElementNode include, string system, Expansion into)
    {
        var listed = false;
        foreach (var concept in include.ChildrenNamed("concept"))
        {
            listed = true;
            if (concept.GetString("code") is { } code)
            {
                into.Add(system, code);
            }
        }
        if (listed)
        {
            return;
        }
        var codeSystem = CodeSystem(system);
        if (codeSystem is null)
        {
            into.Unavailable.Add(system);
            return;
        }
        if (!codeSystem.Complete)
        {
            // A fragment or example: what it lists is in, anything else cannot be decided.
            into.Unavailable.Add(system);
        }
        HashSet<string>? selected = null;
        foreach (var filter in include.ChildrenNamed("filter"))
        {
            var property = filter.GetString("property");
            var op = filter.GetString("op");
            var value = filter.GetString("value") ?? "";
            List<string> codes;
            if (property == "concept" && op is "is-a" or "descendent-of")
            {
                codes = codeSystem.Descendants(value, includeSelf: op == "is-a");
            }
            else if (property == "concept" && op == "=")
            {
                codes = codeSystem.All.Contains(value) ? [value] : [];
            }
            else
            {
                into.Unavailable.Add(system);
                return;
            }
            if (selected is null)
            {
                selected = new HashSet<string>(codes, StringComparer.Ordinal);
            }
            else
            {
                selected.IntersectWith(codes);
            }
        }
        foreach (var code in selected ?? codeSystem.All)
        {
            into.Add(system, code);
        }
    }

    private CodeSystemIndex? CodeSystem(string system) => _codeSystems.GetOrAdd(system, url =>
        source.Find(url) is { } node && node.Type.Name == "CodeSystem" ? CodeSystemIndex.From(node, url) : null);
}
