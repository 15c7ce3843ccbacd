namespace Fhir.Trials.Model;

/// <summary>A study's configuration as the endpoints and eligibility need it.</summary>
/// <param name="Id">The ResearchStudy's logical id.</param>
/// <param name="Arms">The arm names (<c>ResearchStudy.arm.name</c>) in the study's order.</param>
/// <param name="Thresholds">The eligibility thresholds from the <c>eligibility-criteria</c> extension.</param>
/// <param name="Cutoff">The data cut-off from the <c>data-cutoff</c> extension, or null.</param>
public sealed record TrialStudy(string Id, IReadOnlyList<string> Arms, EligibilityThresholds Thresholds, DateOnly? Cutoff)
{
    /// <summary>The study drug from the <c>study-drug</c> extension; null when the study declares none (then nothing counts as a dose).</summary>
    public StudyDrug? Drug { get; init; }

    /// <summary>
    /// The efficacy-evaluable population's declared narrowing (<c>analysis-population</c> extension,
    /// <c>biomarkerConfirmedBy</c>): the Organization (logical id) whose results must meet the biomarker criteria; null when
    /// the study declares none.
    /// </summary>
    public string? BiomarkerLaboratory { get; init; }
}

/// <summary>The biomarker criteria of a study.</summary>
/// <param name="Mdm2CopyNumberMin">The least MDM2 copy number that qualifies (the protocol's 8 unless configured).</param>
/// <param name="Tp53RequiredCode">The LOINC answer TP53 must have (<c>LA9634-2</c>, Absent, unless configured).</param>
public sealed record EligibilityThresholds(decimal Mdm2CopyNumberMin, string Tp53RequiredCode)
{
    /// <summary>The protocol's thresholds: MDM2 copy number ≥ 8 and TP53 wild type.</summary>
    public static EligibilityThresholds Protocol { get; } = new(8m, TrialCodes.Absent);
}
