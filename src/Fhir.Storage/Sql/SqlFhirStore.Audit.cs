namespace Fhir.Storage.Sql;

// The audit outbox (schema migration 7): records are appended and taken inside write sessions (SqlWriteSession); this is
// what happens outside them: appends of their own, and the read that tells how many are waiting.
internal abstract partial class SqlFhirStore
{
    /// <summary>
    /// The span of the numbers (<c>seq</c>) of the rows in <paramref name="table"/>, NULL when it is empty: two lookups at
    /// the ends of the key, whatever the number of rows.
    /// </summary>
    internal static string KeySpanSql(string table) =>
        $"SELECT (SELECT seq FROM {table} ORDER BY seq DESC LIMIT 1) - (SELECT seq FROM {table} ORDER BY seq LIMIT 1) + 1";

    private static readonly string PendingAuditSql = KeySpanSql("audit_outbox");

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
