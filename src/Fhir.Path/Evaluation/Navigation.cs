using Fhir.Core.Model;
using Fhir.Path.Types;

namespace Fhir.Path.Evaluation;

/// <summary>Moving through the instance tree: children by name, all children, all descendants.</summary>
internal static class Navigation
{
    /// <summary>The children named <paramref name="name"/> of every item, in order.</summary>
    public static IReadOnlyList<object> Child(IReadOnlyList<object> input, string name)
    {
        var count = input.Count;
        if (count == 0)
        {
            return Items.Empty;
        }
        if (count == 1)
        {
            return input[0] is ElementNode node ? ChildrenOf(node, name) : OfValue(input[0], name);
        }
        List<object>? result = null;
        for (var i = 0; i < count; i++)
        {
            if (input[i] is ElementNode node)
            {
                var children = node.Children;
                for (var j = 0; j < children.Count; j++)
                {
                    var child = children[j];
                    if (string.Equals(child.Name, name, StringComparison.Ordinal))
                    {
                        (result ??= []).Add(child);
                    }
                }
            }
            else
            {
                var value = OfValue(input[i], name);
                if (value.Count > 0)
                {
                    (result ??= []).AddRange(value);
                }
            }
        }
        return Items.From(result);
    }

    /// <summary>
    /// An identifier at the start of a path: the items whose type is (or derives from) the type named
    /// <paramref name="name"/> (<c>Patient.name</c>), or, when there are none, the children named <paramref name="name"/>.
    /// </summary>
    public static IReadOnlyList<object> ChildOrType(IReadOnlyList<object> input, string name)
    {
        List<object>? result = null;
        var all = true;
        for (var i = 0; i < input.Count; i++)
        {
            if (input[i] is ElementNode node && IsNamedType(node, name))
            {
                if (!all)
                {
                    (result ??= []).Add(node);
                }
            }
            else if (all)
            {
                all = false;
                for (var j = 0; j < i; j++)
                {
                    (result ??= []).Add(input[j]);
                }
            }
        }
        if (all)
        {
            return input;
        }
        return result is not null ? result : Child(input, name);
    }

    // The type of the node or a base type, or the name of a root (a resource's name is its type; other models name their root).
    private static bool IsNamedType(ElementNode node, string name) =>
        string.Equals(node.Type.Name, name, StringComparison.Ordinal) || node.Type.IsA(name) || (node.Parent is null && node.Name == name);

    private static IReadOnlyList<object> ChildrenOf(ElementNode node, string name)
    {
        var children = node.Children;
        var n = children.Count;
        var first = -1;
        for (var j = 0; j < n; j++)
        {
            if (string.Equals(children[j].Name, name, StringComparison.Ordinal))
            {
                first = j;
                break;
            }
        }
        if (first < 0)
        {
            return Items.Empty;
        }
        // Repeats of an element are consecutive siblings (canonical order).
        var last = first + 1;
        while (last < n && string.Equals(children[last].Name, name, StringComparison.Ordinal))
        {
            last++;
        }
        // A child with a definition was placed by its definition's order (ElementNode.Add, or the reader's sort), so
        // no later sibling shares its name: scanning the rest would make every navigation to a property before a long
        // repeat (a Bundle's type, before thousands of entries) linear in the siblings, and bdl-3's
        // entry.all(... %resource.type ...) quadratic in the entries. Children without one may be interleaved.
        var tail = children[first].Definition is null ? last : n;
        for (var j = tail; j < n; j++)
        {
            if (string.Equals(children[j].Name, name, StringComparison.Ordinal))
            {
                tail = -1; // not consecutive after all (a tree built out of order): fall back to a scan
                break;
            }
        }
        if (tail < 0)
        {
            var list = new List<object>();
            for (var j = first; j < n; j++)
            {
                if (string.Equals(children[j].Name, name, StringComparison.Ordinal))
                {
                    list.Add(children[j]);
                }
            }
            return list;
        }
        if (last - first == 1)
        {
            return Items.Single(children[first]);
        }
        var result = new object[last - first];
        for (var j = first; j < last; j++)
        {
            result[j - first] = children[j];
        }
        return result;
    }

    /// <summary>Members of system values that FHIRPath exposes: a type's name and namespace, a quantity's value and unit.</summary>
    private static IReadOnlyList<object> OfValue(object item, string name) => item switch
    {
        FhirPathTypeInfo t when name == "name" => Items.Single(t.Name),
        FhirPathTypeInfo t when name == "namespace" => Items.Single(t.Namespace),
        FhirPathTypeInfo t when name == "baseType" && t.BaseType is not null => Items.Single(t.BaseType),
        FhirPathQuantity q when name == "value" => Items.Single(q.Value),
        FhirPathQuantity q when name == "unit" => Items.Single(q.Unit),
        _ => Items.Empty,
    };

    /// <summary>All children of every item.</summary>
    public static IReadOnlyList<object> Children(IReadOnlyList<object> input)
    {
        List<object>? result = null;
        for (var i = 0; i < input.Count; i++)
        {
            if (input[i] is ElementNode node && node.Children.Count > 0)
            {
                result ??= [];
                foreach (var child in node.Children)
                {
                    result.Add(child);
                }
            }
        }
        return Items.From(result);
    }

    /// <summary>All descendants of every item, level by level as <c>repeat(children())</c> finds them; not the items themselves.</summary>
    public static IReadOnlyList<object> Descendants(IReadOnlyList<object> input)
    {
        List<object>? result = null;
        var level = input;
        while (true)
        {
            var count = 0;
            for (var i = 0; i < level.Count; i++)
            {
                if (level[i] is ElementNode node)
                {
                    foreach (var child in node.Children)
                    {
                        (result ??= []).Add(child);
                        count++;
                    }
                }
            }
            if (count == 0)
            {
                return Items.From(result);
            }
            // The next level is what was just added.
            level = result!.GetRange(result.Count - count, count);
        }
    }
}
