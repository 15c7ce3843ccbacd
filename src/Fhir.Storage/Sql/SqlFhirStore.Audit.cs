namespace Fhir.Storage.Sql;

// The audit outbox (schema migration 7): records are appended and taken inside write sessions (SqlWriteSession); this is
// the one read outside them, which tells whether any are waiting.
internal abstract partial class SqlFhirStore
{
    public async Task<bool> HasPendingAuditAsync(CancellationToken ct = default)
    {
        var lease = await LeaseForReadAsync(ct);
        await using (lease)
        {
            return await lease.Command("SELECT 1 FROM audit_outbox LIMIT 1").ExecuteScalarAsync(ct) is not null and not DBNull;
        }
    }
}
