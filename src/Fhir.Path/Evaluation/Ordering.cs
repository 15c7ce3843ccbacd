using Fhir.Path.Types;

namespace Fhir.Path.Evaluation;

/// <summary>The ordering used by <c>&lt;</c>, <c>&gt;</c>, <c>&lt;=</c>, <c>&gt;=</c> and <c>sort()</c>.</summary>
internal static class Ordering
{
    /// <summary>
    /// Compares two system values: -1, 0 or 1; null when it cannot be told (dates of different precisions,
    /// quantities of different dimensions). Throws when the types cannot be compared at all.
    /// </summary>
    public static int? Compare(object x, object y, Func<string, Exception> fail)
    {
        switch (x)
        {
            case int or long or decimal when y is int or long or decimal:
                return Equality.ToDecimal(x).CompareTo(Equality.ToDecimal(y));
            case string sx when y is string sy:
                return Math.Sign(string.CompareOrdinal(sx, sy));
            case FhirPathDate or FhirPathDateTime when y is FhirPathDate or FhirPathDateTime:
                return DateTimeMath.Compare(DateTimeMath.AsDateTime(x), DateTimeMath.AsDateTime(y));
            case FhirPathTime tx when y is FhirPathTime ty:
                return DateTimeMath.Compare(tx, ty);
            case FhirPathQuantity qx when y is FhirPathQuantity qy:
                return QuantityMath.Compare(qx, qy);
            case FhirPathQuantity qx when y is int or long or decimal:
                return QuantityMath.Compare(qx, new FhirPathQuantity(Equality.ToDecimal(y)));
            case int or long or decimal when y is FhirPathQuantity qy:
                return QuantityMath.Compare(new FhirPathQuantity(Equality.ToDecimal(x)), qy);
            case bool bx when y is bool by:
                return bx.CompareTo(by);
            default:
                throw fail($"cannot compare {Values.Describe(x)} with {Values.Describe(y)}");
        }
    }
}
