using System.Globalization;
using System.Text;
using Fhir.Core.Model;

namespace Fhir.Validation.Validation;

/// <summary>
/// Compares instance values with <c>fixed[x]</c> (exactly: the same elements and values) and <c>pattern[x]</c> (every
/// element of the pattern present with its value, deeply; repeating elements match when each pattern item matches
/// some instance item).
/// </summary>
internal static class PatternMatcher
{
    public static bool Matches(ElementNode instance, ElementNode expected, bool exact) =>
        exact ? Equal(instance, expected) : Contains(instance, expected);

    /// <summary>True when a primitive system value (from a FHIRPath result) equals the value of <paramref name="expected"/>.</summary>
    public static bool Matches(object value, ElementNode expected) =>
        value is ElementNode node ? Contains(node, expected) : expected.Value is { } e && ValueEquals(value, e);

    private static bool Contains(ElementNode instance, ElementNode pattern)
    {
        if (pattern.Value is { } value && (instance.Value is not { } actual || !ValueEquals(actual, value)))
        {
            return false;
        }
        foreach (var expectedChild in pattern.Children)
        {
            var found = false;
            foreach (var child in instance.Children)
            {
                if (child.Name == expectedChild.Name && SameType(child, expectedChild) && Contains(child, expectedChild))
                {
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

    private static bool Equal(ElementNode instance, ElementNode expected)
    {
        if (expected.Value is { } value)
        {
            // A fixed primitive: the value decides; extensions on the instance's primitive do not change it.
            return instance.Value is { } actual && ValueEquals(actual, value) && (instance.Type.IsPrimitive || ChildrenEqual(instance, expected));
        }
        if (instance.Value is not null)
        {
            return false;
        }
        return ChildrenEqual(instance, expected);
    }

    private static bool ChildrenEqual(ElementNode instance, ElementNode expected)
    {
        var a = instance.Children;
        var b = expected.Children;
        var ia = 0;
        var ib = 0;
        while (true)
        {
            while (ia < a.Count && a[ia].Name == "id")
            {
                ia++;
            }
            while (ib < b.Count && b[ib].Name == "id")
            {
                ib++;
            }
            if (ia == a.Count || ib == b.Count)
            {
                return ia == a.Count && ib == b.Count;
            }
            if (a[ia].Name != b[ib].Name || !SameType(a[ia], b[ib]) || !Equal(a[ia], b[ib]))
            {
                return false;
            }
            ia++;
            ib++;
        }
    }

    private static bool SameType(ElementNode a, ElementNode b) =>
        a.Definition is not { IsChoice: true } || a.Type.Name == b.Type.Name;

    public static bool ValueEquals(object a, object b) => (a, b) switch
    {
        (string x, string y) => string.Equals(x, y, StringComparison.Ordinal),
        (bool x, bool y) => x == y,
        (int x, int y) => x == y,
        (decimal x, decimal y) => x == y,
        (int x, decimal y) => x == y,
        (decimal x, int y) => x == y,
        (long x, int y) => x == y,
        (int x, long y) => x == y,
        (long x, long y) => x == y,
        _ => Equals(a, b),
    };

    /// <summary>A short text of a value for messages: <c>{coding: {system: 'http://loinc.org', code: '8480-6'}}</c>.</summary>
    public static string Describe(ElementNode value)
    {
        var sb = new StringBuilder();
        Describe(value, sb);
        return sb.ToString();
    }

    private static void Describe(ElementNode value, StringBuilder sb)
    {
        if (value.Value is { } v)
        {
            sb.Append('\'').Append(Convert.ToString(v, CultureInfo.InvariantCulture)).Append('\'');
            if (value.Children.Count == 0)
            {
                return;
            }
        }
        if (value.Children.Count == 0)
        {
            return;
        }
        sb.Append('{');
        var first = true;
        foreach (var child in value.Children)
        {
            if (!first)
            {
                sb.Append(", ");
            }
            first = false;
            sb.Append(child.JsonName).Append(": ");
            Describe(child, sb);
        }
        sb.Append('}');
    }
}
