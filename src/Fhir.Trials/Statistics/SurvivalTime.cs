namespace Fhir.Trials.Statistics;

/// <summary>Whether a follow-up time ends in the event or is censored.</summary>
public enum SurvivalStatus
{
    /// <summary>The event (progression, death...) happened at the time.</summary>
    Event,
    /// <summary>Follow-up stopped at the time without the event.</summary>
    Censored,
}

/// <summary>One subject's follow-up time and how it ended.</summary>
/// <param name="Time">The time from the origin, in any unit (the estimates come out in the same unit).</param>
/// <param name="Status">Event or censored.</param>
public readonly record struct SurvivalTime(double Time, SurvivalStatus Status);
