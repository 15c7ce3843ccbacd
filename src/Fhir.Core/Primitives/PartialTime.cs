using System.Globalization;

namespace Fhir.Core.Primitives;

/// <summary>
/// A FHIR <c>time</c> (a time of day, no date, no timezone) as written: <c>hh:mm:ss</c> with an
/// optional fraction, and the range of times of day it covers. Made by <see cref="FhirPrimitives.TryParseTime"/>.
/// </summary>
public readonly struct PartialTime : IEquatable<PartialTime>
{
    internal PartialTime(int hour, int minute, int second, int fractionTicks, int fractionDigits)
    {
        Hour = hour;
        Minute = minute;
        Second = second;
        FractionTicks = fractionTicks;
        FractionDigits = fractionDigits;
        Low = new TimeSpan(hour * TimeSpan.TicksPerHour + minute * TimeSpan.TicksPerMinute + second * TimeSpan.TicksPerSecond + fractionTicks);
        var length = fractionDigits == 0 ? TimeSpan.TicksPerSecond : fractionDigits >= 7 ? 1 : (long)Math.Pow(10, 7 - fractionDigits);
        High = Low + new TimeSpan(length - 1);
    }

    /// <summary>The hour, 0 to 23.</summary>
    public int Hour { get; }

    /// <summary>The minute, 0 to 59.</summary>
    public int Minute { get; }

    /// <summary>The second, 0 to 60 (the grammar allows a leap second).</summary>
    public int Second { get; }

    /// <summary>The fraction of the second in ticks (100 ns), digits beyond the seventh dropped.</summary>
    public int FractionTicks { get; }

    /// <summary>How many fraction digits were written (0 when none).</summary>
    public int FractionDigits { get; }

    /// <summary><see cref="DateTimePrecision.Second"/> or <see cref="DateTimePrecision.Fraction"/>.</summary>
    public DateTimePrecision Precision => FractionDigits == 0 ? DateTimePrecision.Second : DateTimePrecision.Fraction;

    /// <summary>The first time of day covered.</summary>
    public TimeSpan Low { get; }

    /// <summary>The last time of day (tick) covered, inclusive.</summary>
    public TimeSpan High { get; }

    /// <summary>The value in its FHIR lexical form (fraction digits beyond the seventh are not kept).</summary>
    public override string ToString()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Hour:D2}:{Minute:D2}:{Second:D2}");
        if (FractionDigits == 0)
        {
            return text;
        }
        var digits = FractionTicks.ToString("D7", CultureInfo.InvariantCulture);
        return text + "." + (FractionDigits <= 7 ? digits[..FractionDigits] : digits);
    }

    /// <inheritdoc />
    public bool Equals(PartialTime other) =>
        Hour == other.Hour && Minute == other.Minute && Second == other.Second
        && FractionTicks == other.FractionTicks && FractionDigits == other.FractionDigits;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is PartialTime other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Low, FractionDigits);

    /// <summary>Equality of the written values.</summary>
    public static bool operator ==(PartialTime left, PartialTime right) => left.Equals(right);

    /// <summary>Inequality of the written values.</summary>
    public static bool operator !=(PartialTime left, PartialTime right) => !left.Equals(right);
}
