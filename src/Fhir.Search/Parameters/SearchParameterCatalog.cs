using Fhir.Search.Indexing;

namespace Fhir.Search.Parameters;

/// <summary>
/// The search parameters in force now: the base registry plus custom SearchParameter resources
/// (from the profiles folder, or written to the server), each kept under its source (a file path
/// or <c>SearchParameter/[id]</c>). Every change publishes a new immutable
/// <see cref="SearchParameterSnapshot"/>; a write takes <see cref="Current"/> once and indexes
/// with it, so it never sees half a change.
/// </summary>
public sealed class SearchParameterCatalog
{
    private readonly object _gate = new();
    private readonly SearchParameterRegistry _base;
    // Sources in the order they were first added: a later source wins a (type, code) clash.
    private readonly List<(string Source, IReadOnlyList<SearchParameterInfo> Parameters)> _sources = [];
    private volatile SearchParameterSnapshot _current;

    /// <summary>A catalog of <paramref name="baseRegistry"/> alone (usually <see cref="SearchParameterRegistry.CreateR4"/>).</summary>
    public SearchParameterCatalog(SearchParameterRegistry baseRegistry)
    {
        ArgumentNullException.ThrowIfNull(baseRegistry);
        _base = baseRegistry;
        _current = new SearchParameterSnapshot(baseRegistry, new ResourceIndexer(baseRegistry));
    }

    /// <summary>The registry in force and the indexer built for it.</summary>
    public SearchParameterSnapshot Current => _current;

    /// <summary>
    /// Sets the parameters that come from <paramref name="source"/> (replacing what it gave before)
    /// and returns the (type, code) pairs whose definition changed: resources of those types need
    /// their index rows of those codes rebuilt.
    /// </summary>
    public IReadOnlyList<(string ResourceType, string Code)> Set(string source, IReadOnlyList<SearchParameterInfo> parameters)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(parameters);
        lock (_gate)
        {
            var at = _sources.FindIndex(s => s.Source == source);
            IReadOnlyList<SearchParameterInfo> before = at < 0 ? [] : _sources[at].Parameters;
            if (at < 0)
            {
                _sources.Add((source, parameters));
            }
            else
            {
                _sources[at] = (source, parameters);
            }
            return Publish(before, parameters);
        }
    }

    /// <summary>Removes what <paramref name="source"/> gave; returns the (type, code) pairs that changed.</summary>
    public IReadOnlyList<(string ResourceType, string Code)> Remove(string source)
    {
        lock (_gate)
        {
            var at = _sources.FindIndex(s => s.Source == source);
            if (at < 0)
            {
                return [];
            }
            var before = _sources[at].Parameters;
            _sources.RemoveAt(at);
            return Publish(before, []);
        }
    }

    // Under the gate: builds the next snapshot and reports the pairs whose effective definition differs.
    private List<(string, string)> Publish(IReadOnlyList<SearchParameterInfo> before, IReadOnlyList<SearchParameterInfo> after)
    {
        var old = _current.Registry;
        var next = _base.With(_sources.SelectMany(s => s.Parameters), old.Version + 1);
        var changed = new List<(string, string)>();
        foreach (var (type, code) in before.Concat(after).Select(p => (p.ResourceType, p.Code)).Distinct())
        {
            if (!Same(old.Find(type, code), next.Find(type, code)))
            {
                changed.Add((type, code));
            }
        }
        if (changed.Count > 0)
        {
            _current = new SearchParameterSnapshot(next, new ResourceIndexer(next));
        }
        return changed;
    }

    private static bool Same(SearchParameterInfo? a, SearchParameterInfo? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Url == b.Url && a.Code == b.Code && a.ResourceType == b.ResourceType && a.Type == b.Type && a.Expression == b.Expression
              && a.Targets.SequenceEqual(b.Targets) && a.Components.SequenceEqual(b.Components);
}

/// <summary>One consistent state of the search parameters: the registry and the indexer that uses it.</summary>
/// <param name="Registry">The parameters, numbered by <see cref="SearchParameterRegistry.Version"/>.</param>
/// <param name="Indexer">Extracts index values with exactly these parameters.</param>
public sealed record SearchParameterSnapshot(SearchParameterRegistry Registry, ResourceIndexer Indexer);
