using System.Text;

namespace Fhir.Core.Ucum;

/// <summary>
/// A product of base units raised to integer powers, kept sorted by code (ordinal) with no zero exponents.
/// Keys are the seven UCUM base units (<c>m g s rad K C cd</c>) and, for arbitrary units such as
/// <c>[iU]</c>, the arbitrary unit itself: arbitrary units are their own dimension, commensurable with nothing else.
/// </summary>
internal sealed class Dimension : IEquatable<Dimension>
{
    private readonly KeyValuePair<string, int>[] _items;

    private Dimension(KeyValuePair<string, int>[] items) => _items = items;

    public static Dimension None { get; } = new([]);

    public IReadOnlyList<KeyValuePair<string, int>> Items => _items;

    public bool IsNone => _items.Length == 0;

    public static Dimension Of(string code) => new([new KeyValuePair<string, int>(code, 1)]);

    public Dimension Multiply(Dimension other) => Combine(other, 1);

    public Dimension Divide(Dimension other) => Combine(other, -1);

    public Dimension Pow(int exponent)
    {
        if (exponent == 0)
        {
            return None;
        }

        if (exponent == 1)
        {
            return this;
        }

        var items = new KeyValuePair<string, int>[_items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = new(_items[i].Key, checked(_items[i].Value * exponent));
        }

        return new Dimension(items);
    }

    public bool Any(Func<string, bool> predicate)
    {
        foreach (var item in _items)
        {
            if (predicate(item.Key))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The canonical unit text: <c>g.m-3</c>, <c>C2.g-1.m-2.s</c>; <c>1</c> for a dimensionless unit.</summary>
    public string ToUnitString()
    {
        if (_items.Length == 0)
        {
            return "1";
        }

        var sb = new StringBuilder();
        foreach (var (code, exponent) in _items)
        {
            if (sb.Length > 0)
            {
                sb.Append('.');
            }

            sb.Append(code);
            if (exponent != 1)
            {
                sb.Append(exponent.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    public bool Equals(Dimension? other)
    {
        if (other is null || other._items.Length != _items.Length)
        {
            return false;
        }

        for (var i = 0; i < _items.Length; i++)
        {
            if (_items[i].Value != other._items[i].Value || !string.Equals(_items[i].Key, other._items[i].Key, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as Dimension);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (code, exponent) in _items)
        {
            hash.Add(code, StringComparer.Ordinal);
            hash.Add(exponent);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => ToUnitString();

    private Dimension Combine(Dimension other, int sign)
    {
        if (other._items.Length == 0)
        {
            return this;
        }

        if (_items.Length == 0 && sign == 1)
        {
            return other;
        }

        var result = new List<KeyValuePair<string, int>>(_items.Length + other._items.Length);
        int i = 0, j = 0;
        while (i < _items.Length || j < other._items.Length)
        {
            var cmp = i == _items.Length ? 1
                : j == other._items.Length ? -1
                : string.CompareOrdinal(_items[i].Key, other._items[j].Key);
            if (cmp < 0)
            {
                result.Add(_items[i++]);
            }
            else if (cmp > 0)
            {
                var o = other._items[j++];
                result.Add(new(o.Key, checked(sign * o.Value)));
            }
            else
            {
                var exponent = checked(_items[i].Value + (sign * other._items[j].Value));
                if (exponent != 0)
                {
                    result.Add(new(_items[i].Key, exponent));
                }

                i++;
                j++;
            }
        }

        return new Dimension([.. result]);
    }
}
