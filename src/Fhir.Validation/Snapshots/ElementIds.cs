using System.Text.Json.Nodes;

namespace Fhir.Validation.Snapshots;

/// <summary>One step of an element id: <c>component:systolic</c> is name <c>component</c>, slice <c>systolic</c>.</summary>
internal readonly record struct IdSegment(string Name, string? Slice);

/// <summary>Reads element ids (<c>Observation.component:copyNumber.value[x]</c>), and makes them up for elements that have none.</summary>
internal sealed class ElementIds
{
    // The id last given to each path, so that an element without an id lands in the slice most recently opened above it.
    private readonly Dictionary<string, string> _idByPath = new(StringComparer.Ordinal);

    /// <summary>The element's id, or one derived from its path and slice name and the elements before it.</summary>
    public string IdOf(JsonObject element)
    {
        var path = element["path"]?.GetValue<string>() ?? "";
        var id = element["id"]?.GetValue<string>();
        if (id is null)
        {
            var dot = path.LastIndexOf('.');
            id = (dot < 0 ? path : IdOfPath(path[..dot]) + path[dot..])
                + (element["sliceName"]?.GetValue<string>() is { } slice ? ":" + slice : "");
        }
        _idByPath[path] = id;
        // Children of a slice entry are children of the slice; forget deeper ids that belonged to an earlier slice.
        foreach (var stale in _idByPath.Keys.Where(k => k.StartsWith(path + ".", StringComparison.Ordinal)).ToList())
        {
            _idByPath.Remove(stale);
        }
        return id;
    }

    // An ancestor that was not itself in the list (the differential skipped it) still sits inside the slice above it.
    private string IdOfPath(string path)
    {
        if (_idByPath.TryGetValue(path, out var id))
        {
            return id;
        }
        var dot = path.LastIndexOf('.');
        return dot < 0 ? path : IdOfPath(path[..dot]) + path[dot..];
    }

    /// <summary>The segments of an id; a slice name containing dots stays whole when the path says how many segments there are.</summary>
    public static List<IdSegment> Split(string id, string? path)
    {
        var parts = id.Split('.');
        var expected = path?.Split('.').Length ?? parts.Length;
        var merged = new List<string>(parts.Length);
        for (var i = 0; i < parts.Length; i++)
        {
            var remaining = parts.Length - i;
            var needed = expected - merged.Count;
            if (remaining > needed && merged.Count > 0 && merged[^1].Contains(':', StringComparison.Ordinal))
            {
                merged[^1] += "." + parts[i];
                continue;
            }
            merged.Add(parts[i]);
        }
        return [.. merged.Select(p =>
        {
            var colon = p.IndexOf(':');
            return colon < 0 ? new IdSegment(p, null) : new IdSegment(p[..colon], p[(colon + 1)..]);
        })];
    }
}
