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
    /// A decimal and the range its precision implies: <c>100</c> covers [99.5, 100.5), <c>1.50</c> covers [1.495, 1.505).
    /// </summary>
    public static bool TryParseNumber(string text, out decimal value, out decimal low, out decimal high)
    {
        low = high = 0;
        if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }
        var scale = value.Scale;
        var e = text.IndexOfAny(['e', 'E']);
        if (e >= 0)
        {
            // 1e2: significant digits only up to the exponent's position.
            var mantissa = text[..e];
            var dot = mantissa.IndexOf('.');
            var decimals = dot < 0 ? 0 : mantissa.Length - dot - 1;
            var exponent = int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
            var half = 0.5m * Pow10(exponent - decimals);
            low = value - half;
            high = value + half;
            return true;
        }
        var halfStep = 0.5m / Pow10(scale);
        low = value - halfStep;
        high = value + halfStep;
        return true;
    }

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
