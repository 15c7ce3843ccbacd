namespace Fhir.Trials.Statistics;

/// <summary>A proportion with its exact two-sided confidence interval.</summary>
/// <param name="Numerator">Patients counted.</param>
/// <param name="Denominator">Patients in the population.</param>
/// <param name="Estimate">Numerator / denominator; null when the denominator is 0 (0/0 is undefined, not 0).</param>
/// <param name="Lower">Lower confidence limit (0..1); null when the denominator is 0.</param>
/// <param name="Upper">Upper confidence limit (0..1); null when the denominator is 0.</param>
public sealed record Proportion(int Numerator, int Denominator, double? Estimate, double? Lower, double? Upper)
{
    /// <summary>
    /// The Clopper-Pearson ("exact") interval: the limits are the beta quantiles
    /// B(α/2; x, n−x+1) and B(1−α/2; x+1, n−x), with 0 and 1 at the ends (as R's <c>binom.test</c>).
    /// </summary>
    /// <param name="numerator">x, 0 ≤ x ≤ n.</param>
    /// <param name="denominator">n ≥ 0; an empty population has no estimate and no interval.</param>
    /// <param name="confidence">The confidence level, 0.95 unless given.</param>
    public static Proportion ClopperPearson(int numerator, int denominator, double confidence = 0.95)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numerator);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(numerator, denominator);
        if (denominator == 0)
        {
            return new Proportion(0, 0, null, null, null);
        }
        var alpha = 1 - confidence;
        var x = numerator;
        var n = denominator;
        var lower = x == 0 ? 0 : SpecialFunctions.InverseRegularizedBeta(alpha / 2, x, n - x + 1);
        var upper = x == n ? 1 : SpecialFunctions.InverseRegularizedBeta(1 - alpha / 2, x + 1, n - x);
        return new Proportion(x, n, (double)x / n, lower, upper);
    }
}
