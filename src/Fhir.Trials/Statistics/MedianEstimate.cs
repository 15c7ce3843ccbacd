namespace Fhir.Trials.Statistics;

/// <summary>A median time with its confidence interval; each is null when the curve does not reach it.</summary>
/// <param name="Median">The median, or null when S(t) never falls to 0.5.</param>
/// <param name="Lower">The lower confidence limit, or null.</param>
/// <param name="Upper">The upper confidence limit, or null (commonly "not reached").</param>
public sealed record MedianEstimate(double? Median, double? Lower, double? Upper);
