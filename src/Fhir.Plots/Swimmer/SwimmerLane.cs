namespace Fhir.Plots.Swimmer;

/// <summary>One participant's lane, in months from the first dose.</summary>
/// <param name="SubjectId">The ResearchSubject.</param>
/// <param name="Arm">The arm, or null.</param>
/// <param name="ArmIndex">The arm's position (its colour).</param>
/// <param name="End">End of the bar: the last dose, or for ongoing treatment the last date known (cut-off).</param>
/// <param name="Ongoing">Treatment still runs at the cut-off.</param>
/// <param name="FirstResponse">The first CR/PR, or null.</param>
/// <param name="Progression">Progression, or null.</param>
/// <param name="Death">Death, or null.</param>
public sealed record SwimmerLane(string SubjectId, string? Arm, int ArmIndex, double End, bool Ongoing, double? FirstResponse, double? Progression, double? Death);
