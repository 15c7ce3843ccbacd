using Fhir.Storage.Changes;

namespace Fhir.Storage.Sql;

/// <summary>The change log (<see cref="IChangeLogStore"/>), read outside any transaction.</summary>
internal abstract partial class SqlFhirStore
{
    public async Task<long> LastChangeAsync(CancellationToken ct = default)
    {
        var lease = await LeaseForReadAsync(ct);
        await using (lease)
        {
            var value = await lease.Command(ChangeLogSql.Last).ExecuteScalarAsync(ct);
            return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public async Task<IReadOnlyList<LoggedChange>> ReadChangesAsync(long afterSeq, long throughSeq, CancellationToken ct = default)
    {
        var lease = await LeaseForReadAsync(ct);
        await using (lease)
        {
            var cmd = lease.Command(ChangeLogSql.Read);
            var p = new SqlParams();
            p.Add(afterSeq);
            p.Add(throughSeq);
            p.BindTo(cmd);
            var changes = new List<LoggedChange>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var exists = !reader.IsDBNull(3);
                var deleted = !exists || Convert.ToInt32(reader.GetValue(4), System.Globalization.CultureInfo.InvariantCulture) == (int)WriteMethod.Delete;
                // (An untyped null would convert to an empty memory through byte[], not to a null.)
                var json = deleted || reader.IsDBNull(5) ? (ReadOnlyMemory<byte>?)null : reader.GetFieldValue<byte[]>(5);
                changes.Add(new LoggedChange(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), exists ? reader.GetInt32(3) : 0, json));
            }
            return changes;
        }
    }
}
