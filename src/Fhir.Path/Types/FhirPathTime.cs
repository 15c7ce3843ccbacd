using Fhir.Core.Primitives;
using System.Globalization;
using System.Text;

namespace Fhir.Path.Types;

/// <summary>A FHIRPath <c>System.Time</c>: a time of day known to the hour, minute, second or millisecond (<c>@T10:30</c>).</summary>
public sealed class FhirPathTime : IEquatable<FhirPathTime>
{
    /// <summary>Creates a time; components beyond <paramref name="precision"/> are ignored.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When a component is out of range or the precision is coarser than the hour.</exception>
    public FhirPathTime(int hour, int minute, int second, int millisecond, DateTimePrecision precision)
    {
        if (precision < DateTimePrecision.Hour)
        {
            throw new ArgumentOutOfRangeException(nameof(precision), "A time is precise to the hour at least.");
        }
        Hour = hour;
        Minute = precision >= DateTimePrecision.Minute ? minute : 0;
        Second = precision >= DateTimePrecision.Second ? second : 0;
        Millisecond = precision >= DateTimePrecision.Fraction ? millisecond : 0;
        Precision = precision;
        if (hour is < 0 or > 23 || Minute is < 0 or > 59 || Second is < 0 or > 59 || Millisecond is < 0 or > 999)
        {
            throw new ArgumentOutOfRangeException(nameof(hour), "The components do not form a time.");
        }
    }

    /// <summary>The hour.</summary>
    public int Hour { get; }

    /// <summary>The minute (0 when unknown).</summary>
    public int Minute { get; }

    /// <summary>The second (0 when unknown).</summary>
    public int Second { get; }

    /// <summary>The millisecond (0 when unknown).</summary>
    public int Millisecond { get; }

    /// <summary>Hour, Minute, Second or Millisecond.</summary>
    public DateTimePrecision Precision { get; }

    /// <summary>Parses <c>hh</c>, <c>hh:mm</c>, <c>hh:mm:ss</c> or <c>hh:mm:ss.fff</c>.</summary>
    public static bool TryParse(string? text, out FhirPathTime? time)
    {
        time = null;
        if (text is null)
        {
            return false;
        }
        var end = DateTimeText.ParseTime(text, 0, out var h, out var m, out var s, out var ms, out var p);
        if (end != text.Length)
        {
            return false;
        }
        try
        {
    time = new FhirPathTime(h, m, s, ms, p);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>Parses a time (see <see cref="TryParse"/>).</summary>
    /// <exception cref="FormatException">When <paramref name="text"/> is not a time.</exception>
    public static FhirPathTime Parse(string text) =>
        TryParse(text, out var time) ? time! : throw new FormatException($"'{text}' is not a time.");

    /// <summary>The milliseconds since midnight of the earliest moment this time stands for.</summary>
    internal long TotalMilliseconds => ((Hour * 60L + Minute) * 60 + Second) * 1000 + Millisecond;

    /// <summary>The ISO 8601 / FHIR form: <c>10:30:00.000</c>, <c>10:30</c>, <c>10</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(12);
        sb.Append(Hour.ToString("00", CultureInfo.InvariantCulture));
        if (Precision >= DateTimePrecision.Minute)
        {
            sb.Append(':').Append(Minute.ToString("00", CultureInfo.InvariantCulture));
        }
        if (Precision >= DateTimePrecision.Second)
        {
            sb.Append(':').Append(Second.ToString("00", CultureInfo.InvariantCulture));
        }
        if (Precision >= DateTimePrecision.Fraction)
        {
            sb.Append('.').Append(Millisecond.ToString("000", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <inheritdoc />
    public bool Equals(FhirPathTime? other) =>
        other is not null && other.Hour == Hour && other.Minute == Minute && other.Second == Second
        && other.Millisecond == Millisecond && other.Precision == Precision;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FhirPathTime);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Hour, Minute, Second, Millisecond, Precision);
}
