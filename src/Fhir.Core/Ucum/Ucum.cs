using System.Collections.Concurrent;

namespace Fhir.Core.Ucum;

/// <summary>
/// UCUM (Unified Code for Units of Measure) units: validation, canonical form and conversion, driven by the
/// UCUM table embedded in Fhir.Core (see <c>Ucum/Data/PROVENANCE.json</c>). Codes are case-sensitive.
/// Arithmetic is exact (fractions of big integers) until the result is rounded once to a <see cref="decimal"/>,
/// so <c>1 cm = 10 mm</c>, <c>7 d = 1 wk</c> and <c>5.4 mg = 0.0054 g</c> hold exactly.
/// </summary>
/// <remarks>
/// <para>Canonical units are products of the base units <c>m g s rad K C cd</c> in ordinal order with integer
/// exponents, e.g. <c>g.m-3</c>; dimensionless units canonicalise to <c>1</c>. Annotations (<c>{cells}</c>) do not change
/// a unit's meaning. Special units are converted through their functions (<c>Cel</c>, <c>[degF]</c>, <c>[degRe]</c> exactly;
/// <c>[pH]</c>, decibels, nepers, homeopathic potencies, prism diopters approximately) but only when they stand alone,
/// optionally prefixed: <c>Cel/h</c> is valid UCUM yet not convertible.</para>
/// <para>Arbitrary units (<c>[IU]</c>, <c>[arb'U]</c>) have no canonical form, but a unit made of the same arbitrary
/// units converts to another (<c>[IU]/L</c> to <c>m[IU]/mL</c>), since only prefixes and proper units differ.</para>
/// <para>All members are thread-safe; parsed expressions are cached.</para>
/// </remarks>
public static class Ucum
{
    private const int MaxCacheEntries = 10_000;
    private const int MaxLength = 2_000;

    private static readonly ConcurrentDictionary<string, ParsedUnit> Cache = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="unit"/> is a valid UCUM expression (grammar, known symbols, prefixes only on metric units).</summary>
    /// <param name="unit">A case-sensitive UCUM expression such as <c>mg/dL</c>, <c>10*3/uL</c> or <c>{cells}/uL</c>.</param>
    /// <returns>True when valid; false for null, empty or invalid expressions.</returns>
    public static bool IsValid(string unit) => IsValid(unit, out _);

    /// <summary>Whether <paramref name="unit"/> is a valid UCUM expression, with the reason when it is not.</summary>
    /// <param name="unit">A case-sensitive UCUM expression.</param>
    /// <param name="error">Why the expression is not valid (e.g. <c>unknown unit 'molv'</c>), or null when valid.</param>
    /// <returns>True when valid.</returns>
    public static bool IsValid(string unit, out string? error)
    {
        var parsed = Parse(unit);
        error = parsed.Error;
        return parsed.IsValid;
    }

    /// <summary>
    /// Converts a quantity to base units: <c>5.4 mg</c> gives <c>0.0054 g</c>, <c>1 mg/dL</c> gives <c>10 g.m-3</c>,
    /// <c>37 Cel</c> gives <c>310.15 K</c>.
    /// </summary>
    /// <param name="value">The quantity's value.</param>
    /// <param name="unit">The quantity's UCUM unit.</param>
    /// <param name="canonicalValue">The value in <paramref name="canonicalUnit"/>, rounded to the precision of a decimal.</param>
    /// <param name="canonicalUnit">The canonical unit (deterministic text such as <c>g.m-3</c>, or <c>1</c>), empty on failure.</param>
    /// <returns>False for invalid units, arbitrary units, special units inside products, and values beyond the range of a decimal.</returns>
    public static bool TryCanonicalize(decimal value, string unit, out decimal canonicalValue, out string canonicalUnit)
    {
        canonicalValue = 0m;
        canonicalUnit = string.Empty;
        var parsed = Parse(unit);
        if (!parsed.IsConvertible || parsed.IsArbitrary
            || !parsed.TryToCanonical(Rational.FromDecimal(value), out var canonical)
            || !canonical.TryToDecimal(out canonicalValue))
        {
            canonicalValue = 0m;
            return false;
        }

        canonicalUnit = parsed.Dimension.ToUnitString();
        return true;
    }

    /// <summary>Converts a value between two commensurable units: <c>1 cm</c> is <c>10 mm</c>, <c>98.6 [degF]</c> is <c>37 Cel</c>.</summary>
    /// <param name="value">The value in <paramref name="fromUnit"/>.</param>
    /// <param name="fromUnit">The UCUM unit of <paramref name="value"/>.</param>
    /// <param name="toUnit">The UCUM unit to convert to.</param>
    /// <param name="result">The value in <paramref name="toUnit"/>, rounded to the precision of a decimal; 0 on failure.</param>
    /// <returns>False when either unit is invalid or not convertible, the units have different dimensions, or the result does not fit a decimal.</returns>
    public static bool TryConvert(decimal value, string fromUnit, string toUnit, out decimal result)
    {
        result = 0m;
        var from = Parse(fromUnit);
        var to = Parse(toUnit);
        if (!from.IsConvertible || !to.IsConvertible || !from.Dimension.Equals(to.Dimension))
        {
            return false;
        }

        if (string.Equals(fromUnit, toUnit, StringComparison.Ordinal))
        {
            result = value;
            return true;
        }

        if (!from.TryToCanonical(Rational.FromDecimal(value), out var canonical)
            || !to.TryFromCanonical(canonical, out var converted)
            || !converted.TryToDecimal(out result))
        {
            result = 0m;
            return false;
        }

        return true;
    }

    /// <summary>Whether two units measure the same kind of quantity (same dimension), so that one converts to the other.</summary>
    /// <param name="unitA">A UCUM unit.</param>
    /// <param name="unitB">Another UCUM unit.</param>
    /// <returns>True for <c>mg/dL</c> and <c>g/L</c>, <c>Cel</c> and <c>K</c>; false for <c>g</c> and <c>m</c> or when either unit is invalid.</returns>
    public static bool AreComparable(string unitA, string unitB)
    {
        var a = Parse(unitA);
        var b = Parse(unitB);
        return a.IsConvertible && b.IsConvertible && a.Dimension.Equals(b.Dimension);
    }

    /// <summary>The parsed form of a unit (cached).</summary>
    internal static ParsedUnit Parse(string unit)
    {
        if (unit is null)
        {
            return new ParsedUnit { Text = "", Error = "no unit" };
        }

        if (Cache.TryGetValue(unit, out var cached))
        {
            return cached;
        }

        ParsedUnit parsed;
        if (unit.Length > MaxLength)
        {
            parsed = new ParsedUnit { Text = unit, Error = $"the unit is longer than {MaxLength} characters" };
        }
        else
        {
            try
            {
                parsed = UcumParser.Parse(UcumData.Instance, unit);
            }
            catch (OverflowException)
            {
                parsed = new ParsedUnit { Text = unit, Problem = "the unit's exponents are too large to convert" };
            }
        }

        if (Cache.Count < MaxCacheEntries)
        {
            Cache.TryAdd(unit, parsed);
        }

        return parsed;
    }
}
