using System.Text.Json.Nodes;

namespace Fhir.Validation.Tests.Snapshots;

/// <summary>One way a generated snapshot differs from the official one.</summary>
internal sealed record SnapshotDifference(string ElementId, string Aspect, string Official, string Generated)
{
    public override string ToString() => $"{ElementId} {Aspect}: official {Official}, generated {Generated}";
}

/// <summary>
/// Compares two snapshots element by element on what validation depends on: ids (and their order), paths, cardinality,
/// types with their profiles, fixed and pattern values, bindings, slicing and constraint keys.
/// </summary>
internal static class SnapshotComparer
{
    public static List<SnapshotDifference> Compare(JsonObject official, JsonObject generated)
    {
        var differences = new List<SnapshotDifference>();
        var ours = Elements(generated);
        var ourIds = ours.Select(Id).ToHashSet(StringComparer.Ordinal);
        var theirs = new List<(string Id, JsonObject Element, bool Renamed)>();
        foreach (var element in Elements(official))
        {
            var (id, renamed) = Normalize(Id(element), ourIds);
            var existing = theirs.FindIndex(t => t.Id == id);
            if (existing >= 0)
            {
                theirs[existing] = (id, element, true); // the type slice of a renamed choice replaces its choice element
            }
            else
            {
                theirs.Add((id, element, renamed));
            }
        }
        var byId = ours.GroupBy(Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var (id, element, renamed) in theirs)
        {
            if (!byId.TryGetValue(id, out var mine))
            {
                differences.Add(new(id, "missing", "present", "absent"));
                continue;
            }
            Check(differences, id, "path", Path(element), Path(mine));
            Check(differences, id, "min", Text(element["min"]), Text(mine["min"]));
            Check(differences, id, "max", Text(element["max"]), Text(mine["max"]));
            Check(differences, id, "type", Types(element), Types(mine));
            Check(differences, id, "fixed/pattern", Values(element), Values(mine));
            Check(differences, id, "binding", Binding(element), Binding(mine));
            if (!renamed)
            {
                Check(differences, id, "slicing", Slicing(element), Slicing(mine));
            }
            Check(differences, id, "constraints", Keys(element), Keys(mine));
        }
        var theirIds = theirs.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var id in ours.Select(Id).Where(i => !theirIds.Contains(i)))
        {
            differences.Add(new(id, "extra", "absent", "present"));
        }
        var order = ours.Select(Id).Where(theirIds.Contains).ToList();
        var expectedOrder = theirs.Select(t => t.Id).Where(byId.ContainsKey).ToList();
        if (!order.SequenceEqual(expectedOrder))
        {
            var at = order.Zip(expectedOrder).TakeWhile(p => p.First == p.Second).Count();
            differences.Add(new(at < expectedOrder.Count ? expectedOrder[at] : "(end)", "order", "here", at < order.Count ? order[at] : "(end)"));
        }
        return differences;
    }

    /// <summary>
    /// The R4 publication tool writes a top-level renamed choice (<c>Observation.valueQuantity</c> in the differential) as a
    /// type slice <c>value[x]:valueQuantity</c>; this generator restricts <c>value[x]</c> itself. The official ids are read as ours.
    /// </summary>
    private static (string Id, bool Renamed) Normalize(string id, HashSet<string> ourIds)
    {
        if (ourIds.Contains(id))
        {
            return (id, false);
        }
        var marker = id.IndexOf("[x]:", StringComparison.Ordinal);
        if (marker < 0)
        {
            return (id, false);
        }
        var end = id.IndexOf('.', marker);
        var stemStart = id.LastIndexOf('.', marker) + 1;
        var stem = id[stemStart..marker];
        var slice = id[(marker + 4)..(end < 0 ? id.Length : end)];
        if (!slice.StartsWith(stem, StringComparison.Ordinal) || slice.Length == stem.Length || !char.IsUpper(slice[stem.Length]))
        {
            return (id, false);
        }
        return (id[..(marker + 3)] + (end < 0 ? "" : id[end..]), true);
    }

    private static void Check(List<SnapshotDifference> differences, string id, string aspect, string official, string generated)
    {
        if (official != generated)
        {
            differences.Add(new(id, aspect, official, generated));
        }
    }

    private static List<JsonObject> Elements(JsonObject sd) => [.. ((JsonArray)sd["snapshot"]!["element"]!).OfType<JsonObject>()];

    private static string Id(JsonObject element) => element["id"]?.GetValue<string>() ?? element["path"]!.GetValue<string>();

    // Paths inside a renamed choice differ only by the choice name, which ids already compare.
    private static string Path(JsonObject element) => Text(element["path"]);

    private static string Text(JsonNode? node) => node?.ToJsonString() ?? "-";

    private static string Types(JsonObject element) => string.Join(" ", ((element["type"] as JsonArray) ?? []).OfType<JsonObject>().Select(t =>
        Text(t["code"]) + Sorted(t["profile"]) + Sorted(t["targetProfile"])));

    private static string Sorted(JsonNode? list) => list is JsonArray a ? "[" + string.Join(",", a.Select(x => x!.GetValue<string>()).Order(StringComparer.Ordinal)) + "]" : "";

    private static string Values(JsonObject element) => string.Join(" ", element.Where(p => p.Key.StartsWith("fixed", StringComparison.Ordinal) || p.Key.StartsWith("pattern", StringComparison.Ordinal))
        .OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + Canonical(p.Value)));

    private static string Binding(JsonObject element) =>
        element["binding"] is JsonObject b ? Text(b["strength"]) + " " + Text(b["valueSet"]) : "-";

    private static string Slicing(JsonObject element) => element["slicing"] is JsonObject s
        ? string.Join(",", ((s["discriminator"] as JsonArray) ?? []).Select(d => Text(d!["type"]) + ":" + Text(d!["path"])))
          + " " + Text(s["rules"]) + " ordered=" + (s["ordered"]?.GetValue<bool>() ?? false)
        : "-";

    private static string Keys(JsonObject element) =>
        string.Join(",", ((element["constraint"] as JsonArray) ?? []).Select(c => c!["key"]!.GetValue<string>()).Order(StringComparer.Ordinal));

    // Property order inside a fixed value carries no meaning.
    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + ":" + Canonical(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        _ => Text(node),
    };
}
