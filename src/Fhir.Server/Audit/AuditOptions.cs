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

    /// <summary>
    /// How many audit records may wait in the outbox while the server is busy before the background indexer takes CPU
    /// from requests to store them as AuditEvent resources. Below it, the indexer works only in the CPU the requests leave;
    /// an auditor's request stores the whole backlog first, whatever its size (about 10,000 records a second on one core,
    /// so the default 50,000 keeps that wait to a few seconds). 0: the indexer never waits for spare CPU.
    /// </summary>
    public long IndexBacklog { get; set; } = 50_000;
}
