namespace Fhir.Trials.Statistics;

/// <summary>The log-gamma function and the regularized incomplete beta function with its inverse.</summary>
internal static class SpecialFunctions
{
    // Lanczos approximation, g = 7, nine terms: relative error below 1e-15 for positive arguments.
    private static readonly double[] Lanczos =
    [
        0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
        -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
        1.5056327351493116e-7,
    ];

    /// <summary>ln Γ(x) for x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        if (x < 0.5)
        {
            // Reflection keeps the series in the range where it is accurate.
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }
        x -= 1;
        var sum = Lanczos[0];
        for (var i = 1; i < Lanczos.Length; i++)
        {
            sum += Lanczos[i] / (x + i);
        }
        var t = x + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (x + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }

    /// <summary>The regularized incomplete beta function I_x(a, b), for a, b &gt; 0 and 0 ≤ x ≤ 1.</summary>
    public static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0)
        {
            return 0;
        }
        if (x >= 1)
        {
            return 1;
        }
        var logFront = LogGamma(a + b) - LogGamma(a) - LogGamma(b) + a * Math.Log(x) + b * Math.Log(1 - x);
        // The continued fraction converges fast only below the mean; use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) above it.
        if (x < (a + 1) / (a + b + 2))
        {
            return Math.Exp(logFront) * BetaContinuedFraction(x, a, b) / a;
        }
        return 1 - Math.Exp(logFront) * BetaContinuedFraction(1 - x, b, a) / b;
    }

    /// <summary>The x with I_x(a, b) = p, by bisection (the function is monotone, so this cannot fail to converge).</summary>
    public static double InverseRegularizedBeta(double p, double a, double b)
    {
        if (p <= 0)
        {
            return 0;
        }
        if (p >= 1)
        {
            return 1;
        }
        double low = 0, high = 1;
        for (var i = 0; i < 200 && high - low > 1e-15; i++)
        {
            var mid = 0.5 * (low + high);
            if (RegularizedBeta(mid, a, b) < p)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }
        return 0.5 * (low + high);
    }

    // Modified Lentz evaluation of the continued fraction for the incomplete beta function.
    private static double BetaContinuedFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        const double epsilon = 1e-16;
        var c = 1.0;
        var d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.Abs(d) < tiny ? tiny : d);
        var h = d;
        for (var m = 1; m <= 1000; m++)
        {
            var m2 = 2 * m;
            var even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + even * d;
            d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + even / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            h *= d * c;
            var odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + odd * d;
            d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + odd / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            var delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < epsilon)
            {
                break;
            }
        }
        return h;
    }
}
