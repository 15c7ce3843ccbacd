using System.Text.Json.Nodes;
using Fhir.Core.Outcomes;

namespace Fhir.Validation.Snapshots;

/// <summary>
/// Generates the snapshot of a StructureDefinition from its differential and its base's snapshot
/// (FHIR R4 "Profiling resources", §5.1.0.x): the base's elements in base order, each constrained by the differential
/// element with the same id; slices after their sliced element; complex types unfolded from their own (or their
/// profile's) snapshot where the differential constrains inside them.
/// </summary>
/// <param name="findStructure">A StructureDefinition (with snapshot) by canonical URL, or null; the returned JSON is not modified.</param>
internal sealed partial class SnapshotGenerator(Func<string, JsonObject?> findStructure)
{
    private const string CoreTypeBase = "http://hl7.org/fhir/StructureDefinition/";

    private JsonObject? FindStructure(string canonical) => findStructure(canonical);

    /// <summary>The StructureDefinition with a snapshot generated from its differential and base.</summary>
    public SnapshotResult Generate(JsonObject structureDefinition)
    {
        var url = structureDefinition["url"]?.GetValue<string>() ?? "(no url)";
        var issues = new List<Issue>();
        var baseUrl = structureDefinition["baseDefinition"]?.GetValue<string>();
        if (baseUrl is null || findStructure(baseUrl) is not { } baseDefinition || Elements(baseDefinition, "snapshot") is not { Count: > 0 } baseElements)
        {
            issues.Add(Issue.Error(IssueType.NotFound, $"{url}: the base definition '{baseUrl}' is not available (or has no snapshot).",
                "StructureDefinition.baseDefinition"));
            return new SnapshotResult(null, issues);
        }
        // A "specialisation" of the very type its base defines adds no type: HL7's tools read it as the constraint it is.
        if (structureDefinition["derivation"]?.GetValue<string>() is "specialization"
            && structureDefinition["type"]?.GetValue<string>() != baseDefinition["type"]?.GetValue<string>())
        {
            issues.Add(Issue.Error(IssueType.NotSupported, $"{url}: snapshots of specialisations (new types) are not generated; only constraints (profiles)."));
            return new SnapshotResult(null, issues);
        }
        var run = new Run(this, url, issues);
        var root = BuildTree(baseElements);
        var ids = new ElementIds();
        var differential = Elements(structureDefinition, "differential") ?? [];
        for (var i = 0; i < differential.Count; i++)
        {
            if (differential[i] is JsonObject diff)
            {
                var id = ids.IdOf(diff);
                var expression = $"StructureDefinition.differential.element[{i}]";
                var path = diff["path"]?.GetValue<string>();
                if (path is not null && diff["id"] is not null && string.Join('.', ElementIds.Split(id, path).Select(x => x.Name)) != path)
                {
                    issues.Add(Issue.Error(IssueType.Structure, $"{url}: differential element '{id}': its path '{path}' does not match its id.", expression));
                    continue;
                }
                run.Apply(root, diff, id, expression);
            }
        }
        if (issues.Any(x => x.IsError))
        {
            return new SnapshotResult(null, issues);
        }
        var output = new JsonArray();
        Emit(root, null, null, output);
        var result = (JsonObject)structureDefinition.DeepClone();
        result["snapshot"] = new JsonObject { ["element"] = output };
        return new SnapshotResult(result, issues);
    }

    internal static JsonArray? Elements(JsonObject structureDefinition, string part) => structureDefinition[part]?["element"] as JsonArray;

    /// <summary>The tree of a snapshot element list; elements whose parent is missing are attached by path as best as can be.</summary>
    internal static SnapshotNode BuildTree(JsonArray elements)
    {
        var ids = new ElementIds();
        var first = (JsonObject)elements[0]!;
        var root = SnapshotNode.FromElement(ids.IdOf(first), first, inherited: true);
        root.Children = [];
        for (var i = 1; i < elements.Count; i++)
        {
            if (elements[i] is not JsonObject element)
            {
                continue;
            }
            var segments = ElementIds.Split(ids.IdOf(element), element["path"]?.GetValue<string>());
            var parent = root;
            for (var s = 1; s < segments.Count - 1 && parent is not null; s++)
            {
                parent = Step(parent, segments[s]);
            }
            if (parent is null || segments.Count < 2)
            {
                continue;
            }
            var last = segments[^1];
            parent.Children ??= [];
            var node = SnapshotNode.FromElement(last.Name, element, inherited: true);
            if (last.Slice is null)
            {
                parent.Children.Add(node);
            }
            else if (SliceOwner(parent.Child(last.Name), last.Slice) is { } owner)
            {
                node.SliceName = last.Slice;
                owner.Slices.Add(node);
            }
        }
        return root;

        static SnapshotNode? Step(SnapshotNode node, IdSegment segment)
        {
            var child = node.Child(segment.Name);
            return segment.Slice is null || child is null ? child : FindSlice(child, segment.Slice);
        }
    }

    /// <summary>The slice <paramref name="sliceName"/> of <paramref name="sliced"/>, following re-slices (<c>a/b</c> is a slice of slice <c>a</c>).</summary>
    internal static SnapshotNode? FindSlice(SnapshotNode sliced, string sliceName)
    {
        var owner = SliceOwner(sliced, sliceName);
        return owner?.Slice(sliceName);
    }

    /// <summary>The node whose slice list holds <paramref name="sliceName"/>: the element, or for <c>a/b</c> the slice <c>a</c>.</summary>
    internal static SnapshotNode? SliceOwner(SnapshotNode? sliced, string sliceName)
    {
        var owner = sliced;
        var slash = sliceName.IndexOf('/');
        while (owner is not null && slash >= 0)
        {
            owner = owner.Slice(sliceName[..slash]);
            slash = sliceName.IndexOf('/', slash + 1);
        }
        return owner;
    }

    /// <summary>Writes the tree in snapshot order, setting each element's id and path from its position.</summary>
    internal static void Emit(SnapshotNode node, string? parentId, string? parentPath, JsonArray output)
    {
        var baseId = parentId is null ? node.Name : parentId + "." + node.Name;
        var path = parentPath is null ? node.Name : parentPath + "." + node.Name;
        var id = node.SliceName is null ? baseId : baseId + ":" + node.SliceName;
        var element = node.Element;
        element["id"] = id;
        element["path"] = path;
        output.Add(element);
        foreach (var child in node.Children ?? [])
        {
            Emit(child, id, path, output);
        }
        foreach (var slice in node.Slices)
        {
            Emit(slice, parentId, parentPath, output);
        }
    }
}
