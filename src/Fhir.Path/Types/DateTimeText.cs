using Fhir.Core.Primitives;
using System.Globalization;

namespace Fhir.Path.Types;

/// <summary>Parsing and formatting helpers shared by the date, date/time and time values.</summary>
internal static class DateTimeText
{
    public static bool Digits(string s, int at, int count, out int value)
    {
        value = 0;
        if (at + count > s.Length)
        {
            return false;
        }
        for (var i = at; i < at + count; i++)
        {
            var c = s[i];
            if (c < '0' || c > '9')
            {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        return true;
    }

    /// <summary>Parses <c>YYYY[-MM[-DD]]</c> from the start of <paramref name="s"/>; returns the index after it.</summary>
    public static int ParseDate(string s, out int year, out int month, out int day, out DateTimePrecision precision)
    {
        month = 0;
        day = 0;
        precision = DateTimePrecision.Year;
        if (!Digits(s, 0, 4, out year))
        {
            return -1;
        }
        var at = 4;
        if (at < s.Length && s[at] == '-')
        {
            if (!Digits(s, at + 1, 2, out month) || month < 1 || month > 12)
            {
                return -1;
            }
            at += 3;
            precision = DateTimePrecision.Month;
            if (at < s.Length && s[at] == '-')
            {
                if (!Digits(s, at + 1, 2, out day) || year < 1 || day < 1 || day > DateTime.DaysInMonth(year, month))
                {
                    return -1;
                }
                at += 3;
                precision = DateTimePrecision.Day;
            }
        }
        return year < 1 ? -1 : at;
    }

    /// <summary>Parses <c>hh[:mm[:ss[.fff]]]</c> at <paramref name="at"/>; returns the index after it.</summary>
    public static int ParseTime(string s, int at, out int hour, out int minute, out int second, out int millisecond, out DateTimePrecision precision)
    {
        minute = 0;
        second = 0;
        millisecond = 0;
        precision = DateTimePrecision.Hour;
        if (!Digits(s, at, 2, out hour) || hour > 23)
        {
            return -1;
        }
        at += 2;
        if (at < s.Length && s[at] == ':')
        {
            if (!Digits(s, at + 1, 2, out minute) || minute > 59)
            {
                return -1;
            }
            at += 3;
            precision = DateTimePrecision.Minute;
            if (at < s.Length && s[at] == ':')
            {
                if (!Digits(s, at + 1, 2, out second) || second > 59)
                {
                    return -1;
                }
                at += 3;
                precision = DateTimePrecision.Second;
                if (at < s.Length && s[at] == '.')
                {
                    var start = at + 1;
                    var end = start;
                    while (end < s.Length && s[end] >= '0' && s[end] <= '9')
                    {
                        end++;
                    }
                    if (end == start)
                    {
                        return -1;
                    }
                    // Milliseconds: the first three digits, padded (".1" is 100 ms); further digits are dropped.
                    var ms = 0;
                    for (var i = 0; i < 3; i++)
                    {
                        ms = ms * 10 + (start + i < end ? s[start + i] - '0' : 0);
                    }
                    millisecond = ms;
                    at = end;
                    precision = DateTimePrecision.Fraction;
                }
            }
        }
        return at;
    }

    /// <summary>Parses <c>Z</c> or <c>(+|-)hh:mm</c> at <paramref name="at"/>; returns the index after it.</summary>
    public static int ParseOffset(string s, int at, out TimeSpan offset)
    {
        offset = TimeSpan.Zero;
        if (at >= s.Length)
        {
            return -1;
        }
        if (s[at] == 'Z')
        {
            return at + 1;
        }
        if (s[at] != '+' && s[at] != '-')
        {
            return -1;
        }
        if (!Digits(s, at + 1, 2, out var h) || at + 3 >= s.Length || s[at + 3] != ':' || !Digits(s, at + 4, 2, out var m) || h > 14 || m > 59)
        {
            return -1;
        }
        offset = new TimeSpan(h, m, 0);
        if (s[at] == '-')
        {
            offset = -offset;
        }
        return at + 6;
    }

    public static string FormatOffset(TimeSpan offset)
    {
        if (offset == TimeSpan.Zero)
        {
            return "Z";
        }
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        var abs = offset.Duration();
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{abs.Hours:00}:{abs.Minutes:00}");
    }
}
