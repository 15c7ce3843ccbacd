namespace Fhir.Trials.Model;

/// <summary>One participant's data as the endpoints need it.</summary>
/// <param name="Id">The ResearchSubject's logical id.</param>
/// <param name="PatientId">The Patient's logical id.</param>
/// <param name="Arm">The arm name (actual arm when given, else assigned), or null.</param>
/// <param name="Enrolled">The start of participation (<c>ResearchSubject.period.start</c>); doses before it do not count.</param>
/// <param name="Death">The date of death, or null.</param>
/// <param name="Assessments">Time-point RECIST assessments, any order.</param>
/// <param name="PriorLines">The prior lines' times to progression that may belong to this participation, any order.</param>
/// <param name="AdverseEvents">The subject's adverse events.</param>
public sealed record TrialSubject(
    string Id,
    string PatientId,
    string? Arm,
    DateOnly Enrolled,
    DateOnly? Death,
    IReadOnlyList<ResponseAssessment> Assessments,
    IReadOnlyList<PriorLine> PriorLines,
    IReadOnlyList<AdverseEventRecord> AdverseEvents)
{
    /// <summary>The end of participation (<c>ResearchSubject.period.end</c>), or null.</summary>
    public DateOnly? OffStudy { get; init; }

    /// <summary>The participant's administrations of the study drug (any status), any order.</summary>
    public IReadOnlyList<DoseRecord> Doses { get; init; } = [];
}

/// <summary>A RECIST 1.1 response category.</summary>
public enum Response
{
    /// <summary>Complete response.</summary>
    CR,
    /// <summary>Partial response.</summary>
    PR,
    /// <summary>Stable disease.</summary>
    SD,
    /// <summary>Progressive disease.</summary>
    PD,
    /// <summary>Not evaluable.</summary>
    NE,
}

/// <summary>One time-point response assessment.</summary>
/// <param name="Date">The assessment date.</param>
/// <param name="Value">The response.</param>
public readonly record struct ResponseAssessment(DateOnly Date, Response Value);
