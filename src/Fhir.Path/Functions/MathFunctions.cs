using Fhir.Path.Evaluation;
using Fhir.Path.Types;

namespace Fhir.Path.Functions;

/// <summary>Math functions: abs, ceiling, exp, floor, ln, log, power, round, sqrt, truncate.</summary>
internal static class MathFunctions
{
    public static IEnumerable<FunctionDef> All()
    {
        yield return new("abs", 0, 0, (_, _, input, site) => Number(input, site) switch
        {
            null => Items.Empty,
            int i => Items.Of(Math.Abs(i)),
            long l => Items.Single(Math.Abs(l)),
            decimal d => Items.Single(Math.Abs(d)),
            FhirPathQuantity q => Items.Single(new FhirPathQuantity(Math.Abs(q.Value), q.Unit)),
            _ => Items.Empty,
        });
        yield return new("ceiling", 0, 0, (_, _, input, site) => Integral(input, site, Math.Ceiling));
        yield return new("floor", 0, 0, (_, _, input, site) => Integral(input, site, Math.Floor));
        yield return new("truncate", 0, 0, (_, _, input, site) => Integral(input, site, Math.Truncate));
        yield return new("exp", 0, 0, (_, _, input, site) => Real(input, site, Math.Exp));
        yield return new("ln", 0, 0, (_, _, input, site) => Real(input, site, Math.Log));
        yield return new("sqrt", 0, 0, (_, _, input, site) => Real(input, site, Math.Sqrt));
        yield return new("log", 1, 1, Log);
        yield return new("power", 1, 1, Power);
        yield return new("round", 0, 1, Round);
    }

    private static object? Number(IReadOnlyList<object> input, CallSite site)
    {
        var value = Args.SingleInput(input, site);
        return value is null or int or long or decimal or FhirPathQuantity
            ? value
            : throw site.Fail($"the input must be a number, not {Values.Describe(value)}");
    }

    private static decimal? Decimal(IReadOnlyList<object> input, CallSite site) => Number(input, site) switch
    {
        null => null,
        FhirPathQuantity => throw site.Fail("the input must be a number, not a quantity"),
        var n => Equality.ToDecimal(n),
    };

    private static IReadOnlyList<object> Integral(IReadOnlyList<object> input, CallSite site, Func<decimal, decimal> op)
    {
        var value = Number(input, site);
        switch (value)
        {
            case null:
                return Items.Empty;
            case int or long:
                return Items.Single(value);
            case FhirPathQuantity q:
                return Items.Single(new FhirPathQuantity(op(q.Value), q.Unit));
            default:
                var r = op((decimal)value);
                return r is >= int.MinValue and <= int.MaxValue ? Items.Of((int)r) : Items.Single(r);
        }
    }

    private static IReadOnlyList<object> Real(IReadOnlyList<object> input, CallSite site, Func<double, double> op)
    {
        var value = Decimal(input, site);
        return value is null ? Items.Empty : FromDouble(op((double)value.Value));
    }

    private static IReadOnlyList<object> FromDouble(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || Math.Abs(value) > (double)decimal.MaxValue)
        {
            return Items.Empty;
        }
        // The cast keeps 15 significant digits, which hides the binary noise of the last ones (sqrt(10.89) is 3.3).
        return Items.Single((decimal)value);
    }

    private static IReadOnlyList<object> Log(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var value = Decimal(input, site);
        var b = Args.Single(frame, focus, site, 0);
        if (value is null || b is null)
        {
            return Items.Empty;
        }
        if (b is not (int or long or decimal))
        {
            throw site.Fail("the base must be a number");
        }
        var x = (double)value.Value;
        var baseValue = (double)Equality.ToDecimal(b);
        var result = baseValue switch
        {
            2 => Math.Log2(x),
            10 => Math.Log10(x),
            _ => Math.Log(x) / Math.Log(baseValue),
        };
        return FromDouble(result);
    }

    private static IReadOnlyList<object> Power(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var value = Number(input, site);
        var exponent = Args.Single(frame, focus, site, 0);
        if (value is null || exponent is null)
        {
            return Items.Empty;
        }
        if (value is FhirPathQuantity || exponent is not (int or long or decimal))
        {
            throw site.Fail("the input and the exponent must be numbers");
        }
        if (exponent is int e && e >= 0)
        {
            if (value is int i)
            {
                try
                {
                    var r = 1L;
                    for (var k = 0; k < e; k++)
                    {
                        r = checked(r * i);
                    }
                    return r is >= int.MinValue and <= int.MaxValue ? Items.Of((int)r) : Items.Single(r);
                }
                catch (OverflowException)
                {
                    return Items.Empty;
                }
            }
            if (value is decimal d && e <= 64)
            {
                try
                {
                    var r = 1m;
                    for (var k = 0; k < e; k++)
                    {
                        r *= d;
                    }
                    return Items.Single(r);
                }
                catch (OverflowException)
                {
                    return Items.Empty;
                }
            }
        }
        return FromDouble(Math.Pow((double)Equality.ToDecimal(value), (double)Equality.ToDecimal(exponent)));
    }

    private static IReadOnlyList<object> Round(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        var value = Number(input, site);
        var precision = site.Args.Length > 0 ? Args.Integer(frame, focus, site, 0) ?? 0 : 0;
        if (value is null)
        {
            return Items.Empty;
        }
        if (precision is < 0 or > 28)
        {
            throw site.Fail("the precision must be between 0 and 28");
        }
        return value switch
        {
            FhirPathQuantity q => Items.Single(new FhirPathQuantity(Math.Round(q.Value, precision, MidpointRounding.AwayFromZero), q.Unit)),
            _ => Items.Single(Math.Round(Equality.ToDecimal(value), precision, MidpointRounding.AwayFromZero)),
        };
    }
}
