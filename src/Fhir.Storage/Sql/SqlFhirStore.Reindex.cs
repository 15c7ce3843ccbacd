using Fhir.Storage.Jobs;

namespace Fhir.Storage.Sql;

/// <summary>
/// Reindexing (<see cref="IReindexStore"/>): reads outside transactions, and one write session
/// per batch that records the job's checkpoint and replaces the batch's index rows together, so a
/// resumed job never skips a batch nor depends on one it did not finish.
/// </summary>
internal abstract partial class SqlFhirStore
{
    private const string ReadCurrentSql =
        "SELECT r.res_key, r.res_id, r.version_seq, v.json FROM resource r JOIN resource_version v ON v.seq = r.version_seq"
        + " WHERE r.res_type = @p0 AND r.deleted = FALSE AND r.res_key > @p1 ORDER BY r.res_key LIMIT @p2";

    /// <summary>Inside <paramref name="session"/>: replaces the pair rows of <paramref name="keys"/> with those of their stored rows (IndexPairs.DeriveSql).</summary>
    protected abstract Task RederivePairsAsync(SqlWriteSession session, long[] keys, CancellationToken ct);

    /// <summary>
    /// Inside <paramref name="session"/>: deletes the rows of <paramref name="codes"/> (all when null)
    /// of those <paramref name="resources"/> whose current version is still the one indexed, and
    /// inserts their new rows. The others are left alone.
    /// </summary>
    protected abstract Task ReplaceIndexRowsAsync(
        SqlWriteSession session, IReadOnlyList<ReindexedResource> resources, IReadOnlyCollection<string>? codes, CancellationToken ct);

    // Both reads by type run where searches do: their best plan depends on the type's share of the table (a batch of a
    // type with a few rows in a million walks the type's index; a plan made without the value walks the whole key order).
    public async Task<long> CountCurrentAsync(string type, CancellationToken ct = default)
    {
        var lease = await LeaseForSearchAsync(ct);
        await using (lease)
        {
            var cmd = lease.Command("SELECT COUNT(*) FROM resource WHERE res_type = @p0 AND deleted = FALSE");
            var p = new SqlParams();
            p.Add(type);
            p.BindTo(cmd);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    public async Task<IReadOnlyList<CurrentResource>> ReadCurrentAsync(string type, long afterKey, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var lease = await LeaseForSearchAsync(ct);
        await using (lease)
        {
            var cmd = lease.Command(ReadCurrentSql);
            var p = new SqlParams();
            p.Add(type);
            p.Add(afterKey);
            p.Add(limit);
            p.BindTo(cmd);
            var list = new List<CurrentResource>(limit);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                list.Add(new CurrentResource(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3)));
            }
            return list;
        }
    }

    public async Task<IReadOnlyList<StoredVersion>> ReadVersionsAsync(long afterSeq, int limit, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var lease = await LeaseForReadAsync(ct);
        await using (lease)
        {
            var cmd = lease.Command("SELECT seq, res_type, res_id, method, json FROM resource_version WHERE seq > @p0 ORDER BY seq LIMIT @p1");
            var p = new SqlParams();
            p.Add(afterSeq);
            p.Add(limit);
            p.BindTo(cmd);
            var list = new List<StoredVersion>(limit);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                list.Add(new StoredVersion(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), (WriteMethod)reader.GetInt16(3), reader.GetFieldValue<byte[]>(4)));
            }
            return list;
        }
    }

    // A tombstone's rows are those of the version it deleted (the one before it), as a delete writes them.
    private const string TombstonePatientsSql =
        "INSERT INTO patient_compartment (seq, patient_id) SELECT t.seq, pc.patient_id FROM resource_version t"
        + " JOIN resource_version d ON d.res_type = t.res_type AND d.res_id = t.res_id AND d.version = t.version - 1"
        + " JOIN patient_compartment pc ON pc.seq = d.seq WHERE t.method = @p0 AND t.seq > @p1 AND t.seq <= @p2 ON CONFLICT DO NOTHING";

    public Task<bool> WritePatientsAsync(
        IReadOnlyList<VersionPatients> rows, long afterSeq, long throughSeq, JobCheckpoint? checkpoint, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return InWriteSessionAsync(async session =>
        {
            if (checkpoint is not null && !await CheckpointAsync(session, checkpoint, now, ct))
            {
                return false;
            }
            foreach (var chunk in rows.SelectMany(r => r.Patients.Distinct(StringComparer.Ordinal).Select(patient => (r.Seq, patient))).Chunk(200))
            {
                var p = new SqlParams();
                var sql = new System.Text.StringBuilder("INSERT INTO patient_compartment (seq, patient_id) VALUES ");
                for (var i = 0; i < chunk.Length; i++)
                {
                    sql.Append(i == 0 ? "(" : ", (").Append(p.Add(chunk[i].Seq)).Append(", ").Append(p.Add(chunk[i].patient)).Append(')');
                }
                await ExecuteAsync(session, sql.Append(" ON CONFLICT DO NOTHING").ToString(), p, ct);
            }
            var tombstones = new SqlParams();
            tombstones.Add((short)WriteMethod.Delete);
            tombstones.Add(afterSeq);
            tombstones.Add(throughSeq);
            await ExecuteAsync(session, TombstonePatientsSql, tombstones, ct);
            return true;
        }, ct);
    }

    public virtual int ReindexWriters => 1;

    public async Task<bool> ReplaceIndexAsync(
        IReadOnlyList<ReindexedResource> resources, IReadOnlyCollection<string>? codes, JobCheckpoint? checkpoint, DateTimeOffset now,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var session = (SqlWriteSession)await BeginWriteAsync(ct: ct);
        await using (session)
        {
            // Where batches are written side by side, the checkpoint comes last: it locks the job row until the commit
            // (so that a concurrent cancel waits for the batch or makes it roll back), and taken first it would make each
            // batch wait for the one before. Where they take turns anyway (SQLite, whose session that wrote and then does
            // not commit undoes its whole commit group), it comes first, before anything is written.
            var checkpointLast = ReindexWriters > 1;
            if (checkpoint is not null && !checkpointLast && !await CheckpointAsync(session, checkpoint, now, ct))
            {
                return false;
            }
            await ReplaceIndexInSessionAsync(session, resources, codes, ct);
            if (checkpoint is not null && checkpointLast && !await CheckpointAsync(session, checkpoint, now, ct))
            {
                return false; // not committed: the batch's rows roll back with the session
            }
            await session.CommitAsync(ct);
            return true;
        }
    }

    private async Task ReplaceIndexInSessionAsync(
        SqlWriteSession session, IReadOnlyList<ReindexedResource> resources, IReadOnlyCollection<string>? codes, CancellationToken ct)
    {
        if (resources.Count == 0)
        {
            return;
        }
        if (codes is null && resources.All(r => r.Type is not null))
        {
            // Every parameter's values and the type are here: the pair rows are derived from them and replaced with the rest.
            await ReplaceIndexRowsAsync(session, [.. resources.Select(r => r with { Index = IndexPairs.With(r.Index, r.Type) })], null, ct);
            return;
        }
        // Some parameters only, or no type: when they touch a pair, the pairs come from the stored rows once those are
        // replaced.
        await ReplaceIndexRowsAsync(session, resources, codes, ct);
        if (codes is null || IndexPairs.Touched(codes, resources))
        {
            await RederivePairsAsync(session, [.. resources.Select(r => r.Key)], ct);
        }
    }
}
