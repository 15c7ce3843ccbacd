using System.Text.Json.Nodes;

namespace Fhir.Validation.Snapshots;

/// <summary>
/// One element of a snapshot under construction, as a tree: children in base order, slices after them.
/// Ids and paths are not kept here but computed when the tree is written out, so that copying a subtree
/// for a new slice needs no id rewriting.
/// </summary>
internal sealed class SnapshotNode(string name, JsonObject element, JsonObject original, bool inherited)
{
    /// <summary>The last path segment: <c>coding</c>, <c>value[x]</c>.</summary>
    public string Name { get; } = name;

    /// <summary>The slice name (<c>systolic</c>, or <c>foo/bar</c> for a re-slice), null for the element itself.</summary>
    public string? SliceName { get; set; }

    /// <summary>The element definition as constrained so far.</summary>
    public JsonObject Element { get; } = element;

    /// <summary>The element as the base had it, before this differential: what a new slice starts from.</summary>
    public JsonObject Original { get; } = original;

    /// <summary>True when the element came from the base or from a type's definition, false for a slice the differential added.</summary>
    public bool Inherited { get; } = inherited;

    /// <summary>The child elements, in base order; null while the element's type has not been unfolded.</summary>
    public List<SnapshotNode>? Children { get; set; }

    /// <summary>The slices of this element (or re-slices of this slice), in definition order.</summary>
    public List<SnapshotNode> Slices { get; } = [];

    public static SnapshotNode FromElement(string name, JsonObject element, bool inherited) =>
        new(name, (JsonObject)element.DeepClone(), element, inherited);

    /// <summary>A fresh copy of this subtree as the base defined it (slices added by the differential are left out).</summary>
    public SnapshotNode CopyOriginal()
    {
        var copy = new SnapshotNode(Name, (JsonObject)Original.DeepClone(), Original, inherited: true) { SliceName = SliceName };
        if (Children is not null)
        {
            copy.Children = [.. Children.Select(c => c.CopyOriginal())];
        }
        foreach (var slice in Slices)
        {
            if (slice.Inherited)
            {
                copy.Slices.Add(slice.CopyOriginal());
            }
        }
        return copy;
    }

    public SnapshotNode? Child(string childName) => Children?.Find(c => c.Name == childName);

    public SnapshotNode? Slice(string sliceName) => Slices.Find(s => s.SliceName == sliceName);

    public override string ToString() => SliceName is null ? Name : $"{Name}:{SliceName}";
}
