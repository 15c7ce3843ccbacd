namespace Fhir.Trials.Loading;

/// <summary>What <see cref="TrialLoader"/> reads besides what every endpoint needs.</summary>
public sealed record TrialLoadOptions
{
    /// <summary>The target-lesion measurements (for the best % change of <c>$subject-outcomes</c>). Default false.</summary>
    public bool LesionMeasurements { get; init; }
}
