namespace Fhir.Storage.Sql;

// The audit outbox (schema migration 7): records are appended and taken inside write sessions (SqlWriteSession); this is
// what happens outside them: appends of their own, and the read that tells how many are waiting.
internal abstract partial class SqlFhirStore
{
    // The span of the waiting records' numbers: two lookups at the ends of the key, whatever the backlog.
    private const string PendingAuditSql =
        "SELECT (SELECT seq FROM audit_outbox ORDER BY seq DESC LIMIT 1) - (SELECT seq FROM audit_outbox ORDER BY seq LIMIT 1) + 1";

    public virtual async Task<long> PendingAuditAsync(CancellationToken ct = default)
    {
        var lease = await LeaseForReadAsync(ct);
        await using (lease)
        {
            return await lease.Command(PendingAuditSql).ExecuteScalarAsync(ct) is { } n and not DBNull ? Convert.ToInt64(n, System.Globalization.CultureInfo.InvariantCulture) : 0;
        }
    }

    public virtual async Task AppendAuditAsync(IReadOnlyList<ReadOnlyMemory<byte>> records, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var session = (SqlWriteSession)await BeginWriteAsync(ct: ct);
        await using (session)
        {
            await session.AppendAuditAsync(records, ct);
            await session.CommitAsync(ct);
        }
    }
}
