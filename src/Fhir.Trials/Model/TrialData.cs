namespace Fhir.Trials.Model;

/// <summary>A study with its participants.</summary>
/// <param name="Study">The study configuration.</param>
/// <param name="Subjects">The participants, ordered by id.</param>
public sealed record TrialData(TrialStudy Study, IReadOnlyList<TrialSubject> Subjects)
{
    /// <summary>What loading found that keeps facts from the endpoints (a fact no participation can claim...), with their subjects.</summary>
    public IReadOnlyList<DataIssue> Issues { get; init; } = [];
}
