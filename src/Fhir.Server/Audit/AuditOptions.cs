namespace Fhir.Server.Audit;

/// <summary>The audit trail, bound from the <c>Audit</c> configuration section.</summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Audit";

    /// <summary>Whether every request leaves an AuditEvent. Default true; only tests of unrelated behaviour turn it off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Refused requests without a client identity (401, 429, a refused Host or size) from one source are recorded as the
    /// first one in full and then one AuditEvent per this many seconds carrying their count. Default 60.
    /// </summary>
    public int FailureIntervalSeconds { get; set; } = 60;
}
