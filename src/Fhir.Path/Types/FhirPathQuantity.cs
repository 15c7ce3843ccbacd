using System.Globalization;

namespace Fhir.Path.Types;

/// <summary>
/// A FHIRPath <c>System.Quantity</c>: a decimal value with a unit, either a UCUM code (<c>4.5 'mg'</c>) or a calendar
/// duration keyword (<c>3 days</c>, <c>1 year</c>).
/// </summary>
public sealed class FhirPathQuantity : IEquatable<FhirPathQuantity>
{
    private static readonly string[] CalendarUnits =
    [
        "year", "years", "month", "months", "week", "weeks", "day", "days",
        "hour", "hours", "minute", "minutes", "second", "seconds", "millisecond", "milliseconds",
    ];

    /// <summary>Creates a quantity.</summary>
    /// <param name="value">The value.</param>
    /// <param name="unit">A UCUM code or a calendar duration keyword; <c>1</c> (no unit) when null or empty.</param>
    public FhirPathQuantity(decimal value, string? unit = null)
    {
        Value = value;
        Unit = string.IsNullOrEmpty(unit) ? "1" : unit;
    }

    /// <summary>The value.</summary>
    public decimal Value { get; }

    /// <summary>The unit: a UCUM code (<c>mg</c>, <c>1</c>) or a calendar duration keyword (<c>year</c>, <c>days</c>).</summary>
    public string Unit { get; }

    /// <summary>True when the unit is a calendar duration keyword (<c>year</c>, <c>weeks</c>...) rather than a UCUM code.</summary>
    public bool IsCalendarDuration => IsCalendarUnit(Unit);

    /// <summary>True for the calendar duration keywords <c>year</c> ... <c>millisecond</c> and their plurals.</summary>
    public static bool IsCalendarUnit(string unit) => Array.IndexOf(CalendarUnits, unit) >= 0;

    /// <summary>
    /// The FHIRPath text of the quantity: <c>4.5 'mg'</c>, <c>1 week</c>.
    /// </summary>
    public override string ToString() =>
        IsCalendarDuration
            ? Value.ToString(CultureInfo.InvariantCulture) + " " + Unit
            : Value.ToString(CultureInfo.InvariantCulture) + " '" + Unit + "'";

    /// <inheritdoc />
    public bool Equals(FhirPathQuantity? other) => other is not null && other.Value == Value && other.Unit == Unit;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as FhirPathQuantity);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Value, Unit);
}
