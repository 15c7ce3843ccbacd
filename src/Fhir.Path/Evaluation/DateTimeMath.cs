using Fhir.Core.Primitives;
using Fhir.Path.Types;

namespace Fhir.Path.Evaluation;

/// <summary>
/// Comparison and arithmetic of partial dates, date/times and times. A value stands for the interval of instants
/// it may be (<c>2014-05</c> is all of May); values of the same precision compare exactly, values of different
/// precisions compare when their intervals do not overlap and are otherwise uncertain (empty). Seconds and
/// milliseconds count as one precision. A value without a timezone compared with one that has a timezone may be
/// in any zone from +14:00 to -12:00.
/// </summary>
internal static class DateTimeMath
{
    private static readonly long EarliestZone = TimeSpan.FromHours(14).Ticks;
    private static readonly long LatestZone = TimeSpan.FromHours(12).Ticks;

    private readonly record struct Span(long Low, long High, bool HasZone, DateTimePrecision Level);

    public static FhirPathDateTime AsDateTime(object value) => value as FhirPathDateTime ?? ((FhirPathDate)value).ToDateTime();

    /// <summary>-1, 0 or 1; null when the precisions differ and the intervals overlap.</summary>
    public static int? Compare(FhirPathDateTime a, FhirPathDateTime b)
    {
        var x = ToSpan(a);
        var y = ToSpan(b);
        if (x.HasZone == y.HasZone && x.Level == y.Level)
        {
            return x.Low.CompareTo(y.Low);
        }
        if (x.HasZone != y.HasZone)
        {
            x = Widen(x);
            y = Widen(y);
        }
        if (x.High < y.Low)
        {
            return -1;
        }
        if (x.Low > y.High)
        {
            return 1;
        }
        return null;
    }

    public static bool? Equal(FhirPathDateTime a, FhirPathDateTime b) => Compare(a, b) is { } c ? c == 0 : null;

    public static bool Equivalent(FhirPathDateTime a, FhirPathDateTime b)
    {
        var x = ToSpan(a);
        var y = ToSpan(b);
        return x.HasZone == y.HasZone && x.Level == y.Level && x.Low == y.Low;
    }

    public static int? Compare(FhirPathTime a, FhirPathTime b)
    {
        var la = Level(a.Precision);
        var lb = Level(b.Precision);
        if (la == lb)
        {
            return a.TotalMilliseconds.CompareTo(b.TotalMilliseconds);
        }
        var (aLow, aHigh) = (a.TotalMilliseconds, a.TotalMilliseconds + Width(a.Precision) - 1);
        var (bLow, bHigh) = (b.TotalMilliseconds, b.TotalMilliseconds + Width(b.Precision) - 1);
        if (aHigh < bLow)
        {
            return -1;
        }
        if (aLow > bHigh)
        {
            return 1;
        }
        return null;
    }

    public static bool? Equal(FhirPathTime a, FhirPathTime b) => Compare(a, b) is { } c ? c == 0 : null;

    public static bool Equivalent(FhirPathTime a, FhirPathTime b) =>
        Level(a.Precision) == Level(b.Precision) && a.TotalMilliseconds == b.TotalMilliseconds;

    private static DateTimePrecision Level(DateTimePrecision p) => p == DateTimePrecision.Fraction ? DateTimePrecision.Second : p;

    private static long Width(DateTimePrecision p) => p switch
    {
        DateTimePrecision.Hour => 3_600_000,
        DateTimePrecision.Minute => 60_000,
        _ => 1,
    };

    private static Span Widen(Span s) => s.HasZone ? s : s with { Low = s.Low - EarliestZone, High = s.High + LatestZone };

    private static Span ToSpan(FhirPathDateTime d)
    {
        var start = new DateTime(d.Year, d.Month, d.Day, d.Hour, d.Minute, d.Second, d.Millisecond, DateTimeKind.Unspecified);
        var level = Level(d.Precision);
        long low = start.Ticks;
        long high;
        try
        {
            high = level switch
            {
                DateTimePrecision.Year => start.AddYears(1).Ticks - 1,
                DateTimePrecision.Month => start.AddMonths(1).Ticks - 1,
                DateTimePrecision.Day => start.AddDays(1).Ticks - 1,
                DateTimePrecision.Hour => start.AddHours(1).Ticks - 1,
                DateTimePrecision.Minute => start.AddMinutes(1).Ticks - 1,
                _ => low,
            };
        }
        catch (ArgumentOutOfRangeException)
        {
            high = DateTime.MaxValue.Ticks;
        }
        var hasZone = d.Offset.HasValue && d.Precision >= DateTimePrecision.Hour;
        if (hasZone)
        {
            low -= d.Offset!.Value.Ticks;
            high -= d.Offset!.Value.Ticks;
        }
        return new Span(low, high, hasZone, level);
    }

    /// <summary>
    /// Adds a time-valued quantity to a date, date/time or time. Calendar durations (<c>1 month</c>) and UCUM
    /// definite durations up to weeks (<c>'wk'</c>, <c>'d'</c>, <c>'h'</c>, <c>'min'</c>, <c>'s'</c>, <c>'ms'</c>) are
    /// allowed; the decimal part of the value is ignored, and the result keeps the precision of the date.
    /// </summary>
    public static object Add(object value, FhirPathQuantity quantity, bool subtract, Func<string, Exception> fail)
    {
        var unit = CalendarUnit(quantity.Unit)
            ?? throw fail($"cannot add a quantity in '{quantity.Unit}' to a date or time: only calendar durations and the UCUM units wk, d, h, min, s and ms are allowed");
        var precision = value switch
        {
            FhirPathDate d => d.Precision,
            FhirPathDateTime dt => dt.Precision,
            FhirPathTime t => t.Precision,
            _ => throw fail("not a date or time"),
        };
        // A duration finer than the value is first expressed in the value's precision, truncated (@2016 + 364 days is @2016).
        var amountValue = quantity.Value;
        var precisionUnit = UnitOf(precision);
        if (Rank(unit) > Rank(precisionUnit))
        {
            amountValue = unit == "month" && precisionUnit == "year"
                ? amountValue / 12
                : amountValue * Milliseconds(unit) / Milliseconds(precisionUnit);
            unit = precisionUnit;
        }
        var amount = (long)decimal.Truncate(amountValue);
        if (subtract)
        {
            amount = -amount;
        }
        try
        {
            switch (value)
            {
                case FhirPathDate date:
                {
                    var moved = Move(new DateTime(date.Year, date.Month, date.Day), unit, amount);
                    return new FhirPathDate(moved.Year, moved.Month, moved.Day, date.Precision);
                }
                case FhirPathDateTime dt:
                {
                    var moved = Move(new DateTime(dt.Year, dt.Month, dt.Day, dt.Hour, dt.Minute, dt.Second, dt.Millisecond), unit, amount);
                    return new FhirPathDateTime(moved.Year, moved.Month, moved.Day, moved.Hour, moved.Minute, moved.Second, moved.Millisecond, dt.Offset, dt.Precision);
                }
                default:
                {
                    var time = (FhirPathTime)value;
                    if (unit is "year" or "month" or "week" or "day")
                    {
                        throw fail($"cannot add {quantity} to a time");
                    }
                    var moved = Move(new DateTime(2000, 1, 1).AddMilliseconds(time.TotalMilliseconds), unit, amount);
                    var ms = (long)(moved - new DateTime(2000, 1, 1)).TotalMilliseconds % 86_400_000;
                    if (ms < 0)
                    {
                        ms += 86_400_000;
                    }
                    var t = new DateTime(2000, 1, 1).AddMilliseconds(ms);
                    return new FhirPathTime(t.Hour, t.Minute, t.Second, t.Millisecond, time.Precision);
                }
            }
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or OverflowException)
        {
            throw fail("the result of the date arithmetic is out of range");
        }
    }

    private static string UnitOf(DateTimePrecision precision) => precision switch
    {
        DateTimePrecision.Year => "year",
        DateTimePrecision.Month => "month",
        DateTimePrecision.Day => "day",
        DateTimePrecision.Hour => "hour",
        DateTimePrecision.Minute => "minute",
        DateTimePrecision.Second => "second",
        _ => "millisecond",
    };

    private static int Rank(string unit) => unit switch
    {
        "year" => 0,
        "month" => 1,
        "week" => 2,
        "day" => 3,
        "hour" => 4,
        "minute" => 5,
        "second" => 6,
        _ => 7,
    };

    // For expressing a finer duration in a coarser precision: a year is 365 days and a month 30.
    private static decimal Milliseconds(string unit) => unit switch
    {
        "year" => 365m * 86_400_000,
        "month" => 30m * 86_400_000,
        "week" => 7m * 86_400_000,
        "day" => 86_400_000,
        "hour" => 3_600_000,
        "minute" => 60_000,
        "second" => 1_000,
        _ => 1,
    };

    private static DateTime Move(DateTime start, string unit, long amount) => unit switch
    {
        "year" => start.AddYears(checked((int)amount)),
        "month" => start.AddMonths(checked((int)amount)),
        "week" => start.AddDays(amount * 7),
        "day" => start.AddDays(amount),
        "hour" => start.AddHours(amount),
        "minute" => start.AddMinutes(amount),
        "second" => start.AddSeconds(amount),
        _ => start.AddMilliseconds(amount),
    };

    /// <summary>The singular calendar unit a date arithmetic unit stands for, or null.</summary>
    public static string? CalendarUnit(string unit) => unit switch
    {
        "year" or "years" => "year",
        "month" or "months" => "month",
        "week" or "weeks" or "wk" => "week",
        "day" or "days" or "d" => "day",
        "hour" or "hours" or "h" => "hour",
        "minute" or "minutes" or "min" => "minute",
        "second" or "seconds" or "s" => "second",
        "millisecond" or "milliseconds" or "ms" => "millisecond",
        _ => null,
    };
}
