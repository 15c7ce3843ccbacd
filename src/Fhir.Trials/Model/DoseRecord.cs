namespace Fhir.Trials.Model;

/// <summary>One administration of the study drug (a MedicationAdministration whose medication is the study's drug).</summary>
/// <param name="Id">The MedicationAdministration's logical id.</param>
/// <param name="Start">When it started (<c>effectiveDateTime</c> or <c>effectivePeriod.start</c>).</param>
/// <param name="End">When it ended (<c>effectivePeriod.end</c>, else <c>effectiveDateTime</c>); null when not yet known.</param>
/// <param name="Status">Its status.</param>
public sealed record DoseRecord(string Id, DateOnly Start, DateOnly? End, DoseStatus Status)
{
    /// <summary>Whether the drug was (being) given: <c>completed</c> or <c>in-progress</c>. Nothing else is a dose.</summary>
    public bool IsGiven => Status is DoseStatus.Completed or DoseStatus.InProgress;
}

/// <summary>A MedicationAdministration's status as the exposure rules read it.</summary>
public enum DoseStatus
{
    /// <summary><c>completed</c>.</summary>
    Completed,
    /// <summary><c>in-progress</c>.</summary>
    InProgress,
    /// <summary><c>entered-in-error</c>: never happened.</summary>
    EnteredInError,
    /// <summary>Any other status (<c>not-done</c>, <c>on-hold</c>, <c>stopped</c>, <c>unknown</c>): not a dose.</summary>
    Other,
}
