using Fhir.Trials.Model;

namespace Fhir.Plots.Waterfall;

/// <summary>One participant's bar: the best % change of the sum of target-lesion diameters.</summary>
/// <param name="SubjectId">The ResearchSubject.</param>
/// <param name="Value">The best % change from baseline (negative: shrinkage).</param>
/// <param name="BestResponse">The best response, for the colour; null when not assessed.</param>
public sealed record WaterfallBar(string SubjectId, double Value, Response? BestResponse);
