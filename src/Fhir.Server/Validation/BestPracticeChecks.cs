namespace Fhir.Server.Validation;

/// <summary>What the server does with invariants the specification marks as best practice (<c>dom-6</c>, <c>con-3</c>) on writes.</summary>
public enum BestPracticeChecks
{
    /// <summary>Not checked (default): data from other systems rarely carries narrative, and a warning on every write is noise.</summary>
    Ignore,

    /// <summary>Checked; a failure is a warning (seen with <c>Prefer: return=OperationOutcome</c> and in <c>$validate</c>).</summary>
    Warning,
}
