namespace Fhir.Server.Audit;

/// <summary>The audit trail, bound from the <c>Audit</c> configuration section.</summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Audit";

    /// <summary>Whether every request leaves an AuditEvent. Default true; only tests of unrelated behaviour turn it off.</summary>
    public bool Enabled { get; set; } = true;
}
