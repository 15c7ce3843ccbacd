namespace Fhir.Core.Outcomes;

/// <summary>The FHIR issue types (value set <c>issue-type</c>); <see cref="IssueTypes.ToCode"/> gives the code.</summary>
public enum IssueType
{
    Invalid, Structure, Required, Value, Invariant, Security, Login, Unknown, Expired, Forbidden, Suppressed,
    Processing, NotSupported, Duplicate, MultipleMatches, NotFound, Deleted, TooLong, CodeInvalid, Extension,
    TooCostly, BusinessRule, Conflict, Transient, LockError, NoStore, Exception, Timeout, Incomplete, Throttled,
    Informational,
}

/// <summary>Conversions between <see cref="IssueType"/> and its FHIR code.</summary>
public static class IssueTypes
{
    private static readonly string[] Codes =
    [
        "invalid", "structure", "required", "value", "invariant", "security", "login", "unknown", "expired", "forbidden", "suppressed",
        "processing", "not-supported", "duplicate", "multiple-matches", "not-found", "deleted", "too-long", "code-invalid", "extension",
        "too-costly", "business-rule", "conflict", "transient", "lock-error", "no-store", "exception", "timeout", "incomplete", "throttled",
        "informational",
    ];

    /// <summary>The FHIR code of an issue type: <c>not-found</c> for <see cref="IssueType.NotFound"/>.</summary>
    public static string ToCode(this IssueType type) => Codes[(int)type];

    /// <summary>The issue type of a FHIR code, or null.</summary>
    public static IssueType? FromCode(string code)
    {
        var i = Array.IndexOf(Codes, code);
        return i < 0 ? null : (IssueType)i;
    }
}
