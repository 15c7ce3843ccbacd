namespace Fhir.Trials.Statistics;

/// <summary>The survival probability at one time with its confidence limits.</summary>
/// <param name="Time">The time.</param>
/// <param name="Rate">S(t).</param>
/// <param name="Lower">The lower confidence limit, or null where the interval is undefined (S = 1 or 0).</param>
/// <param name="Upper">The upper confidence limit, or null where the interval is undefined.</param>
public sealed record SurvivalEstimate(double Time, double Rate, double? Lower, double? Upper);
