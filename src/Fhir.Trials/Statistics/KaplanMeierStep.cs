namespace Fhir.Trials.Statistics;

/// <summary>The Kaplan-Meier curve at one event time.</summary>
/// <param name="Time">The event time.</param>
/// <param name="AtRisk">Subjects at risk just before the time (censored at the same time are still at risk).</param>
/// <param name="Events">Events at the time.</param>
/// <param name="Survival">S(t) from this time to the next event time.</param>
/// <param name="GreenwoodSum">Σ d/(n(n−d)) up to this time: the variance of log S(t) by Greenwood's formula (infinite once S is 0).</param>
public readonly record struct KaplanMeierStep(double Time, int AtRisk, int Events, double Survival, double GreenwoodSum)
{
    /// <summary>Greenwood's standard error of S(t): S·√(Σ d/(n(n−d))).</summary>
    public double StandardError => Survival == 0 ? 0 : Survival * Math.Sqrt(GreenwoodSum);
}
