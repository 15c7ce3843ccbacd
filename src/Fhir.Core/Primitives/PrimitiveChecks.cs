using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Fhir.Core.Primitives;

/// <summary>
/// The lexical checks of the FHIR primitive types. Each returns null when the value is valid, else a
/// short reason for an issue message. Hand-written for every R4 type (they run on every write);
/// the definition's regex is only a fallback for primitives without a check.
/// </summary>
internal static class PrimitiveChecks
{
    /// <summary>FHIR strings SHALL NOT exceed 1 MB (1,048,576 characters).</summary>
    public const int MaxStringLength = 1024 * 1024;

    private static readonly FrozenDictionary<string, PrimitiveKind> Kinds = new Dictionary<string, PrimitiveKind>(StringComparer.Ordinal)
    {
        ["boolean"] = PrimitiveKind.Boolean, ["integer"] = PrimitiveKind.Integer, ["positiveInt"] = PrimitiveKind.PositiveInt,
        ["unsignedInt"] = PrimitiveKind.UnsignedInt, ["decimal"] = PrimitiveKind.Decimal, ["string"] = PrimitiveKind.String,
        ["markdown"] = PrimitiveKind.Markdown, ["code"] = PrimitiveKind.Code, ["id"] = PrimitiveKind.Id, ["uri"] = PrimitiveKind.Uri,
        ["url"] = PrimitiveKind.Url, ["canonical"] = PrimitiveKind.Canonical, ["oid"] = PrimitiveKind.Oid, ["uuid"] = PrimitiveKind.Uuid,
        ["base64Binary"] = PrimitiveKind.Base64Binary, ["xhtml"] = PrimitiveKind.Xhtml, ["date"] = PrimitiveKind.Date,
        ["dateTime"] = PrimitiveKind.DateTime, ["instant"] = PrimitiveKind.Instant, ["time"] = PrimitiveKind.Time,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    /// <summary>The kind of a FHIR primitive type name; <see cref="PrimitiveKind.None"/> when it is not one.</summary>
    public static PrimitiveKind KindOf(string fhirTypeName) => Kinds.GetValueOrDefault(fhirTypeName, PrimitiveKind.None);

    /// <summary>The JSON token a primitive of this kind is written as.</summary>
    public static JsonPrimitiveToken TokenOf(PrimitiveKind kind) => kind switch
    {
        PrimitiveKind.Boolean => JsonPrimitiveToken.Boolean,
        PrimitiveKind.Integer or PrimitiveKind.PositiveInt or PrimitiveKind.UnsignedInt or PrimitiveKind.Decimal => JsonPrimitiveToken.Number,
        _ => JsonPrimitiveToken.String,
    };

    /// <summary>Checks a value written as a JSON string; <paramref name="pattern"/> serves <see cref="PrimitiveKind.Other"/>.</summary>
    public static string? CheckString(PrimitiveKind kind, string value, string? pattern = null)
    {
        if (value.Length == 0)
        {
            return "empty strings are not allowed";
        }
        if (IndexOfControlCharacter(value) is var at and >= 0)
        {
            // PostgreSQL cannot store a NUL in text at all; the other control characters no FHIR string may hold either.
            return $"it contains the control character U+{(int)value[at]:X4} (FHIR strings hold no characters below U+0020 but tab, CR and LF)";
        }
        return kind switch
        {
            PrimitiveKind.String or PrimitiveKind.Markdown => value.Length > MaxStringLength ? "strings must not exceed 1 MB" : null,
            PrimitiveKind.Code => CheckCode(value),
            PrimitiveKind.Id => CheckId(value),
            PrimitiveKind.Uri or PrimitiveKind.Url or PrimitiveKind.Canonical => CheckUri(value),
            PrimitiveKind.Oid => CheckOid(value),
            PrimitiveKind.Uuid => CheckUuid(value),
            PrimitiveKind.Base64Binary => CheckBase64(value),
            PrimitiveKind.Xhtml => CheckXhtml(value),
            PrimitiveKind.Date => DateTimeGrammar.TryParse(value, DateTimeGrammar.Form.Date, PartialDateTimeStyles.None, out _)
                ? null : "expected YYYY, YYYY-MM or YYYY-MM-DD, a real calendar date",
            PrimitiveKind.DateTime => CheckDateTime(value),
            PrimitiveKind.Instant => DateTimeGrammar.TryParse(value, DateTimeGrammar.Form.Instant, PartialDateTimeStyles.None, out _)
                ? null : "expected YYYY-MM-DDThh:mm:ss[.f] with a timezone, a real calendar date",
            PrimitiveKind.Time => DateTimeGrammar.TryParseTime(value, out _) ? null : "expected hh:mm:ss[.f] without a timezone",
            PrimitiveKind.Other => pattern is null || PatternFor(pattern).IsMatch(value) ? null : $"does not match the pattern {pattern}",
            PrimitiveKind.Boolean => value is "true" or "false" ? null : "expected true or false",
            _ => CheckNumberText(kind, value),
        };
    }

    /// <summary>
    /// Checks a JSON number (its raw UTF-8 text, which the JSON grammar already restricts to the FHIR
    /// decimal grammar) for a numeric kind and converts it: <see cref="int"/> or <see cref="decimal"/>.
    /// </summary>
    public static string? CheckNumber(PrimitiveKind kind, ReadOnlySpan<byte> utf8, out object? value)
    {
        value = null;
        if (kind == PrimitiveKind.Decimal)
        {
            // FHIR sets no bound on decimals; beyond System.Decimal (±7.9e28, or a non-zero value below 1e-28)
            // the value is kept as a double for arithmetic, and exactly in ElementNode.DecimalText.
            if (!decimal.TryParse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || (d == 0 && HasNonZeroDigit(utf8)))
            {
                value = double.Parse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture);
                return null;
            }
            value = d;
            return null;
        }
        // integer: -?(0|[1-9][0-9]*); positiveInt: [1-9][0-9]*; unsignedInt: 0|[1-9][0-9]*
        var negative = utf8.Length > 0 && utf8[0] == '-';
        var digits = negative ? utf8[1..] : utf8;
        if (digits.Length == 0 || (negative && kind != PrimitiveKind.Integer) || (digits[0] == '0' && digits.Length > 1))
        {
            return ExpectedInteger(kind);
        }
        long n = 0;
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return ExpectedInteger(kind);
            }
            if (n <= int.MaxValue + 1L)
            {
                n = n * 10 + (b - '0');
            }
        }
        if (negative)
        {
            n = -n;
        }
        if (n is > int.MaxValue or < int.MinValue)
        {
            return "out of the 32-bit integer range";
        }
        if (kind == PrimitiveKind.PositiveInt && n < 1)
        {
            return "a positiveInt must be at least 1";
        }
        value = (int)n;
        return null;
    }

    /// <summary>True when <paramref name="text"/> is a FHIR decimal (the JSON number grammar) within the range of <see cref="decimal"/>.</summary>
    public static bool TryParseDecimalText(string text, out decimal value)
    {
        value = 0;
        return IsNumberText(text) && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static bool HasNonZeroDigit(ReadOnlySpan<byte> number)
    {
        foreach (var b in number)
        {
            if (b is (byte)'e' or (byte)'E')
            {
                return false;
            }
            if (b is >= (byte)'1' and <= (byte)'9')
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The first character below U+0020 other than tab, CR and LF, or -1.</summary>
    public static int IndexOfControlCharacter(ReadOnlySpan<char> text)
    {
        // Vectorised: the common string has no character below U+0020 at all.
        var i = text.IndexOfAnyInRange('\u0000', '\u001F');
        while (i >= 0)
        {
            if (text[i] is not ('\t' or '\r' or '\n'))
            {
                return i;
            }
            var next = text[(i + 1)..].IndexOfAnyInRange('\u0000', '\u001F');
            i = next < 0 ? -1 : i + 1 + next;
        }
        return -1;
    }

    /// <summary>True when a string has no character other than spaces, tabs and line breaks.</summary>
    public static bool IsWhiteSpaceOnly(string value)
    {
        foreach (var c in value)
        {
            if (!IsXmlSpace(c))
            {
                return false;
            }
        }
        return true;
    }

    private static string? CheckNumberText(PrimitiveKind kind, string value)
    {
        if (!IsNumberText(value))
        {
            return kind == PrimitiveKind.Decimal ? "expected a decimal number without leading zeros" : ExpectedInteger(kind);
        }
        // Only ASCII remains, so the UTF-16 length is the UTF-8 length.
        Span<byte> utf8 = value.Length <= 256 ? stackalloc byte[value.Length] : new byte[value.Length];
        for (var k = 0; k < value.Length; k++)
        {
            utf8[k] = (byte)value[k];
        }
        return CheckNumber(kind, utf8, out _);
    }

    private static bool IsNumberText(string value)
    {
        // The JSON number grammar is the FHIR decimal grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        var i = 0;
        if (i < value.Length && value[i] == '-')
        {
            i++;
        }
        var intStart = i;
        while (i < value.Length && char.IsAsciiDigit(value[i]))
        {
            i++;
        }
        var ok = i > intStart && (value[intStart] != '0' || i == intStart + 1);
        if (ok && i < value.Length && value[i] == '.')
        {
            var fracStart = ++i;
            while (i < value.Length && char.IsAsciiDigit(value[i]))
            {
                i++;
            }
            ok = i > fracStart;
        }
        if (ok && i < value.Length && value[i] is 'e' or 'E')
        {
            i++;
            if (i < value.Length && value[i] is '+' or '-')
            {
                i++;
            }
            var expStart = i;
            while (i < value.Length && char.IsAsciiDigit(value[i]))
            {
                i++;
            }
            ok = i > expStart;
        }
        return ok && i == value.Length;
    }

    private static string ExpectedInteger(PrimitiveKind kind) => kind switch
    {
        PrimitiveKind.PositiveInt => "expected a whole number of at least 1 without leading zeros",
        PrimitiveKind.UnsignedInt => "expected a whole number of at least 0 without leading zeros",
        _ => "expected a whole number without leading zeros",
    };

    private static string? CheckDateTime(string value)
    {
        if (DateTimeGrammar.TryParse(value, DateTimeGrammar.Form.DateTime, PartialDateTimeStyles.None, out _))
        {
            return null;
        }
        // Say what is wrong when the only fault is a common one.
        if (DateTimeGrammar.TryParse(value, DateTimeGrammar.Form.DateTime, PartialDateTimeStyles.AllowMissingOffset, out _))
        {
            return "a dateTime with a time must have a timezone";
        }
        if (DateTimeGrammar.TryParse(value, DateTimeGrammar.Form.DateTime, PartialDateTimeStyles.Search, out _))
        {
            return "a dateTime with a time must have seconds";
        }
        return "expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[.f] with a timezone, a real calendar date";
    }

    private static string? CheckCode(string value)
    {
        // "No leading or trailing whitespace, and no whitespace other than single spaces in the contents"
        // (the prose of the specification; its regex [^\s]+(\s[^\s]+)* would also let a single tab through).
        if (IsXmlSpace(value[0]) || IsXmlSpace(value[^1]))
        {
            return "a code must not start or end with whitespace";
        }
        for (var i = 1; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '\t' or '\r' or '\n')
            {
                return "a code has no whitespace other than single spaces";
            }
            if (c == ' ' && value[i - 1] == ' ')
            {
                return "a code must not contain consecutive spaces";
            }
        }
        return null;
    }

    private static string? CheckId(string value)
    {
        if (value.Length > 64)
        {
            return "an id has at most 64 characters";
        }
        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '.')
            {
                return "an id has only the characters A-Z, a-z, 0-9, '-' and '.'";
            }
        }
        return null;
    }

    private static string? CheckUri(string value)
    {
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c))
            {
                return "a uri must not contain whitespace";
            }
        }
        return null;
    }

    private static string? CheckOid(string value)
    {
        // urn:oid:[0-2](\.(0|[1-9][0-9]*))+
        const string Prefix = "urn:oid:";
        var s = value.AsSpan();
        if (!s.StartsWith(Prefix, StringComparison.Ordinal) || s.Length < Prefix.Length + 3 || s[Prefix.Length] is < '0' or > '2')
        {
            return "expected urn:oid: followed by a dotted OID starting with 0, 1 or 2";
        }
        var i = Prefix.Length + 1;
        var arcs = 0;
        while (i < s.Length)
        {
            if (s[i++] != '.' || i >= s.Length || !char.IsAsciiDigit(s[i]))
            {
                return "expected urn:oid: followed by a dotted OID";
            }
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
            if (s[start] == '0' && i - start > 1)
            {
                return "OID arcs have no leading zeros";
            }
            arcs++;
        }
        return arcs > 0 ? null : "expected urn:oid: followed by a dotted OID";
    }

    private static string? CheckUuid(string value)
    {
        // urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}
        const string Prefix = "urn:uuid:";
        const string Reason = "expected urn:uuid: followed by a lower-case UUID";
        if (value.Length != Prefix.Length + 36 || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Reason;
        }
        for (var i = 0; i < 36; i++)
        {
            var c = value[Prefix.Length + i];
            var ok = i is 8 or 13 or 18 or 23 ? c == '-' : char.IsAsciiDigit(c) || c is >= 'a' and <= 'f';
            if (!ok)
            {
                return Reason;
            }
        }
        return null;
    }

    private static string? CheckBase64(string value)
    {
        // (\s*([0-9a-zA-Z\+/=]){4}\s*)+ with padding only at the very end.
        int count = 0, padding = 0;
        foreach (var c in value)
        {
            if (IsXmlSpace(c))
            {
                if (count % 4 != 0)
                {
                    return "whitespace is only allowed between groups of 4 base64 characters";
                }
                continue;
            }
            if (c == '=')
            {
                if (++padding > 2)
                {
                    return "at most two '=' padding characters";
                }
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '+' or '/')
            {
                if (padding > 0)
                {
                    return "'=' padding is only allowed at the end";
                }
            }
            else
            {
                return $"'{c}' is not a base64 character";
            }
            count++;
        }
        if (count == 0)
        {
            return "no base64 content";
        }
        return count % 4 == 0 ? null : "base64 content must be a multiple of 4 characters long";
    }

    private static string? CheckXhtml(string value)
    {
        // Deeper XHTML checks (allowed elements, well-formedness) belong to validation.
        var ok = value.StartsWith("<div", StringComparison.Ordinal) && value.Length > 4
            && (value[4] is '>' or '/' || IsXmlSpace(value[4]))
            && value.AsSpan().TrimEnd(" \t\r\n").EndsWith(">", StringComparison.Ordinal);
        return ok ? null : "narrative must be an XHTML <div> element";
    }

    private static bool IsXmlSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static Regex PatternFor(string pattern) =>
        Patterns.GetOrAdd(pattern, static p => new Regex("^(?:" + p + ")$", RegexOptions.Compiled | RegexOptions.CultureInvariant));
}
