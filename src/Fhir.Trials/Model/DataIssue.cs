namespace Fhir.Trials.Model;

/// <summary>
/// A data-quality finding: facts that contradict each other or keep a figure from being computed. Findings are
/// reported with the figures (the <c>issues</c> parameter), never used to drop data silently.
/// </summary>
/// <param name="Kind">What kind of finding.</param>
/// <param name="SubjectId">The ResearchSubject concerned, or null for the study as a whole.</param>
/// <param name="Message">What was found, in words.</param>
/// <param name="References">The resources involved (<c>Type/id</c>), the participant first.</param>
public sealed record DataIssue(DataIssueKind Kind, string? SubjectId, string Message, IReadOnlyList<string> References)
{
    /// <summary>The date of the fact concerned, when it has one: a finding about a fact after the cut-off is not reported.</summary>
    public DateOnly? Date { get; init; }
}

/// <summary>The kinds of data-quality finding (their codes are those of <c>{base}/CodeSystem/data-quality</c>).</summary>
public enum DataIssueKind
{
    /// <summary><c>no-study-drug</c>: the study declares no drug, so no administration can count as a dose.</summary>
    NoStudyDrug,
    /// <summary><c>no-dose</c>: a participant without any dose of the study drug (not in the treated population).</summary>
    NoDose,
    /// <summary><c>after-death</c>: an assessment, adverse event or dose dated after the patient's death.</summary>
    AfterDeath,
    /// <summary><c>before-first-dose</c>: a time-point response on or before the first dose (not post-baseline).</summary>
    BeforeFirstDose,
    /// <summary><c>unconfirmed-response</c>: a CR/PR without any later adequate scan at least 4 weeks on to confirm or refute it.</summary>
    UnconfirmedResponse,
    /// <summary><c>missing-prior-line</c>: no prior-line time to progression before the first dose (no GMI).</summary>
    MissingPriorLine,
    /// <summary><c>invalid-prior-line</c>: a prior-line time to progression of zero or less.</summary>
    InvalidPriorLine,
    /// <summary><c>conflicting-genomic-results</c>: valid MDM2 or TP53 results of the patient that decide differently.</summary>
    ConflictingGenomicResults,
    /// <summary><c>unplaced-fact</c>: a fact without focus that no single participation of the patient can claim.</summary>
    UnplacedFact,
    /// <summary><c>unknown-arm</c>: a participant whose arm is not one of the study's arms (counted in <c>all</c> only).</summary>
    UnknownArm,
}
