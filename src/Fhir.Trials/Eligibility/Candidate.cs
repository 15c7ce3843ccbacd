namespace Fhir.Trials.Eligibility;

/// <summary>A patient found by registry pre-screening, with why.</summary>
/// <param name="PatientId">The Patient's logical id.</param>
/// <param name="Status">Eligible, or undecidable from the results on record.</param>
/// <param name="Result">The criteria's answers, each with its reason and evidence.</param>
public sealed record Candidate(string PatientId, CandidateStatus Status, EligibilityResult Result);

/// <summary>What pre-screening concluded for a candidate (codes of <c>{base}/CodeSystem/candidate-status</c>).</summary>
public enum CandidateStatus
{
    /// <summary><c>eligible</c>: every criterion is met by the latest valid results.</summary>
    Eligible,
    /// <summary><c>undecidable</c>: no criterion fails, but at least one cannot be decided.</summary>
    Undecidable,
}
