using System.Collections.Concurrent;
using Fhir.Validation.Conformance;

namespace Fhir.Validation.Validation;

/// <summary>
/// The compiled plans by canonical URL, each compiled once on first use. Entries are dropped when their
/// StructureDefinition changes; plans refer to each other by URL, so dropping one never leaves a stale reference.
/// </summary>
internal sealed class PlanCache(IConformanceSource source)
{
    private const string CoreBase = "http://hl7.org/fhir/StructureDefinition/";

    private readonly ConcurrentDictionary<string, Lazy<StructurePlan?>> _plans = new(StringComparer.Ordinal);
    // Core type plans by type name: the hot lookup of the walk, kept apart to skip building the URL.
    private readonly ConcurrentDictionary<string, StructurePlan?> _types = new(StringComparer.Ordinal);

    /// <summary>The plan of the StructureDefinition at <paramref name="canonical"/>; null when unknown or unusable.</summary>
    public StructurePlan? Get(string canonical)
    {
        if (_plans.TryGetValue(canonical, out var lazy))
        {
            return lazy.Value;
        }
        return _plans.GetOrAdd(canonical, static (url, self) => new Lazy<StructurePlan?>(() => self.Build(url)), this).Value;
    }

    /// <summary>The plan of a core type's own definition (<c>Observation</c>, <c>Quantity</c>).</summary>
    public StructurePlan? Type(string typeName)
    {
        if (_types.TryGetValue(typeName, out var plan))
        {
            return plan;
        }
        plan = Get(CoreBase + typeName);
        _types[typeName] = plan;
        return plan;
    }

    public void Invalidate(string canonical)
    {
        var bar = canonical.IndexOf('|');
        var url = bar >= 0 ? canonical[..bar] : canonical;
        _plans.TryRemove(url, out _);
        _plans.TryRemove(canonical, out _);
        if (url.StartsWith(CoreBase, StringComparison.Ordinal))
        {
            _types.TryRemove(url[CoreBase.Length..], out _);
        }
    }

    public void Clear()
    {
        _plans.Clear();
        _types.Clear();
    }

    private StructurePlan? Build(string url)
    {
        var definition = source.Find(url);
        return definition is null ? null : PlanCompiler.Compile(definition, Type);
    }
}
