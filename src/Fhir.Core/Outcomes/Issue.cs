namespace Fhir.Core.Outcomes;

/// <summary>How bad an issue is (<c>OperationOutcome.issue.severity</c>).</summary>
public enum IssueSeverity { Fatal, Error, Warning, Information }

/// <summary>
/// One problem found in a request or a resource. Errors are values: parsers, validators and
/// interactions return issues; the server turns them into an OperationOutcome and a status in one place.
/// </summary>
/// <param name="Severity">How bad it is.</param>
/// <param name="Code">The FHIR issue type (<c>OperationOutcome.issue.code</c>).</param>
/// <param name="Message">A human-readable explanation.</param>
/// <param name="Expression">Where: a FHIRPath expression such as <c>Observation.component[1].valueQuantity.value</c>, or null.</param>
public sealed record Issue(IssueSeverity Severity, IssueType Code, string Message, string? Expression = null)
{
    /// <summary>An error.</summary>
    public static Issue Error(IssueType code, string message, string? expression = null) => new(IssueSeverity.Error, code, message, expression);

    /// <summary>A warning.</summary>
    public static Issue Warning(IssueType code, string message, string? expression = null) => new(IssueSeverity.Warning, code, message, expression);

    /// <summary>An informational issue.</summary>
    public static Issue Information(IssueType code, string message, string? expression = null) => new(IssueSeverity.Information, code, message, expression);

    /// <summary>True for errors and fatal issues.</summary>
    public bool IsError => Severity is IssueSeverity.Error or IssueSeverity.Fatal;
}
