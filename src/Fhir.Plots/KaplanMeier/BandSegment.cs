namespace Fhir.Plots.KaplanMeier;

/// <summary>The pointwise 95% confidence interval of S(t), constant from <paramref name="From"/> to <paramref name="To"/> (months).</summary>
/// <param name="From">Start of the stretch, in months.</param>
/// <param name="To">End of the stretch, in months.</param>
/// <param name="Lower">Lower limit of S.</param>
/// <param name="Upper">Upper limit of S.</param>
public readonly record struct BandSegment(double From, double To, double Lower, double Upper);
