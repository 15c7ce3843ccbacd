using Fhir.Core.Outcomes;

namespace Fhir.Validation;

/// <summary>What validating one resource found: every issue, errors first in the order found.</summary>
public sealed class ValidationResult
{
    internal ValidationResult(IReadOnlyList<Issue> issues)
    {
        Issues = issues;
        foreach (var issue in issues)
        {
            if (issue.IsError)
            {
                ErrorCount++;
            }
            else if (issue.Severity == IssueSeverity.Warning)
            {
                WarningCount++;
            }
        }
    }

    /// <summary>The issues, each with severity, issue type, message and a FHIRPath expression (<c>Observation.component[1].valueQuantity</c>).</summary>
    public IReadOnlyList<Issue> Issues { get; }

    /// <summary>True when any issue is an error (or fatal): the resource does not conform.</summary>
    public bool HasErrors => ErrorCount > 0;

    /// <summary>The number of error and fatal issues.</summary>
    public int ErrorCount { get; }

    /// <summary>The number of warnings.</summary>
    public int WarningCount { get; }
}
