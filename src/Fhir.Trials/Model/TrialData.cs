namespace Fhir.Trials.Model;

/// <summary>A study with its participants.</summary>
/// <param name="Study">The study configuration.</param>
/// <param name="Subjects">The participants, ordered by id.</param>
public sealed record TrialData(TrialStudy Study, IReadOnlyList<TrialSubject> Subjects);
