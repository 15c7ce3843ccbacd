using Fhir.Core.Ucum;
using Fhir.Path.Types;

namespace Fhir.Path.Evaluation;

/// <summary>
/// Quantity comparison and arithmetic. UCUM units convert through <see cref="Ucum"/>; calendar durations convert
/// among themselves (years with months; weeks down to milliseconds) and, from weeks down, to their UCUM
/// equivalents. Years and months never equal UCUM <c>'a'</c> and <c>'mo'</c>, which are definite durations.
/// </summary>
internal static class QuantityMath
{
    /// <summary>Brings two quantities to a common unit; false when they are not comparable.</summary>
    public static bool TryAlign(FhirPathQuantity a, FhirPathQuantity b, out decimal x, out decimal y, out string unit)
    {
        x = a.Value;
        y = b.Value;
        unit = a.Unit;
        if (a.Unit == b.Unit)
        {
            return true;
        }
        var ca = CalendarScale(a.Unit, out var groupA);
        var cb = CalendarScale(b.Unit, out var groupB);
        if (ca is not null && cb is not null)
        {
            if (groupA != groupB)
            {
                return false;
            }
            // Express both in the smaller unit so that values stay exact.
            if (ca >= cb)
            {
                x = a.Value * ca.Value / cb.Value;
                unit = b.Unit;
            }
            else
            {
                y = b.Value * cb.Value / ca.Value;
            }
            return true;
        }
        var ua = ca is null ? a.Unit : UcumEquivalent(a.Unit);
        var ub = cb is null ? b.Unit : UcumEquivalent(b.Unit);
        if (ua is null || ub is null)
        {
            return false;
        }
        if (ua == ub)
        {
            unit = ua;
            return true;
        }
        if (Ucum.TryConvert(b.Value, ub, ua, out var converted))
        {
            y = converted;
            unit = ua;
            return true;
        }
        // Fall back to canonical forms (products such as cm.m against m2 convert this way too).
        if (Ucum.TryCanonicalize(a.Value, ua, out var cva, out var cua) && Ucum.TryCanonicalize(b.Value, ub, out var cvb, out var cub) && cua == cub)
        {
            x = cva;
            y = cvb;
            unit = cua;
            return true;
        }
        return false;
    }

    /// <summary>-1, 0, 1, or null when the quantities are not comparable.</summary>
    public static int? Compare(FhirPathQuantity a, FhirPathQuantity b) =>
        TryAlign(a, b, out var x, out var y, out _) ? x.CompareTo(y) : null;

    public static bool? Equal(FhirPathQuantity a, FhirPathQuantity b) =>
        TryAlign(a, b, out var x, out var y, out _) ? x == y : null;

    /// <summary>Equal when rounded to the precision of the less precise value; false when not comparable.</summary>
    public static bool Equivalent(FhirPathQuantity a, FhirPathQuantity b)
    {
        // Equivalence, unlike equality, takes calendar years and months for UCUM 'a' and 'mo' (1 year ~ 1 'a').
        if (!TryAlign(a, b, out var x, out var y, out _)
            && !TryAlign(Definite(a), Definite(b), out x, out y, out _))
        {
            return false;
        }
        var precision = Math.Min(PrecisionOf(a.Value, x), PrecisionOf(b.Value, y));
        return Math.Round(x, precision, MidpointRounding.AwayFromZero) == Math.Round(y, precision, MidpointRounding.AwayFromZero);
    }

    private static FhirPathQuantity Definite(FhirPathQuantity q) => q.Unit switch
    {
        "year" or "years" => new FhirPathQuantity(q.Value, "a"),
        "month" or "months" => new FhirPathQuantity(q.Value, "mo"),
        _ => q,
    };

    // The scale of the aligned value, but never finer than needed: the original's own scale when nothing was converted.
    private static int PrecisionOf(decimal original, decimal aligned) => original == aligned ? original.Scale : aligned.Scale;

    public static FhirPathQuantity? Add(FhirPathQuantity a, FhirPathQuantity b, bool subtract)
    {
        if (!TryAlign(a, b, out var x, out var y, out var unit))
        {
            return null;
        }
        // Sum in the smaller of two UCUM units (7 'd' + 12 'h' is 180 'h'), so that the result stays exact.
        if (unit == a.Unit && a.Unit != b.Unit && !b.IsCalendarDuration && Ucum.TryConvert(1, a.Unit, b.Unit, out var factor) && factor > 1
            && Ucum.TryConvert(a.Value, a.Unit, b.Unit, out var inB))
        {
            return new FhirPathQuantity(subtract ? inB - b.Value : inB + b.Value, b.Unit);
        }
        return new FhirPathQuantity(subtract ? x - y : x + y, unit);
    }

    public static FhirPathQuantity Multiply(FhirPathQuantity a, FhirPathQuantity b)
    {
        var ua = UcumEquivalent(a.Unit) ?? a.Unit;
        var ub = UcumEquivalent(b.Unit) ?? b.Unit;
        var unit = ua == "1" ? ub : ub == "1" ? ua : Group(ua) + "." + Group(ub);
        return new FhirPathQuantity(a.Value * b.Value, unit);
    }

    public static FhirPathQuantity? Divide(FhirPathQuantity a, FhirPathQuantity b)
    {
        if (b.Value == 0)
        {
            return null;
        }
        var ua = UcumEquivalent(a.Unit) ?? a.Unit;
        var ub = UcumEquivalent(b.Unit) ?? b.Unit;
        var unit = ua == ub ? "1" : ub == "1" ? ua : Group(ua) + "/" + Group(ub);
        return new FhirPathQuantity(a.Value / b.Value, unit);
    }

    private static string Group(string unit) => unit.AsSpan().IndexOfAny('.', '/') >= 0 ? "(" + unit + ")" : unit;

    /// <summary>The size of a calendar unit within its group (months for year/month, milliseconds for week and below).</summary>
    private static decimal? CalendarScale(string unit, out int group)
    {
        group = 0;
        switch (unit)
        {
            case "year" or "years":
                group = 1;
                return 12;
            case "month" or "months":
                group = 1;
                return 1;
            case "week" or "weeks":
                group = 2;
                return 604_800_000;
            case "day" or "days":
                group = 2;
                return 86_400_000;
            case "hour" or "hours":
                group = 2;
                return 3_600_000;
            case "minute" or "minutes":
                group = 2;
                return 60_000;
            case "second" or "seconds":
                group = 2;
                return 1_000;
            case "millisecond" or "milliseconds":
                group = 2;
                return 1;
            default:
                return null;
        }
    }

    /// <summary>The UCUM code of a calendar unit with a definite duration (weeks and below); null for years and months; UCUM codes unchanged.</summary>
    public static string? UcumEquivalent(string unit) => unit switch
    {
        "year" or "years" or "month" or "months" => null,
        "week" or "weeks" => "wk",
        "day" or "days" => "d",
        "hour" or "hours" => "h",
        "minute" or "minutes" => "min",
        "second" or "seconds" => "s",
        "millisecond" or "milliseconds" => "ms",
        _ => unit,
    };
}
