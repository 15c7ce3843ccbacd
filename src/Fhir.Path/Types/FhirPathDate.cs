using Fhir.Core.Primitives;
using System.Globalization;

namespace Fhir.Path.Types;

/// <summary>A FHIRPath <c>System.Date</c>: a date known to the year, month or day (<c>@2014</c>, <c>@2014-05</c>, <c>@2014-05-06</c>).</summary>
public sealed class FhirPathDate : IEquatable<FhirPathDate>
{
    /// <summary>Creates a date; <paramref name="month"/> and <paramref name="day"/> are ignored beyond <paramref name="precision"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When the precision is finer than a day or a component is out of range.</exception>
    public FhirPathDate(int year, int month = 1, int day = 1, DateTimePrecision precision = DateTimePrecision.Day)
    {
        if (precision > DateTimePrecision.Day)
        {
            throw new ArgumentOutOfRangeException(nameof(precision), "A date is precise to the day at most.");
        }
        Year = year;
        Month = precision >= DateTimePrecision.Month ? month : 1;
        Day = precision >= DateTimePrecision.Day ? day : 1;
        Precision = precision;
        if (year < 1 || year > 9999 || Month < 1 || Month > 12 || Day < 1 || Day > DateTime.DaysInMonth(year, Month))
        {
            throw new ArgumentOutOfRangeException(nameof(year), $"{year}-{month}-{day} is not a date.");
        }
    }

    /// <summary>The year.</summary>
    public int Year { get; }

    /// <summary>The month (1 when the precision is the year).</summary>
    public int Month { get; }

    /// <summary>The day of the month (1 when the precision is coarser than the day).</summary>
    public int Day { get; }

    /// <summary>Year, Month or Day.</summary>
    public DateTimePrecision Precision { get; }

    /// <summary>Parses <c>YYYY</c>, <c>YYYY-MM</c> or <c>YYYY-MM-DD</c>.</summary>
    public static bool TryParse(string? text, out FhirPathDate? date)
    {
        date = null;
        if (text is null)
        {
            return false;
        }
        var end = DateTimeText.ParseDate(text, out var y, out var m, out var d, out var p);
        if (end != text.Length)
        {
            return false;
        }
        try
        {
    date = new FhirPathDate(y, Math.Max(m, 1), Math.Max(d, 1), p);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>Parses <c>YYYY</c>, <c>YYYY-MM</c> or <c>YYYY-MM-DD</c>.</summary>
    /// <exception cref="FormatException">When <paramref name="text"/> is not such a date.</exception>
    public static FhirPathDate Parse(string text) =>
        TryParse(text, out var date) ? date! : throw new FormatException($"'{text}' is not a date.");

    /// <summary>The same moment as a date/time of the same precision, without a timezone.</summary>
    public FhirPathDateTime ToDateTime() => new(Year, Month, Day, 0, 0, 0, 0, null, Precision);

    /// <summary>The ISO 8601 form: <c>2014-05-06</c>, <c>2014-05</c>, <c>2014</c>.</summary>
    public override string ToString() => Precision switch
    {
        DateTimePrecision.Year => Year.ToString("0000", CultureInfo.InvariantCulture),
        DateTimePrecision.Month => string.Create(CultureInfo.InvariantCulture, $"{Year:0000}-{Month:00}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Year:0000}-{Month:00}-{Day:00}"),
    };

    /// <inheritdoc />
    public bool Equals(FhirPathDate? other) =>
        other is not null && other.Year == Year && other.Month == Month && other.Day == Day && other.Precision == Precision;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FhirPathDate);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Year, Month, Day, Precision);
}
