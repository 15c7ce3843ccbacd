using System.Globalization;
using System.Text;

namespace Fhir.Core.Primitives;

/// <summary>
/// A FHIR <c>date</c>, <c>dateTime</c> or <c>instant</c> as written: its components up to its
/// <see cref="Precision"/>, its timezone offset if it had one, and the range of UTC instants it
/// covers (<c>2013-01</c> covers the whole of January 2013). Made by the parsers of <see cref="FhirPrimitives"/>.
/// </summary>
public readonly struct PartialDateTime : IEquatable<PartialDateTime>
{
    internal PartialDateTime(
        int year, int month, int day, int hour, int minute, int second, int fractionTicks, int fractionDigits,
        DateTimePrecision precision, TimeSpan? offset)
    {
        Year = year;
        Month = month;
        Day = day;
        Hour = hour;
        Minute = minute;
        Second = second;
        FractionTicks = fractionTicks;
        FractionDigits = fractionDigits;
        Precision = precision;
        Offset = offset;
        (Low, High) = ComputeRange();
    }

    /// <summary>The year, 1 to 9999.</summary>
    public int Year { get; }

    /// <summary>The month, 1 to 12; 1 when <see cref="Precision"/> is <see cref="DateTimePrecision.Year"/>.</summary>
    public int Month { get; }

    /// <summary>The day of the month; 1 when the precision is coarser than a day.</summary>
    public int Day { get; }

    /// <summary>The hour, 0 to 23; 0 when there is no time.</summary>
    public int Hour { get; }

    /// <summary>The minute; 0 when the precision is coarser than a minute.</summary>
    public int Minute { get; }

    /// <summary>The second, 0 to 60 (the grammar allows a leap second); 0 when the precision is coarser.</summary>
    public int Second { get; }

    /// <summary>The fraction of the second in ticks (100 ns), digits beyond the seventh dropped.</summary>
    public int FractionTicks { get; }

    /// <summary>How many fraction digits were written (0 when none).</summary>
    public int FractionDigits { get; }

    /// <summary>The last component written.</summary>
    public DateTimePrecision Precision { get; }

    /// <summary>The timezone offset written, or null (a date, or a search value without one, taken as UTC).</summary>
    public TimeSpan? Offset { get; }

    /// <summary>True when the value has a time part.</summary>
    public bool HasTime => Precision >= DateTimePrecision.Hour;

    /// <summary>The first UTC instant the value covers (offset zero), clamped to the range of <see cref="DateTimeOffset"/>.</summary>
    public DateTimeOffset Low { get; }

    /// <summary>The last UTC instant (tick) the value covers, inclusive: <c>2013</c> ends at <c>2013-12-31T23:59:59.9999999Z</c>.</summary>
    public DateTimeOffset High { get; }

    /// <summary><see cref="Low"/> as a UTC <see cref="DateTime"/>.</summary>
    public DateTime LowUtc => Low.UtcDateTime;

    /// <summary><see cref="High"/> as a UTC <see cref="DateTime"/>.</summary>
    public DateTime HighUtc => High.UtcDateTime;

    /// <summary>
    /// Parses a date, dateTime or instant of any precision down to the hour (<c>2013</c>, <c>2013-01-14T10</c>,
    /// <c>2013-01-14T10:00:00.5+01:00</c>), as search and <c>_since</c> values are written. When
    /// <paramref name="requireTimezone"/> is false a time without a timezone is taken as UTC. Resource
    /// content follows the stricter <see cref="FhirPrimitives.TryParseDateTime(string, out PartialDateTime)"/>.
    /// </summary>
    public static bool TryParse(string? text, out PartialDateTime value, bool requireTimezone = true) =>
        FhirPrimitives.TryParseDateTime(
            text, requireTimezone ? PartialDateTimeStyles.AllowPartialTime : PartialDateTimeStyles.Search, out value);

    /// <summary>The value in its FHIR lexical form at its precision (fraction digits beyond the seventh are not kept).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(32);
        DateTimeFormat.AppendThroughSeconds(sb, Year, Month, Day, Hour, Minute, Second, Precision);
        if (Precision == DateTimePrecision.Fraction)
        {
            var digits = FractionTicks.ToString("D7", CultureInfo.InvariantCulture);
            sb.Append('.').Append(FractionDigits <= 7 ? digits.AsSpan(0, FractionDigits) : digits);
        }
        if (Offset is { } offset)
        {
            if (offset == TimeSpan.Zero)
            {
                sb.Append('Z');
            }
            else
            {
                sb.Append(offset < TimeSpan.Zero ? '-' : '+')
                  .Append(Math.Abs(offset.Hours).ToString("D2", CultureInfo.InvariantCulture)).Append(':')
                  .Append(Math.Abs(offset.Minutes).ToString("D2", CultureInfo.InvariantCulture));
            }
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public bool Equals(PartialDateTime other) =>
        Year == other.Year && Month == other.Month && Day == other.Day && Hour == other.Hour && Minute == other.Minute
        && Second == other.Second && FractionTicks == other.FractionTicks && FractionDigits == other.FractionDigits
        && Precision == other.Precision && Offset == other.Offset;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PartialDateTime other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Low, High, Precision, Offset, FractionDigits);

    /// <summary>Equality of the written values (same components, precision and offset).</summary>
    public static bool operator ==(PartialDateTime left, PartialDateTime right) => left.Equals(right);

    /// <summary>Inequality of the written values.</summary>
    public static bool operator !=(PartialDateTime left, PartialDateTime right) => !left.Equals(right);

    private (DateTimeOffset Low, DateTimeOffset High) ComputeRange()
    {
        // Tick arithmetic rather than DateTime so that a leap second (:60) and offsets at the ends of the calendar work.
        long start = new DateTime(Year, Month, Day, 0, 0, 0, DateTimeKind.Unspecified).Ticks
            + Hour * TimeSpan.TicksPerHour + Minute * TimeSpan.TicksPerMinute + Second * TimeSpan.TicksPerSecond + FractionTicks;
        long end = Precision switch
        {
            DateTimePrecision.Year => YearStart(Year + 1),
            DateTimePrecision.Month => Month == 12 ? YearStart(Year + 1) : new DateTime(Year, Month + 1, 1).Ticks,
            DateTimePrecision.Day => start + TimeSpan.TicksPerDay,
            DateTimePrecision.Hour => start + TimeSpan.TicksPerHour,
            DateTimePrecision.Minute => start + TimeSpan.TicksPerMinute,
            DateTimePrecision.Second => start + TimeSpan.TicksPerSecond,
            _ => start + (FractionDigits >= 7 ? 1 : Pow10(7 - FractionDigits)),
        } - 1;
        var shift = Offset?.Ticks ?? 0;
        return (Utc(start - shift), Utc(end - shift));
    }

    private static long YearStart(int year) => year > 9999 ? DateTime.MaxValue.Ticks + 1 : new DateTime(year, 1, 1).Ticks;

    private static DateTimeOffset Utc(long ticks) =>
        new(Math.Clamp(ticks, DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks), TimeSpan.Zero);

    private static long Pow10(int n)
    {
        long result = 1;
        for (var i = 0; i < n; i++)
        {
            result *= 10;
        }
        return result;
    }
}
