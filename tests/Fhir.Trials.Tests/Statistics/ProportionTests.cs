using Fhir.Trials.Statistics;

namespace Fhir.Trials.Tests.Statistics;

public sealed class ProportionTests
{
    [Theory]
    [InlineData(0, 10, 0.0, 0.308497)]
    [InlineData(5, 10, 0.187086, 0.812914)]
    [InlineData(1, 20, 0.001265, 0.248733)]
    [InlineData(10, 10, 0.691503, 1.0)]
    public void Clopper_Pearson_matches_published_exact_intervals(int x, int n, double lower, double upper)
    {
        var p = Proportion.ClopperPearson(x, n);
        Assert.Equal(lower, p.Lower!.Value, 1e-6);
        Assert.Equal(upper, p.Upper!.Value, 1e-6);
        Assert.Equal((double)x / n, p.Estimate);
    }

    [Fact]
    public void Clopper_Pearson_at_the_ends_has_closed_forms()
    {
        // x = 0: upper = 1 − (α/2)^(1/n); x = n: lower = (α/2)^(1/n).
        Assert.Equal(1 - Math.Pow(0.025, 1.0 / 37), Proportion.ClopperPearson(0, 37).Upper!.Value, 1e-10);
        Assert.Equal(Math.Pow(0.025, 1.0 / 37), Proportion.ClopperPearson(37, 37).Lower!.Value, 1e-10);
    }

    [Theory]
    [InlineData(7, 40)]
    [InlineData(13, 65)]
    [InlineData(1, 3)]
    public void Clopper_Pearson_agrees_with_bisection_on_the_binomial_distribution(int x, int n)
    {
        // The definition: the lower limit is the p with P(X ≥ x) = 0.025, the upper the p with P(X ≤ x) = 0.025.
        var p = Proportion.ClopperPearson(x, n);
        var lower = Bisect(q => 1 - BinomialCdf(x - 1, n, q), 0.025);
        var upper = Bisect(q => BinomialCdf(x, n, q), 0.025);
        Assert.Equal(lower, p.Lower!.Value, 1e-9);
        Assert.Equal(upper, p.Upper!.Value, 1e-9);
    }

    [Fact]
    public void Seven_of_forty_is_0_0734_to_0_3278()
    {
        var p = Proportion.ClopperPearson(7, 40);
        Assert.Equal(0.0734, p.Lower!.Value, 0.0001);
        Assert.Equal(0.3278, p.Upper!.Value, 0.0001);
    }

    [Fact]
    public void Issue13_bug3_0_of_0_has_no_proportion_and_no_interval()
    {
        var p = Proportion.ClopperPearson(0, 0);
        Assert.Equal((0, 0), (p.Numerator, p.Denominator));
        Assert.Null(p.Estimate);
        Assert.Null(p.Lower);
        Assert.Null(p.Upper);
    }

    [Fact]
    public void Regularized_beta_matches_its_closed_forms()
    {
        Assert.Equal(0.5, SpecialFunctions.RegularizedBeta(0.5, 3.7, 3.7), 1e-12);
        Assert.Equal(1 - Math.Pow(1 - 0.3, 5), SpecialFunctions.RegularizedBeta(0.3, 1, 5), 1e-12);
        Assert.Equal(Math.Pow(0.8, 4), SpecialFunctions.RegularizedBeta(0.8, 4, 1), 1e-12);
        Assert.Equal(0.42, SpecialFunctions.RegularizedBeta(SpecialFunctions.InverseRegularizedBeta(0.42, 2.5, 7), 2.5, 7), 1e-10);
    }

    [Fact]
    public void Log_gamma_matches_factorials()
    {
        Assert.Equal(Math.Log(24), SpecialFunctions.LogGamma(5), 1e-12);
        Assert.Equal(Math.Log(Math.Sqrt(Math.PI)), SpecialFunctions.LogGamma(0.5), 1e-12);
    }

    private static double BinomialCdf(int k, int n, double p)
    {
        double sum = 0;
        for (var i = 0; i <= k; i++)
        {
            sum += Math.Exp(SpecialFunctionsFree.LogChoose(n, i) + i * Math.Log(p) + (n - i) * Math.Log(1 - p));
        }
        return sum;
    }

    // Monotone f on (0,1): the q where f(q) = target, whether f rises or falls.
    private static double Bisect(Func<double, double> f, double target)
    {
        double low = 1e-15, high = 1 - 1e-15;
        var rising = f(high) > f(low);
        for (var i = 0; i < 200; i++)
        {
            var mid = (low + high) / 2;
            if ((f(mid) < target) == rising)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }
        return (low + high) / 2;
    }

    // Independent of the code under test: log of n choose k by summing logs.
    private static class SpecialFunctionsFree
    {
        public static double LogChoose(int n, int k)
        {
            double s = 0;
            for (var i = 1; i <= k; i++)
            {
                s += Math.Log(n - k + i) - Math.Log(i);
            }
            return s;
        }
    }
}
