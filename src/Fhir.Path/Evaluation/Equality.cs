using Fhir.Core.Model;
using Fhir.Path.Types;

namespace Fhir.Path.Evaluation;

/// <summary>FHIRPath equality (<c>=</c>) and equivalence (<c>~</c>) of items and collections.</summary>
internal static class Equality
{
    /// <summary>Equality of two items: true, false, or null (empty) when it cannot be told.</summary>
    public static bool? Equal(object a, object b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }
        var x = Values.ToSystem(a);
        var y = Values.ToSystem(b);
        if (x is null || y is null)
        {
            return null;
        }
        if (x is ElementNode nx)
        {
            return y is ElementNode ny && NodesEqual(nx, ny);
        }
        if (y is ElementNode)
        {
            return false;
        }
        return ValuesEqual(x, y);
    }

    /// <summary>Equality of two system values.</summary>
    public static bool? ValuesEqual(object x, object y)
    {
        switch (x)
        {
            case string sx:
                return y is string sy ? string.Equals(sx, sy, StringComparison.Ordinal) : false;
            case bool bx:
                return y is bool by ? bx == by : false;
            case int or long or decimal:
                if (y is int or long or decimal)
                {
                    return ToDecimal(x) == ToDecimal(y);
                }
                return y is FhirPathQuantity qy ? QuantityMath.Equal(new FhirPathQuantity(ToDecimal(x)), qy) : false;
            case FhirPathDate or FhirPathDateTime:
                return y is FhirPathDate or FhirPathDateTime ? DateTimeMath.Equal(DateTimeMath.AsDateTime(x), DateTimeMath.AsDateTime(y)) : false;
            case FhirPathTime tx:
                return y is FhirPathTime ty ? DateTimeMath.Equal(tx, ty) : false;
            case FhirPathQuantity qx:
                if (y is FhirPathQuantity q2)
                {
                    return QuantityMath.Equal(qx, q2);
                }
                return y is int or long or decimal ? QuantityMath.Equal(qx, new FhirPathQuantity(ToDecimal(y))) : false;
            default:
                return x.Equals(y);
        }
    }

    /// <summary>Equivalence of two items: never empty.</summary>
    public static bool Equivalent(object a, object b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }
        var x = Values.ToSystem(a);
        var y = Values.ToSystem(b);
        if (x is null || y is null)
        {
            return x is null && y is null;
        }
        if (x is ElementNode nx)
        {
            return y is ElementNode ny && NodesEquivalent(nx, ny);
        }
        if (y is ElementNode)
        {
            return false;
        }
        switch (x)
        {
            case string sx:
                return y is string sy && string.Equals(Normalize(sx), Normalize(sy), StringComparison.Ordinal);
            case bool bx:
                return y is bool by && bx == by;
            case int or long or decimal:
                if (y is int or long or decimal)
                {
                    var dx = ToDecimal(x);
                    var dy = ToDecimal(y);
                    var precision = Math.Min(SignificantScale(dx), SignificantScale(dy));
                    return Math.Round(dx, precision, MidpointRounding.AwayFromZero) == Math.Round(dy, precision, MidpointRounding.AwayFromZero);
                }
                return y is FhirPathQuantity qy && QuantityMath.Equivalent(new FhirPathQuantity(ToDecimal(x)), qy);
            case FhirPathDate or FhirPathDateTime:
                return y is FhirPathDate or FhirPathDateTime && DateTimeMath.Equivalent(DateTimeMath.AsDateTime(x), DateTimeMath.AsDateTime(y));
            case FhirPathTime tx:
                return y is FhirPathTime ty && DateTimeMath.Equivalent(tx, ty);
            case FhirPathQuantity qx:
                return y is FhirPathQuantity q2 ? QuantityMath.Equivalent(qx, q2)
                    : y is int or long or decimal && QuantityMath.Equivalent(qx, new FhirPathQuantity(ToDecimal(y)));
            default:
                return x.Equals(y);
        }
    }

    /// <summary><c>=</c> on collections: empty when either is empty, else item by item in order.</summary>
    public static bool? CollectionsEqual(IReadOnlyList<object> a, IReadOnlyList<object> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return null;
        }
        if (a.Count != b.Count)
        {
            return false;
        }
        var uncertain = false;
        for (var i = 0; i < a.Count; i++)
        {
            var eq = Equal(a[i], b[i]);
            if (eq == false)
            {
                return false;
            }
            uncertain |= eq is null;
        }
        return uncertain ? null : true;
    }

    /// <summary><c>~</c> on collections: same size and every item equivalent to one of the other, in any order.</summary>
    public static bool CollectionsEquivalent(IReadOnlyList<object> a, IReadOnlyList<object> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        if (a.Count == 1)
        {
            return Equivalent(a[0], b[0]);
        }
        var used = new bool[b.Count];
        for (var i = 0; i < a.Count; i++)
        {
            var found = false;
            for (var j = 0; j < b.Count; j++)
            {
                if (!used[j] && Equivalent(a[i], b[j]))
                {
                    used[j] = true;
                    found = true;
                    break;
                }
            }
            if (!found)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether <paramref name="collection"/> holds an item equal to <paramref name="item"/>.</summary>
    public static bool Contains(IReadOnlyList<object> collection, object item)
    {
        for (var i = 0; i < collection.Count; i++)
        {
            if (Equal(collection[i], item) == true)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Collections at least this large are deduplicated through hashing rather than pairwise comparison.</summary>
    private const int HashingThreshold = 16;

    /// <summary>The items without duplicates (first occurrence kept).</summary>
    public static IReadOnlyList<object> Distinct(IReadOnlyList<object> items)
    {
        if (items.Count < 2)
        {
            return items;
        }
        var result = new List<object>(items.Count);
        AddDistinct(result, null, items);
        return result.Count == items.Count ? items : result;
    }

    /// <summary>Both collections without duplicates, in order of first appearance.</summary>
    public static IReadOnlyList<object> Union(IReadOnlyList<object> a, IReadOnlyList<object> b)
    {
        if (b.Count == 0)
        {
            return Distinct(a);
        }
        if (a.Count == 0)
        {
            return Distinct(b);
        }
        var result = new List<object>(a.Count + b.Count);
        var seen = a.Count + b.Count >= HashingThreshold ? new HashSet<object>(ItemComparer.Instance) : null;
        AddDistinct(result, seen, a);
        AddDistinct(result, seen, b);
        return result;
    }

    private static void AddDistinct(List<object> result, HashSet<object>? seen, IReadOnlyList<object> items)
    {
        if (seen is null && items.Count + result.Count >= HashingThreshold)
        {
            seen = new HashSet<object>(result, ItemComparer.Instance);
        }
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (seen is not null ? seen.Add(item) : !Contains(result, item))
            {
                result.Add(item);
            }
        }
    }

    /// <summary>Item equality for hashing: FHIRPath equality, with a hash that equal items share.</summary>
    private sealed class ItemComparer : IEqualityComparer<object>
    {
        public static readonly ItemComparer Instance = new();

        public new bool Equals(object? x, object? y) => x is not null && y is not null && Equal(x, y) == true;

        public int GetHashCode(object item)
        {
            var value = Values.ToSystem(item);
            return value switch
            {
                // A primitive without a value equals nothing but itself.
                null => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(item),
                string s => string.GetHashCode(s, StringComparison.Ordinal),
                bool b => b ? 1 : 2,
                int or long or decimal => ToDecimal(value).GetHashCode(),
                FhirPathDate or FhirPathDateTime => 0x0DA7E,
                FhirPathTime => 0x071E,
                FhirPathQuantity => 0x0A77, // quantities in different units may be equal
                ElementNode node => HashCode.Combine(node.Type.Name, node.Children.Count),
                _ => value.GetHashCode(),
            };
        }
    }

    private static bool NodesEqual(ElementNode x, ElementNode y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }
        if (x.Value is not null || y.Value is not null)
        {
            var vx = Values.ToSystem(x);
            var vy = Values.ToSystem(y);
            if (vx is null || vy is null || vx is ElementNode || vy is ElementNode || ValuesEqual(vx, vy) != true)
            {
                return false;
            }
        }
        var cx = x.Children;
        var cy = y.Children;
        if (cx.Count != cy.Count)
        {
            return false;
        }
        for (var i = 0; i < cx.Count; i++)
        {
            if (cx[i].Name != cy[i].Name || !NodesEqual(cx[i], cy[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static bool NodesEquivalent(ElementNode x, ElementNode y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }
        if (x.Value is not null || y.Value is not null)
        {
            var vx = Values.ToSystem(x);
            var vy = Values.ToSystem(y);
            if (vx is null || vy is null || vx is ElementNode || vy is ElementNode || !Equivalent(vx, vy))
            {
                return false;
            }
        }
        // Equivalence ignores ids and compares the other children in any order.
        var cx = Significant(x);
        var cy = Significant(y);
        if (cx.Count != cy.Count)
        {
            return false;
        }
        var used = new bool[cy.Count];
        foreach (var child in cx)
        {
            var found = false;
            for (var j = 0; j < cy.Count; j++)
            {
                if (!used[j] && cy[j].Name == child.Name && NodesEquivalent(child, cy[j]))
                {
                    used[j] = true;
                    found = true;
                    break;
                }
            }
            if (!found)
            {
                return false;
            }
        }
        return true;
    }

    private static List<ElementNode> Significant(ElementNode node)
    {
        var list = new List<ElementNode>(node.Children.Count);
        foreach (var child in node.Children)
        {
            if (child.Name != "id")
            {
                list.Add(child);
            }
        }
        return list;
    }

    public static decimal ToDecimal(object number) => number switch
    {
        int i => i,
        long l => l,
        _ => (decimal)number,
    };

    /// <summary>A string as equivalence sees it: case ignored, every whitespace character the same (not collapsed or trimmed).</summary>
    private static string Normalize(string s)
    {
        return string.Create(s.Length, s, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsWhiteSpace(c) ? ' ' : char.ToLowerInvariant(c);
            }
        });
    }

    /// <summary>The number of digits after the point that matter: trailing zeros do not.</summary>
    public static int SignificantScale(decimal value) => (value / 1.0000000000000000000000000000m).Scale;
}
