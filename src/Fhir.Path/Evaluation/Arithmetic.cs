using Fhir.Path.Types;

namespace Fhir.Path.Evaluation;

/// <summary>The arithmetic operators on system values. A null result is the empty collection.</summary>
internal static class Arithmetic
{
    public static object? Add(object x, object y, Func<string, Exception> fail)
    {
        try
        {
            switch (x)
            {
                case int a when y is int b:
                    return Items.Box(checked(a + b));
                case int or long when y is int or long:
                    return checked(Long(x) + Long(y));
                case int or long or decimal when y is int or long or decimal:
                    return Equality.ToDecimal(x) + Equality.ToDecimal(y);
                case string sx when y is string sy:
                    return sx + sy;
                case FhirPathDate or FhirPathDateTime or FhirPathTime when y is FhirPathQuantity q:
                    return DateTimeMath.Add(x, q, subtract: false, fail);
                case FhirPathQuantity q when y is FhirPathDate or FhirPathDateTime or FhirPathTime:
                    return DateTimeMath.Add(y, q, subtract: false, fail);
                case FhirPathQuantity qx when y is FhirPathQuantity qy:
                    return QuantityMath.Add(qx, qy, subtract: false);
                case FhirPathQuantity qx when y is int or long or decimal:
                    return QuantityMath.Add(qx, new FhirPathQuantity(Equality.ToDecimal(y)), subtract: false);
                case int or long or decimal when y is FhirPathQuantity qy:
                    return QuantityMath.Add(new FhirPathQuantity(Equality.ToDecimal(x)), qy, subtract: false);
                default:
                    throw fail($"cannot add {Values.Describe(y)} to {Values.Describe(x)}");
            }
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    public static object? Subtract(object x, object y, Func<string, Exception> fail)
    {
        try
        {
            switch (x)
            {
                case int a when y is int b:
                    return Items.Box(checked(a - b));
                case int or long when y is int or long:
                    return checked(Long(x) - Long(y));
                case int or long or decimal when y is int or long or decimal:
                    return Equality.ToDecimal(x) - Equality.ToDecimal(y);
                case FhirPathDate or FhirPathDateTime or FhirPathTime when y is FhirPathQuantity q:
                    return DateTimeMath.Add(x, q, subtract: true, fail);
                case FhirPathQuantity qx when y is FhirPathQuantity qy:
                    return QuantityMath.Add(qx, qy, subtract: true);
                case FhirPathQuantity qx when y is int or long or decimal:
                    return QuantityMath.Add(qx, new FhirPathQuantity(Equality.ToDecimal(y)), subtract: true);
                case int or long or decimal when y is FhirPathQuantity qy:
                    return QuantityMath.Add(new FhirPathQuantity(Equality.ToDecimal(x)), qy, subtract: true);
                default:
                    throw fail($"cannot subtract {Values.Describe(y)} from {Values.Describe(x)}");
            }
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    public static object? Multiply(object x, object y, Func<string, Exception> fail)
    {
        try
        {
            switch (x)
            {
                case int a when y is int b:
                    return Items.Box(checked(a * b));
                case int or long when y is int or long:
                    return checked(Long(x) * Long(y));
                case int or long or decimal when y is int or long or decimal:
                    return Equality.ToDecimal(x) * Equality.ToDecimal(y);
                case FhirPathQuantity qx when y is FhirPathQuantity qy:
                    return QuantityMath.Multiply(qx, qy);
                case FhirPathQuantity qx when y is int or long or decimal:
                    return new FhirPathQuantity(qx.Value * Equality.ToDecimal(y), qx.Unit);
                case int or long or decimal when y is FhirPathQuantity qy:
                    return new FhirPathQuantity(Equality.ToDecimal(x) * qy.Value, qy.Unit);
                default:
                    throw fail($"cannot multiply {Values.Describe(x)} by {Values.Describe(y)}");
            }
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    public static object? Divide(object x, object y, Func<string, Exception> fail)
    {
        try
        {
            switch (x)
            {
                case int or long or decimal when y is int or long or decimal:
                {
                    var d = Equality.ToDecimal(y);
                    return d == 0 ? null : Equality.ToDecimal(x) / d;
                }
                case FhirPathQuantity qx when y is FhirPathQuantity qy:
                    return QuantityMath.Divide(qx, qy);
                case FhirPathQuantity qx when y is int or long or decimal:
                {
                    var d = Equality.ToDecimal(y);
                    return d == 0 ? null : new FhirPathQuantity(qx.Value / d, qx.Unit);
                }
                case int or long or decimal when y is FhirPathQuantity qy:
                    return QuantityMath.Divide(new FhirPathQuantity(Equality.ToDecimal(x)), qy);
                default:
                    throw fail($"cannot divide {Values.Describe(x)} by {Values.Describe(y)}");
            }
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    public static object? Div(object x, object y, Func<string, Exception> fail)
    {
        try
        {
            switch (x)
            {
                case int a when y is int b:
                    return b == 0 ? null : Items.Box(a / b);
                case int or long when y is int or long:
                    return Long(y) == 0 ? null : Long(x) / Long(y);
                case int or long or decimal when y is int or long or decimal:
                {
                    var d = Equality.ToDecimal(y);
                    if (d == 0)
                    {
                        return null;
                    }
                    var q = decimal.Truncate(Equality.ToDecimal(x) / d);
                    return q is >= int.MinValue and <= int.MaxValue ? Items.Box((int)q) : q;
                }
                default:
                    throw fail($"cannot divide {Values.Describe(x)} by {Values.Describe(y)}");
            }
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    public static object? Mod(object x, object y, Func<string, Exception> fail)
    {
        try
        {
            switch (x)
            {
                case int a when y is int b:
                    return b == 0 ? null : Items.Box(a % b);
                case int or long when y is int or long:
                    return Long(y) == 0 ? null : Long(x) % Long(y);
                case int or long or decimal when y is int or long or decimal:
                {
                    var d = Equality.ToDecimal(y);
                    return d == 0 ? null : Equality.ToDecimal(x) % d;
                }
                default:
                    throw fail($"cannot take {Values.Describe(x)} modulo {Values.Describe(y)}");
            }
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static long Long(object value) => value is int i ? i : (long)value;

}
