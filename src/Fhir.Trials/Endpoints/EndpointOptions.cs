namespace Fhir.Trials.Endpoints;

/// <summary>What <see cref="EndpointCalculator"/> computes: the operations' <c>arm</c>, <c>cutoff</c> and <c>population</c>.</summary>
public sealed record EndpointOptions
{
    /// <summary>One arm by name (or <c>all</c>); null for the whole study and every arm.</summary>
    public string? Arm { get; init; }

    /// <summary>The data cut-off; null for the study's own (and all data when it has none).</summary>
    public DateOnly? Cutoff { get; init; }

    /// <summary>The population of the efficacy endpoints; efficacy-evaluable unless given.</summary>
    public AnalysisPopulation Population { get; init; } = AnalysisPopulation.EfficacyEvaluable;
}
