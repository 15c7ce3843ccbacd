using Fhir.Trials.Statistics;

namespace Fhir.Plots.KaplanMeier;

/// <summary>The follow-up times of one curve (an arm, or the whole study).</summary>
/// <param name="Name">The curve's name in the legend and the risk table.</param>
/// <param name="Times">Follow-up times in days from the first dose.</param>
public sealed record SurvivalGroup(string Name, IReadOnlyList<SurvivalTime> Times);
