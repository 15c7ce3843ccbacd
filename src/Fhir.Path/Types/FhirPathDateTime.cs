using Fhir.Core.Primitives;
using System.Globalization;
using System.Text;

namespace Fhir.Path.Types;

/// <summary>
/// A FHIRPath <c>System.DateTime</c>: a date and time known to any precision from the year to the millisecond,
/// with or without a timezone offset (<c>@2014-05-06T10:30:00.000+02:00</c>, <c>@2014T</c>).
/// </summary>
public sealed class FhirPathDateTime : IEquatable<FhirPathDateTime>
{
    /// <summary>Creates a date/time; components beyond <paramref name="precision"/> are ignored.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When a component is out of range.</exception>
    public FhirPathDateTime(int year, int month, int day, int hour, int minute, int second, int millisecond, TimeSpan? offset, DateTimePrecision precision)
    {
        Year = year;
        Month = precision >= DateTimePrecision.Month ? month : 1;
        Day = precision >= DateTimePrecision.Day ? day : 1;
        Hour = precision >= DateTimePrecision.Hour ? hour : 0;
        Minute = precision >= DateTimePrecision.Minute ? minute : 0;
        Second = precision >= DateTimePrecision.Second ? second : 0;
        Millisecond = precision >= DateTimePrecision.Fraction ? millisecond : 0;
        Offset = offset;
        Precision = precision;
        if (year < 1 || year > 9999 || Month < 1 || Month > 12 || Day < 1 || Day > DateTime.DaysInMonth(year, Month)
            || Hour is < 0 or > 23 || Minute is < 0 or > 59 || Second is < 0 or > 59 || Millisecond is < 0 or > 999
            || (offset is { } o && o.Duration() > TimeSpan.FromHours(14)))
        {
            throw new ArgumentOutOfRangeException(nameof(year), "The components do not form a date/time.");
        }
    }

    /// <summary>The year.</summary>
    public int Year { get; }

    /// <summary>The month (1 when unknown).</summary>
    public int Month { get; }

    /// <summary>The day (1 when unknown).</summary>
    public int Day { get; }

    /// <summary>The hour (0 when unknown).</summary>
    public int Hour { get; }

    /// <summary>The minute (0 when unknown).</summary>
    public int Minute { get; }

    /// <summary>The second (0 when unknown).</summary>
    public int Second { get; }

    /// <summary>The millisecond (0 when unknown).</summary>
    public int Millisecond { get; }

    /// <summary>The timezone offset, or null when the value has none.</summary>
    public TimeSpan? Offset { get; }

    /// <summary>How much of the value is known.</summary>
    public DateTimePrecision Precision { get; }

    /// <summary>
    /// Parses a FHIR dateTime or instant, or the text of a FHIRPath date/time literal without its <c>@</c>:
    /// <c>2014</c>, <c>2014-05-06T10</c>, <c>2014-05-06T10:30:00.123+02:00</c>, <c>2014-05-06T</c>.
    /// </summary>
    public static bool TryParse(string? text, out FhirPathDateTime? value)
    {
        value = null;
        if (text is null)
        {
            return false;
        }
        var at = DateTimeText.ParseDate(text, out var y, out var mo, out var d, out var p);
        if (at < 0)
        {
            return false;
        }
        int h = 0, mi = 0, s = 0, ms = 0;
        TimeSpan? offset = null;
        if (at < text.Length && text[at] == 'T')
        {
            at++;
            if (at < text.Length)
            {
                if (p != DateTimePrecision.Day)
                {
                    return false;
                }
                at = DateTimeText.ParseTime(text, at, out h, out mi, out s, out ms, out p);
                if (at < 0)
                {
                    return false;
                }
                if (at < text.Length)
                {
                    at = DateTimeText.ParseOffset(text, at, out var o);
                    if (at < 0)
                    {
                        return false;
                    }
                    offset = o;
                }
            }
        }
        else if (at < text.Length && p == DateTimePrecision.Day)
        {
            // A timezone on a date alone (2014-05-06Z) is tolerated; it carries no information at day precision.
            at = DateTimeText.ParseOffset(text, at, out _);
        }
        if (at != text.Length)
        {
            return false;
        }
        try
        {
    value = new FhirPathDateTime(y, Math.Max(mo, 1), Math.Max(d, 1), h, mi, s, ms, offset, p);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>Parses a date/time (see <see cref="TryParse"/>).</summary>
    /// <exception cref="FormatException">When <paramref name="text"/> is not a date/time.</exception>
    public static FhirPathDateTime Parse(string text) =>
        TryParse(text, out var value) ? value! : throw new FormatException($"'{text}' is not a date/time.");

    /// <summary>Converts a <see cref="DateTimeOffset"/> to a date/time with millisecond precision.</summary>
    public static FhirPathDateTime FromDateTimeOffset(DateTimeOffset value) =>
        new(value.Year, value.Month, value.Day, value.Hour, value.Minute, value.Second, value.Millisecond, value.Offset, DateTimePrecision.Fraction);

    /// <summary>The date part (to the day at most), without timezone.</summary>
    public FhirPathDate ToDate() =>
        new(Year, Month, Day, Precision > DateTimePrecision.Day ? DateTimePrecision.Day : Precision);

    /// <summary>
    /// The ISO 8601 / FHIR form: <c>2014-05-06T10:30:00.000+02:00</c>, <c>2014-05</c>; a value known to the hour
    /// prints as <c>2014-05-06T10</c> (a FHIRPath form that FHIR itself does not allow).
    /// </summary>
    public override string ToString()
    {
        var sb = new StringBuilder(29);
        DateTimeFormat.AppendThroughSeconds(sb, Year, Month, Day, Hour, Minute, Second, Precision);
        if (Precision >= DateTimePrecision.Fraction)
        {
            sb.Append('.').Append(Millisecond.ToString("000", CultureInfo.InvariantCulture));
        }
        if (Offset is { } o && Precision >= DateTimePrecision.Hour)
        {
            sb.Append(DateTimeText.FormatOffset(o));
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public bool Equals(FhirPathDateTime? other) =>
        other is not null && other.Year == Year && other.Month == Month && other.Day == Day && other.Hour == Hour
        && other.Minute == Minute && other.Second == Second && other.Millisecond == Millisecond && other.Offset == Offset
        && other.Precision == Precision;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FhirPathDateTime);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Year, Month, Day, Hour, Minute, Second, Millisecond, HashCode.Combine(Offset, Precision));
}
