using System.Text;
using Fhir.Core.Definitions;

namespace Fhir.Core.Model;

/// <summary>
/// A node of a FHIR instance: a resource, a complex value, or a primitive with its value and
/// extensions. Children are kept in canonical order (the order of the definition), repeating
/// elements as consecutive siblings of the same name. FHIRPath, validation, search indexing and
/// the JSON writer all walk this one tree.
/// </summary>
public sealed class ElementNode
{
    private List<ElementNode>? _children;

    // IndexAmongSiblings is asked for each issue's location: a scan of the parent's children each time would make the
    // issues of a Bundle's entries quadratic in the entries. One pass numbers every child at once; the numbers hold
    // while the parent's version (bumped by every change to its children) is the one they were stamped with. Version
    // and index share one 64-bit field, written at once, so that readers on other threads never pair one with the other's.
    private int _childrenVersion = 1;
    private long _siblingStamp;

    /// <summary>Creates a node.</summary>
    /// <param name="name">The element name (without a choice suffix) or, for a root resource, the resource type.</param>
    /// <param name="type">The node's type; for a choice element the type chosen.</param>
    /// <param name="definition">The element's definition in its parent's type; null for a root resource.</param>
    public ElementNode(string name, TypeDefinition type, ElementDefinitionInfo? definition = null)
    {
        Name = name;
        Type = type;
        Definition = definition;
    }

    /// <summary>The element name (<c>value</c> for <c>valueQuantity</c>); the resource type for a root resource.</summary>
    public string Name { get; }

    /// <summary>The node's type: <c>Quantity</c>, <c>string</c>, <c>Observation</c>, <c>Observation.component</c>, <c>System.String</c>.</summary>
    public TypeDefinition Type { get; }

    /// <summary>The element's definition in its parent type; null for a root resource.</summary>
    public ElementDefinitionInfo? Definition { get; }

    /// <summary>The parent node, or null at the root.</summary>
    public ElementNode? Parent { get; private set; }

    /// <summary>
    /// The primitive value: <see cref="string"/> (string, code, uri, date, dateTime, instant, time, base64Binary...),
    /// <see cref="bool"/>, <see cref="int"/> (integer, positiveInt, unsignedInt) or <see cref="decimal"/> (a <see cref="double"/> for the
    /// rare decimals beyond System.Decimal's range, whose exact text is in <see cref="DecimalText"/>); null when the
    /// primitive has only extensions, and always null for complex nodes.
    /// </summary>
    public object? Value { get; set; }

    /// <summary>For a decimal: its text as written (<c>1.50</c>, <c>1e3</c>), so that precision survives a round trip.</summary>
    public string? DecimalText { get; set; }

    /// <summary>The child nodes in canonical order.</summary>
    public IReadOnlyList<ElementNode> Children => (IReadOnlyList<ElementNode>?)_children ?? [];

    /// <summary>True when this node is a resource (a root, contained or Bundle entry resource).</summary>
    public bool IsResource => Type.Kind == TypeKind.Resource;

    /// <summary>The name of this node in JSON: choice elements carry their type (<c>valueQuantity</c>).</summary>
    public string JsonName => Definition is { IsChoice: true } ? Name + ChoiceSuffix(Type.Name) : Name;

    /// <summary>The children named <paramref name="name"/>, in order.</summary>
    public IEnumerable<ElementNode> ChildrenNamed(string name)
    {
        if (_children is null)
        {
            yield break;
        }
        foreach (var child in _children)
        {
            if (child.Name == name)
            {
                yield return child;
            }
        }
    }

    /// <summary>The first child named <paramref name="name"/>, or null.</summary>
    public ElementNode? Child(string name)
    {
        if (_children is null)
        {
            return null;
        }
        foreach (var child in _children)
        {
            if (child.Name == name)
            {
                return child;
            }
        }
        return null;
    }

    /// <summary>Adds a child after its existing siblings of the same element, keeping canonical order.</summary>
    public ElementNode Add(ElementNode child)
    {
        ArgumentNullException.ThrowIfNull(child);
        if (child.Parent is not null)
        {
            throw new InvalidOperationException($"'{child.Name}' already belongs to '{child.Parent.Name}'.");
        }
        _children ??= [];
        _childrenVersion++;
        child.Parent = this;
        child._siblingStamp = 0;
        var order = child.Definition?.Order ?? int.MaxValue;
        var at = _children.Count;
        while (at > 0 && (_children[at - 1].Definition?.Order ?? int.MaxValue) > order)
        {
            at--;
        }
        _children.Insert(at, child);
        return child;
    }

    /// <summary>Adds a child at the end without reordering; the JSON reader uses it and sorts once per object.</summary>
    internal void AppendUnordered(ElementNode child)
    {
        _children ??= [];
        _childrenVersion++;
        child.Parent = this;
        child._siblingStamp = 0;
        _children.Add(child);
    }

    /// <summary>Puts the children in canonical order (stable: repeated elements keep their order).</summary>
    internal void SortChildren()
    {
        if (_children is { Count: > 1 })
        {
            var sorted = _children.OrderBy(c => c.Definition?.Order ?? int.MaxValue).ToList();
            _children = sorted;
            _childrenVersion++;
        }
    }

    /// <summary>Inserts a child at <paramref name="index"/> among the siblings named like it (FHIRPath Patch <c>insert</c>).</summary>
    public void InsertAt(ElementNode child, int index)
    {
        ArgumentNullException.ThrowIfNull(child);
        var siblings = ChildrenNamed(child.Name).ToList();
        if (index < 0 || index > siblings.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }
        if (index == siblings.Count)
        {
            Add(child);
            return;
        }
        child.Parent = this;
        child._siblingStamp = 0;
        _children!.Insert(_children.IndexOf(siblings[index]), child);
        _childrenVersion++;
    }

    /// <summary>Removes a child; true when it was there.</summary>
    public bool Remove(ElementNode child)
    {
        if (_children is null || !_children.Remove(child))
        {
            return false;
        }
        _childrenVersion++;
        child.Parent = null;
        child._siblingStamp = 0;
        return true;
    }

    /// <summary>Removes every child named <paramref name="name"/>.</summary>
    public void RemoveAll(string name)
    {
        if (_children is null)
        {
            return;
        }
        foreach (var child in _children.Where(c => c.Name == name).ToList())
        {
            Remove(child);
        }
    }

    /// <summary>The 0-based position of this node among its siblings of the same name.</summary>
    public int IndexAmongSiblings()
    {
        var parent = Parent;
        if (parent?._children is null)
        {
            return 0;
        }
        var stamp = _siblingStamp;
        if ((int)(stamp >> 32) != parent._childrenVersion)
        {
            parent.NumberChildren();
            stamp = _siblingStamp;
        }
        return (int)stamp;
    }

    /// <summary>Stamps every child with its position among the children of its name, in one pass.</summary>
    private void NumberChildren()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var child in _children!)
        {
            counts.TryGetValue(child.Name, out var index);
            counts[child.Name] = index + 1;
            child._siblingStamp = ((long)_childrenVersion << 32) | (uint)index;
        }
    }

    /// <summary>
    /// Where this node is, as a FHIRPath-style expression with JSON names and indexes on repeating
    /// elements: <c>Observation.component[1].valueQuantity.value</c>. Used in OperationOutcome issues.
    /// </summary>
    public string Location
    {
        get
        {
            var parts = new List<ElementNode>();
            for (var n = this; n is not null; n = n.Parent)
            {
                parts.Add(n);
            }
            var sb = new StringBuilder();
            for (var i = parts.Count - 1; i >= 0; i--)
            {
                var n = parts[i];
                if (i == parts.Count - 1)
                {
                    sb.Append(n.Parent is null && n.IsResource ? n.Type.Name : n.JsonName);
                    continue;
                }
                sb.Append('.').Append(n.JsonName);
                if (n.Definition is { IsCollection: true })
                {
                    sb.Append('[').Append(n.IndexAmongSiblings()).Append(']');
                }
            }
            return sb.ToString();
        }
    }

    /// <summary>Copies this node and its descendants (the copy has no parent).</summary>
    public ElementNode DeepCopy()
    {
        var copy = new ElementNode(Name, Type, Definition) { Value = Value, DecimalText = DecimalText };
        if (_children is not null)
        {
            copy._children = new List<ElementNode>(_children.Count);
            foreach (var child in _children)
            {
                var c = child.DeepCopy();
                c.Parent = copy;
                copy._children.Add(c);
            }
        }
        return copy;
    }

    /// <inheritdoc />
    public override string ToString() => Value is null ? $"{Name} : {Type.Name}" : $"{Name} : {Type.Name} = {Value}";

    internal static string ChoiceSuffix(string typeName) =>
        typeName.Length == 0 ? typeName : string.Concat(char.ToUpperInvariant(typeName[0]).ToString(), typeName.AsSpan(1));
}
