using Fhir.Core.Primitives;
using Fhir.Path.Types;

namespace Fhir.Path.Functions;

/// <summary>
/// <c>lowBoundary()</c> and <c>highBoundary()</c>: the least and greatest values a decimal, date, date/time or
/// time may stand for, given its precision, expressed to another precision. A decimal is uncertain by half a
/// unit of its last digit; an unknown timezone is taken as +14:00 (low) or -12:00 (high).
/// </summary>
internal static class Boundaries
{
    private static readonly TimeSpan LowestZone = TimeSpan.FromHours(14);
    private static readonly TimeSpan HighestZone = TimeSpan.FromHours(-12);

    /// <summary>The boundary of a decimal to <paramref name="precision"/> digits after the point; null when the precision is out of range.</summary>
    public static decimal? Decimal(decimal value, int precision, bool high)
    {
        if (precision < 0 || precision > 28)
        {
            return null;
        }
        if (value < 0)
        {
            return -Positive(-value, precision, !high);
        }
        return Positive(value, precision, high);
    }

    private static decimal Positive(decimal value, int precision, bool high)
    {
        var scale = value.Scale;
        var half = new decimal(5, 0, 0, false, (byte)Math.Min(scale + 1, 28));
        decimal result;
        if (value == 0)
        {
            result = high
                ? Math.Round(0.5m, precision, MidpointRounding.AwayFromZero)
                : -Math.Round(0.5m, precision, MidpointRounding.ToZero);
        }
        else if (high)
        {
            result = Math.Round(value + half, precision, MidpointRounding.AwayFromZero);
        }
        else
        {
            result = Math.Round(value - half, precision, MidpointRounding.ToZero);
        }
        // Express the result with exactly 'precision' digits after the point.
        return result + new decimal(0, 0, 0, false, (byte)precision);
    }

    /// <summary>The number of digits a date/time precision stands for: 4 (year) ... 17 (milliseconds).</summary>
    public static int Digits(DateTimePrecision precision) => precision switch
    {
        DateTimePrecision.Year => 4,
        DateTimePrecision.Month => 6,
        DateTimePrecision.Day => 8,
        DateTimePrecision.Hour => 10,
        DateTimePrecision.Minute => 12,
        DateTimePrecision.Second => 14,
        _ => 17,
    };

    private static DateTimePrecision? FromDigits(int digits) => digits switch
    {
        4 => DateTimePrecision.Year,
        6 => DateTimePrecision.Month,
        8 => DateTimePrecision.Day,
        10 => DateTimePrecision.Hour,
        12 => DateTimePrecision.Minute,
        14 => DateTimePrecision.Second,
        17 => DateTimePrecision.Fraction,
        _ => null,
    };

    /// <summary>
    /// The boundary of a date (<paramref name="isDate"/>) or date/time. A date stays a date up to 8 digits
    /// (the default for dates); beyond, and for date/times (default 17), the result is a date/time.
    /// </summary>
    public static object? DateTime(FhirPathDateTime value, int? digits, bool high, bool isDate)
    {
        var target = FromDigits(digits ?? (isDate ? 8 : 17));
        if (target is null)
        {
            return null;
        }
        var precision = value.Precision;
        // An hour alone is not a FHIR date/time: it is read as that hour's first minute.
        if (precision == DateTimePrecision.Hour)
        {
            precision = DateTimePrecision.Minute;
        }
        var month = precision >= DateTimePrecision.Month ? value.Month : high ? 12 : 1;
        var day = precision >= DateTimePrecision.Day ? value.Day : high ? System.DateTime.DaysInMonth(value.Year, month) : 1;
        var hour = precision >= DateTimePrecision.Hour ? value.Hour : high ? 23 : 0;
        var minute = precision >= DateTimePrecision.Minute ? value.Minute : high ? 59 : 0;
        var second = precision >= DateTimePrecision.Second ? value.Second : high ? 59 : 0;
        var millisecond = precision >= DateTimePrecision.Fraction ? value.Millisecond : high ? 999 : 0;
        if (isDate && target <= DateTimePrecision.Day)
        {
            return new FhirPathDate(value.Year, month, day, target.Value);
        }
        TimeSpan? offset = target > DateTimePrecision.Hour ? value.Offset ?? (high ? HighestZone : LowestZone) : null;
        return new FhirPathDateTime(value.Year, month, day, hour, minute, second, millisecond, offset, target.Value);
    }

    /// <summary>The boundary of a time to 2 (hour), 4, 6 or 9 (millisecond) digits.</summary>
    public static FhirPathTime? Time(FhirPathTime value, int digits, bool high)
    {
        var target = FromDigits(digits + 8);
        if (target is null)
        {
            return null;
        }
        var p = value.Precision;
        var minute = p >= DateTimePrecision.Minute ? value.Minute : high ? 59 : 0;
        var second = p >= DateTimePrecision.Second ? value.Second : high ? 59 : 0;
        var millisecond = p >= DateTimePrecision.Fraction ? value.Millisecond : high ? 999 : 0;
        return new FhirPathTime(value.Hour, minute, second, millisecond, target.Value);
    }
}
