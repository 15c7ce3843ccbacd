namespace Fhir.Core.Json;

/// <summary>
/// Finds escaped UTF-16 surrogates without their pair (<c>"\ud800"</c>). JSON's grammar lets them through, but they are
/// not Unicode text: no UTF-8 string holds them, and System.Text.Json throws when asked for such a string. Backslashes
/// occur only inside JSON strings, so the raw text of a whole document or of one token can be scanned alike.
/// </summary>
internal static class JsonEscapes
{
    /// <summary>The offset of the first escape of an unpaired surrogate in <paramref name="json"/>, or -1.</summary>
    public static int IndexOfUnpairedSurrogate(ReadOnlySpan<byte> json)
    {
        var i = json.IndexOf((byte)'\\');
        while (i >= 0)
        {
            if (i + 1 >= json.Length || json[i + 1] != (byte)'u' || !TryHex(json, i + 2, out var unit))
            {
                // Another escape (or a malformed one, which the reader reports): step over it.
                i = Next(json, i + 2);
                continue;
            }
            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return i; // a low surrogate with no high one before it
            }
            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (i + 7 < json.Length && json[i + 6] == (byte)'\\' && json[i + 7] == (byte)'u'
                    && TryHex(json, i + 8, out var low) && low is >= 0xDC00 and <= 0xDFFF)
                {
                    i = Next(json, i + 12);
                    continue;
                }
                return i;
            }
            i = Next(json, i + 6);
        }
        return -1;
    }

    private static int Next(ReadOnlySpan<byte> json, int from)
    {
        if (from >= json.Length)
        {
            return -1;
        }
        var k = json[from..].IndexOf((byte)'\\');
        return k < 0 ? -1 : from + k;
    }

    private static bool TryHex(ReadOnlySpan<byte> json, int at, out int value)
    {
        value = 0;
        if (at + 4 > json.Length)
        {
            return false;
        }
        for (var k = at; k < at + 4; k++)
        {
            var digit = json[k] switch
            {
                >= (byte)'0' and <= (byte)'9' => json[k] - '0',
                >= (byte)'a' and <= (byte)'f' => json[k] - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => json[k] - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }
            value = value * 16 + digit;
        }
        return true;
    }
}
