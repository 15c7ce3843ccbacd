using System.Globalization;
using System.Text;

namespace Fhir.Search.Queries;

/// <summary>Lexical helpers for search values: escaped commas and bars, prefixes, dates and numbers with their precision ranges.</summary>
internal static class SearchValues
{
    /// <summary>Splits on <paramref name="separator"/> where it is not escaped with a backslash, and unescapes the parts.</summary>
    public static List<string> SplitUnescaped(string text, char separator)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (ch == '\\' && i + 1 < text.Length && text[i + 1] is ',' or '|' or '$' or '\\')
            {
                current.Append(text[++i]);
            }
            else if (ch == separator)
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(ch);
            }
        }
        parts.Add(current.ToString());
        return parts;
    }

    /// <summary>
    /// Splits on <paramref name="separator"/> where it is not escaped with a backslash, keeping the escapes in the parts
    /// (a value split at its commas may still have to be split at its bars).
    /// </summary>
    public static List<string> Split(string text, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length && text[i + 1] is ',' or '|' or '$' or '\\')
            {
                i++;
            }
            else if (text[i] == separator)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }
        parts.Add(text[start..]);
        return parts;
    }

    /// <summary>Splits a token-like value at its first unescaped bar: <c>system|code</c>.</summary>
    public static (string Left, string? Right) SplitBar(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == '|')
            {
                return (Unescape(text[..i]), Unescape(text[(i + 1)..]));
            }
        }
        return (Unescape(text), null);
    }

    public static string Unescape(string text) => text.Contains('\\') ? string.Join("", SplitUnescaped(text, '\0')) : text;

    /// <summary>Reads a two-letter comparison prefix; <see cref="SearchPrefix.Eq"/> when there is none.</summary>
    public static SearchPrefix ReadPrefix(ref string text)
    {
        if (text.Length >= 2 && char.IsAsciiLetterLower(text[0]) && char.IsAsciiLetterLower(text[1]))
        {
            SearchPrefix? prefix = text[..2] switch
            {
                "eq" => SearchPrefix.Eq, "ne" => SearchPrefix.Ne, "gt" => SearchPrefix.Gt, "lt" => SearchPrefix.Lt,
                "ge" => SearchPrefix.Ge, "le" => SearchPrefix.Le, "sa" => SearchPrefix.Sa, "eb" => SearchPrefix.Eb,
                "ap" => SearchPrefix.Ap, _ => null,
            };
            if (prefix is { } p)
            {
                text = text[2..];
                return p;
            }
        }
        return SearchPrefix.Eq;
    }

    /// <summary>
    /// The largest magnitude a number takes part in search with. The precision range widens a value by at most half of
    /// it, <c>ap</c> by a tenth, and <see cref="decimal"/> ends at 7.9e28: within this bound no range arithmetic
    /// overflows. Larger values, and non-zero values finer than 1e-28, are beyond what the index holds.
    /// </summary>
    public const decimal MaxMagnitude = 1e28m;

    // Digits after the point that a decimal can hold; a precision finer than that is taken as exact.
    private const int MaxScale = 28;

    /// <summary>
    /// A decimal and the range its precision implies: <c>100</c> covers [99.5, 100.5), <c>1.50</c> covers [1.495, 1.505),
    /// <c>1e2</c> covers [50, 150). False for text that is not a number and for numbers beyond <see cref="MaxMagnitude"/>
    /// or below the resolution of a decimal (<c>1e-29</c>), which FHIR allows but this server cannot compare.
    /// </summary>
    public static bool TryParseNumber(string text, out decimal value, out decimal low, out decimal high)
    {
        low = high = 0;
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value)
            || Math.Abs(value) > MaxMagnitude || (value == 0 && HasNonZeroDigit(text)))
        {
            return false;
        }
        // The position of the last significant digit: 1.50 -> -2, 1e2 -> 2, 1.5e3 -> 2.
        long position;
        var e = text.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            if (!int.TryParse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent))
            {
                return false;
            }
            var dot = text.IndexOf('.', 0, e);
            position = (long)exponent - (dot < 0 ? 0 : e - dot - 1);
        }
        else
        {
            position = -value.Scale;
        }
        // Below a decimal's resolution the value is exact; above MaxMagnitude there is no value left to widen.
        var half = position < -MaxScale ? 0m : 0.5m * Pow10((int)Math.Min(position, MaxScale));
        low = value - half;
        high = value + half;
        return true;
    }

    private static bool HasNonZeroDigit(string text)
    {
        foreach (var ch in text)
        {
            if (ch is 'e' or 'E')
            {
                return false;
            }
            if (ch is >= '1' and <= '9')
            {
                return true;
            }
        }
        return false;
    }

    // 10^exponent for -28 <= exponent <= 28.
    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < Math.Abs(exponent); i++)
        {
            result *= 10;
        }
        return exponent < 0 ? 1 / result : result;
    }
}
