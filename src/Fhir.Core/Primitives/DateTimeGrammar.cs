namespace Fhir.Core.Primitives;

/// <summary>Hand-written parsers for the FHIR date, dateTime, instant and time grammars (no regex: they are on the hot path).</summary>
internal static class DateTimeGrammar
{
    internal enum Form { Date, DateTime, Instant }

    public static bool TryParse(ReadOnlySpan<char> s, Form form, PartialDateTimeStyles styles, out PartialDateTime value)
    {
        value = default;
        var pos = 0;
        // The grammar's year runs from 0001 to 9999.
        if (!Digits(s, ref pos, 4, out var year) || year == 0)
        {
            return false;
        }
        int month = 1, day = 1, hour = 0, minute = 0, second = 0, fraction = 0, fractionDigits = 0;
        var precision = DateTimePrecision.Year;
        TimeSpan? offset = null;
        if (pos < s.Length)
        {
            if (s[pos++] != '-' || !Digits(s, ref pos, 2, out month) || month is < 1 or > 12)
            {
                return false;
            }
            precision = DateTimePrecision.Month;
        }
        if (pos < s.Length)
        {
            if (s[pos++] != '-' || !Digits(s, ref pos, 2, out day) || day < 1 || day > DateTime.DaysInMonth(year, month))
            {
                return false;
            }
            precision = DateTimePrecision.Day;
        }
        if (pos < s.Length)
        {
            if (form == Form.Date || s[pos++] != 'T' || !Digits(s, ref pos, 2, out hour) || hour > 23)
            {
                return false;
            }
            precision = DateTimePrecision.Hour;
            if (pos < s.Length && s[pos] == ':')
            {
                pos++;
                if (!Digits(s, ref pos, 2, out minute) || minute > 59)
                {
                    return false;
                }
                precision = DateTimePrecision.Minute;
                if (pos < s.Length && s[pos] == ':')
                {
                    pos++;
                    if (!Digits(s, ref pos, 2, out second) || second > 60)
                    {
                        return false;
                    }
                    precision = DateTimePrecision.Second;
                    if (pos < s.Length && s[pos] == '.')
                    {
                        pos++;
                        if (!Fraction(s, ref pos, out fraction, out fractionDigits))
                        {
                            return false;
                        }
                        precision = DateTimePrecision.Fraction;
                    }
                }
            }
            if (precision < DateTimePrecision.Second && (styles & PartialDateTimeStyles.AllowPartialTime) == 0)
            {
                return false;
            }
            if (pos < s.Length)
            {
                if (!Offset(s, ref pos, out var parsed))
                {
                    return false;
                }
                offset = parsed;
            }
            else if ((styles & PartialDateTimeStyles.AllowMissingOffset) == 0)
            {
                return false;
            }
        }
        if (pos != s.Length || (form == Form.Instant && precision < DateTimePrecision.Second))
        {
            return false;
        }
        value = new PartialDateTime(year, month, day, hour, minute, second, fraction, fractionDigits, precision, offset);
        return true;
    }

    public static bool TryParseTime(ReadOnlySpan<char> s, out PartialTime value)
    {
        value = default;
        var pos = 0;
        if (!Digits(s, ref pos, 2, out var hour) || hour > 23
            || pos >= s.Length || s[pos++] != ':' || !Digits(s, ref pos, 2, out var minute) || minute > 59
            || pos >= s.Length || s[pos++] != ':' || !Digits(s, ref pos, 2, out var second) || second > 60)
        {
            return false;
        }
        int fraction = 0, digits = 0;
        if (pos < s.Length && (s[pos++] != '.' || !Fraction(s, ref pos, out fraction, out digits)))
        {
            return false;
        }
        if (pos != s.Length)
        {
            return false;
        }
        value = new PartialTime(hour, minute, second, fraction, digits);
        return true;
    }

    private static bool Offset(ReadOnlySpan<char> s, ref int pos, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        var c = s[pos++];
        if (c == 'Z')
        {
            return true;
        }
        if (c is not ('+' or '-')
            || !Digits(s, ref pos, 2, out var hours) || pos >= s.Length || s[pos++] != ':' || !Digits(s, ref pos, 2, out var minutes)
            || minutes > 59 || hours > 14 || (hours == 14 && minutes != 0))
        {
            return false;
        }
        offset = new TimeSpan(hours, minutes, 0);
        if (c == '-')
        {
            offset = -offset;
        }
        return true;
    }

    private static bool Fraction(ReadOnlySpan<char> s, ref int pos, out int ticks, out int digits)
    {
        ticks = 0;
        digits = 0;
        while (pos < s.Length && char.IsAsciiDigit(s[pos]))
        {
            if (digits < 7)
            {
                ticks = ticks * 10 + (s[pos] - '0');
            }
            digits++;
            pos++;
        }
        for (var i = digits; i < 7; i++)
        {
            ticks *= 10;
        }
        return digits > 0;
    }

    private static bool Digits(ReadOnlySpan<char> s, ref int pos, int count, out int value)
    {
        value = 0;
        if (pos + count > s.Length)
        {
            return false;
        }
        for (var i = 0; i < count; i++)
        {
            var c = s[pos + i];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        pos += count;
        return true;
    }
}
