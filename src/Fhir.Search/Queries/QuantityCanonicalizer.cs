using Fhir.Core.Ucum;

namespace Fhir.Search.Queries;

/// <summary>Adds the canonical UCUM form to quantities so that <c>5.4 mg</c> finds <c>5400 ug</c>.</summary>
public static class QuantityCanonicalizer
{
    /// <summary>The UCUM system URI.</summary>
    public const string UcumSystem = "http://unitsofmeasure.org";

    /// <summary>A quantity search value, canonicalised when its unit is UCUM (or has no system but parses as UCUM).</summary>
    public static QuantitySearchValue Search(SearchPrefix prefix, decimal value, decimal low, decimal high, string? system, string? unit)
    {
        if (TryCanonical(value, low, high, system, unit, out var cv, out _, out _, out var cu))
        {
            return new QuantitySearchValue(prefix, value, low, high, system, unit, cv, cu);
        }
        return new QuantitySearchValue(prefix, value, low, high, system, unit);
    }

    /// <summary>The canonical value and range of a UCUM quantity.</summary>
    public static bool TryCanonical(
        decimal value, decimal low, decimal high, string? system, string? unit,
        out decimal canonicalValue, out decimal canonicalLow, out decimal canonicalHigh, out string canonicalUnit)
    {
        canonicalValue = canonicalLow = canonicalHigh = 0;
        canonicalUnit = "";
        if (unit is null || (system is not null && system != UcumSystem))
        {
            return false;
        }
        // Beyond the magnitude numbers are searched with, a canonical form could not be widened (ap) or compared: the
        // quantity is then compared as written.
        return Ucum.TryCanonicalize(value, unit, out canonicalValue, out canonicalUnit)
            && Ucum.TryCanonicalize(low, unit, out canonicalLow, out _)
            && Ucum.TryCanonicalize(high, unit, out canonicalHigh, out _)
            && Math.Abs(canonicalLow) <= SearchValues.MaxMagnitude * 2 && Math.Abs(canonicalHigh) <= SearchValues.MaxMagnitude * 2
            && Math.Abs(canonicalValue) <= SearchValues.MaxMagnitude;
    }
}
