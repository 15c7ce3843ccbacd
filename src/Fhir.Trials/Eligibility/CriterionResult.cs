namespace Fhir.Trials.Eligibility;

/// <summary>The answer for one eligibility criterion.</summary>
/// <param name="Name">The criterion's key (<c>mdm2-copy-number</c>, <c>tp53-wild-type</c>).</param>
/// <param name="Met">Whether it is met; null when it cannot be decided.</param>
/// <param name="Reason">Why, in words, naming the results used and any conflict.</param>
/// <param name="Evidence">The Observations considered, the deciding one first (<c>Observation/id</c>).</param>
public sealed record CriterionResult(string Name, bool? Met, string Reason, IReadOnlyList<string> Evidence)
{
    /// <summary>Valid results that would decide otherwise than the deciding (most recent) one (<c>Observation/id</c>).</summary>
    public IReadOnlyList<string> Conflicts { get; init; } = [];
}

/// <summary>A patient's eligibility for a study.</summary>
/// <param name="Eligible">True only when every criterion is met.</param>
/// <param name="Criteria">Each criterion's answer, in protocol order.</param>
public sealed record EligibilityResult(bool Eligible, IReadOnlyList<CriterionResult> Criteria);
