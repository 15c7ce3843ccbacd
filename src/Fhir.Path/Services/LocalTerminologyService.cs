using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Fhir.Core.Definitions;

namespace Fhir.Path.Services;

/// <summary>
/// A terminology service over the value sets and code systems held by a <see cref="FhirDefinitions"/>: it expands
/// value sets from their expansion, or from their compose (listed concepts, whole code systems, is-a and
/// descendent-of filters, imported value sets, exclusions). Codes of systems it does not hold (SNOMED CT, LOINC)
/// are "unknown" (null), not "not a member". Expansions are cached; the service is thread-safe.
/// </summary>
public sealed class LocalTerminologyService : ITerminologyService
{
    private static readonly ConditionalWeakTable<FhirDefinitions, LocalTerminologyService> Instances = [];

    private readonly FhirDefinitions _definitions;
    private readonly ConcurrentDictionary<string, Expansion?> _expansions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CodeSystemIndex?> _codeSystems = new(StringComparer.Ordinal);

    /// <summary>Creates a service over <paramref name="definitions"/>.</summary>
    public LocalTerminologyService(FhirDefinitions definitions)
    {
        _definitions = definitions;
    }

    /// <summary>The shared service for <paramref name="definitions"/>.</summary>
    public static LocalTerminologyService For(FhirDefinitions definitions) =>
        Instances.GetValue(definitions, static d => new LocalTerminologyService(d));

    /// <inheritdoc />
    public bool? IsMember(string valueSetUrl, string? system, string code)
    {
        var expansion = Expand(valueSetUrl, depth: 0);
        if (expansion is null)
        {
            return null;
        }
        if (expansion.Contains(system, code))
        {
            return true;
        }
        // Outside the part that could be expanded: unknown, unless everything was expanded.
        return expansion.Complete || (system is not null && expansion.CompleteSystems.Contains(system)) ? false : null;
    }

    private sealed class Expansion
    {
        public HashSet<(string System, string Code)> Codes { get; } = [];

        public HashSet<string> BareCodes { get; } = new(StringComparer.Ordinal);

        public HashSet<string> CompleteSystems { get; } = new(StringComparer.Ordinal);

        public bool Complete { get; set; } = true;

        public void Add(string system, string code)
        {
            Codes.Add((system, code));
            BareCodes.Add(code);
        }

        public bool Contains(string? system, string code) => system is null ? BareCodes.Contains(code) : Codes.Contains((system, code));
    }

    private sealed record CodeSystemIndex(string Url, bool Complete, Dictionary<string, List<string>> Children, List<string> All);

    private Expansion? Expand(string url, int depth)
    {
        if (depth > 10)
        {
            return null;
        }
        var bar = url.IndexOf('|');
        var key = bar < 0 ? url : url[..bar];
        return _expansions.GetOrAdd(key, k => Build(k, depth));
    }

    private Expansion? Build(string url, int depth)
    {
        var entry = _definitions.FindByUrl(url);
        if (entry is null || entry.ResourceType != "ValueSet")
        {
            return null;
        }
        using var doc = JsonDocument.Parse(_definitions.ReadJson(entry));
        var vs = doc.RootElement;
        var result = new Expansion();
        if (vs.TryGetProperty("compose", out var compose))
        {
            if (compose.TryGetProperty("include", out var includes))
            {
                foreach (var include in includes.EnumerateArray())
                {
                    Include(include, result, depth);
                }
            }
            if (compose.TryGetProperty("exclude", out var excludes))
            {
                foreach (var exclude in excludes.EnumerateArray())
                {
                    var removed = new Expansion();
                    Include(exclude, removed, depth);
                    foreach (var (system, code) in removed.Codes)
                    {
                        result.Codes.Remove((system, code));
                    }
                    result.BareCodes.Clear();
                    foreach (var (_, code) in result.Codes)
                    {
                        result.BareCodes.Add(code);
                    }
                    result.Complete &= removed.Complete;
                }
            }
        }
        else if (vs.TryGetProperty("expansion", out var expansion) && expansion.TryGetProperty("contains", out var contains))
        {
            AddContains(contains, result);
        }
        else
        {
            result.Complete = false;
        }
        return result;
    }

    private static void AddContains(JsonElement contains, Expansion into)
    {
        foreach (var c in contains.EnumerateArray())
        {
            if (c.TryGetProperty("system", out var s) && c.TryGetProperty("code", out var code))
            {
                into.Add(s.GetString()!, code.GetString()!);
            }
            if (c.TryGetProperty("contains", out var nested))
            {
                AddContains(nested, into);
            }
        }
    }

    private void Include(JsonElement include, Expansion into, int depth)
    {
        // Imported value sets intersect with the rest of the include; unioned here when alone.
        var imports = include.TryGetProperty("valueSet", out var vsArray) ? vsArray.EnumerateArray().Select(v => v.GetString()!).ToList() : [];
        var system = include.TryGetProperty("system", out var s) ? s.GetString() : null;
        if (system is null)
        {
            foreach (var import in imports)
            {
                var imported = Expand(import, depth + 1);
                if (imported is null)
                {
                    into.Complete = false;
                    continue;
                }
                foreach (var (sys, code) in imported.Codes)
                {
                    into.Add(sys, code);
                }
                into.Complete &= imported.Complete;
                into.CompleteSystems.UnionWith(imported.CompleteSystems);
            }
            return;
        }
        if (imports.Count > 0)
        {
            into.Complete = false;
            return;
        }
        if (include.TryGetProperty("concept", out var concepts))
        {
            foreach (var concept in concepts.EnumerateArray())
            {
                into.Add(system, concept.GetProperty("code").GetString()!);
            }
            return;
        }
        var codeSystem = CodeSystem(system);
        if (codeSystem is null || !codeSystem.Complete)
        {
            into.Complete = false;
            return;
        }
        if (!include.TryGetProperty("filter", out var filters))
        {
            foreach (var code in codeSystem.All)
            {
                into.Add(system, code);
            }
            into.CompleteSystems.Add(system);
            return;
        }
        IEnumerable<string>? selected = null;
        foreach (var filter in filters.EnumerateArray())
        {
            var property = filter.GetProperty("property").GetString();
            var op = filter.GetProperty("op").GetString();
            var value = filter.GetProperty("value").GetString()!;
            IEnumerable<string> codes;
            if (property == "concept" && op is "is-a" or "descendent-of")
            {
                codes = Descendants(codeSystem, value, includeSelf: op == "is-a");
            }
            else if (property == "concept" && op == "=")
            {
                codes = codeSystem.All.Contains(value) ? [value] : [];
            }
            else
            {
                into.Complete = false;
                return;
            }
            selected = selected is null ? codes.ToList() : selected.Intersect(codes).ToList();
        }
        foreach (var code in selected ?? [])
        {
            into.Add(system, code);
        }
    }

    private static IEnumerable<string> Descendants(CodeSystemIndex cs, string code, bool includeSelf)
    {
        var result = new List<string>();
        if (includeSelf && cs.All.Contains(code))
        {
            result.Add(code);
        }
        var pending = new Stack<string>();
        pending.Push(code);
        while (pending.Count > 0)
        {
            if (cs.Children.TryGetValue(pending.Pop(), out var children))
            {
                foreach (var child in children)
                {
                    result.Add(child);
                    pending.Push(child);
                }
            }
        }
        return result;
    }

    private CodeSystemIndex? CodeSystem(string url) => _codeSystems.GetOrAdd(url, u =>
    {
        var entry = _definitions.FindByUrl(u);
        if (entry is null || entry.ResourceType != "CodeSystem")
        {
            return null;
        }
        using var doc = JsonDocument.Parse(_definitions.ReadJson(entry));
        var root = doc.RootElement;
        var complete = root.TryGetProperty("content", out var content) && content.GetString() == "complete";
        var children = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var all = new List<string>();
        if (root.TryGetProperty("concept", out var concepts))
        {
            Walk(concepts, null, children, all);
        }
        return new CodeSystemIndex(u, complete, children, all);
    });

    private static void Walk(JsonElement concepts, string? parent, Dictionary<string, List<string>> children, List<string> all)
    {
        foreach (var concept in concepts.EnumerateArray())
        {
            var code = concept.GetProperty("code").GetString()!;
            all.Add(code);
            if (parent is not null)
            {
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }
                list.Add(code);
            }
            if (concept.TryGetProperty("concept", out var nested))
            {
                Walk(nested, code, children, all);
            }
        }
    }
}
