using Fhir.Trials.Eligibility;

namespace Fhir.Trials.Model;

/// <summary>
/// One participation (ResearchSubject) with the facts that belong to it, as the endpoints need them. The loader has
/// already placed every fact with its participation (focus, or the period rules of <c>Participations</c>).
/// </summary>
/// <param name="Id">The ResearchSubject's logical id.</param>
/// <param name="PatientId">The Patient's logical id.</param>
/// <param name="Arm">The arm name (actual arm when given, else assigned), or null.</param>
/// <param name="Enrolled">The start of participation (<c>ResearchSubject.period.start</c>); doses before it do not count.</param>
public sealed record TrialSubject(string Id, string PatientId, string? Arm, DateOnly Enrolled)
{
    /// <summary>The end of participation (<c>ResearchSubject.period.end</c>), or null.</summary>
    public DateOnly? OffStudy { get; init; }

    /// <summary>The date of death (<c>Patient.deceasedDateTime</c>), or null.</summary>
    public DateOnly? Death { get; init; }

    /// <summary>The participant's administrations of the study drug (any status), any order.</summary>
    public IReadOnlyList<DoseRecord> Doses { get; init; } = [];

    /// <summary>Time-point RECIST assessments, any order.</summary>
    public IReadOnlyList<ResponseAssessment> Assessments { get; init; } = [];

    /// <summary>The prior lines' times to progression that may belong to this participation, any order.</summary>
    public IReadOnlyList<PriorLine> PriorLines { get; init; } = [];

    /// <summary>The participant's adverse events.</summary>
    public IReadOnlyList<AdverseEventRecord> AdverseEvents { get; init; } = [];

    /// <summary>Target-lesion diameters (baseline and follow-up), any order; empty when not loaded or not recorded.</summary>
    public IReadOnlyList<LesionMeasurement> Lesions { get; init; } = [];

    /// <summary>
    /// Further dates the patient was known to be alive: encounters and the declared last contact (the study's own
    /// assessments, adverse events and doses count too, without being repeated here).
    /// </summary>
    public IReadOnlyList<DateOnly> ContactDates { get; init; } = [];

    /// <summary>The patient's genomic Variant results (MDM2, TP53), any order.</summary>
    public IReadOnlyList<VariantResult> Variants { get; init; } = [];
}
