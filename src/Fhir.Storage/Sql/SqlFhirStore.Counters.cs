using Fhir.Storage.Security;

namespace Fhir.Storage.Sql;

/// <summary>Shared counters and sets (<see cref="ISharedCounterStore"/>): the same upserts on both databases.</summary>
internal abstract partial class SqlFhirStore
{
    // A counter that expired starts again from the delta; one that grew gets the new stamp; the later expiry wins.
    private const string AddCounterSql =
        "INSERT INTO shared_counter (counter_key, value, touched, expires) VALUES (@p0, @p1, @p2, @p3)"
        + " ON CONFLICT (counter_key) DO UPDATE SET"
        + " value = CASE WHEN shared_counter.expires < excluded.touched THEN excluded.value ELSE shared_counter.value + excluded.value END,"
        + " touched = CASE WHEN excluded.value > 0 OR shared_counter.expires < excluded.touched THEN excluded.touched ELSE shared_counter.touched END,"
        + " expires = CASE WHEN excluded.expires > shared_counter.expires THEN excluded.expires ELSE shared_counter.expires END"
        + " RETURNING value, touched";

    private const string PurgeCountersSql = "DELETE FROM shared_counter WHERE expires < @p0";

    private const string RememberSql =
        "INSERT INTO shared_set (set_key, member, touched) VALUES (@p0, @p1, @p2) ON CONFLICT (set_key, member) DO UPDATE SET touched = excluded.touched";

    private const string TrimSetSql =
        "DELETE FROM shared_set WHERE set_key = @p0 AND member NOT IN"
        + " (SELECT member FROM shared_set WHERE set_key = @p0 ORDER BY touched DESC, member LIMIT @p1)";

    public async Task<IReadOnlyList<SharedCounter>> AddAsync(
        IReadOnlyList<KeyValuePair<string, long>> deltas, DateTimeOffset expires, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        if (deltas.Count == 0)
        {
            return [];
        }
        var results = await RetryOnConflictAsync(() => InWriteSessionAsync(async session =>
        {
            var purge = session.Command(PurgeCountersSql);
            var pp = new SqlParams();
            pp.Add(Dialect.Instant(now.UtcDateTime));
            pp.BindTo(purge);
            await purge.ExecuteNonQueryAsync(ct);

            // In key order, so that two processes adding to the same counters lock them in the same order.
            var found = new Dictionary<string, SharedCounter>(StringComparer.Ordinal);
            foreach (var (key, delta) in deltas.GroupBy(d => d.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, g.Sum(d => d.Value))).OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                var cmd = session.Command(AddCounterSql);
                var p = new SqlParams();
                p.Add(key);
                p.Add(delta);
                p.Add(Dialect.Instant(now.UtcDateTime));
                p.Add(Dialect.Instant(expires.UtcDateTime));
                p.BindTo(cmd);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                found[key] = new SharedCounter(key, reader.GetInt64(0), Dialect.ReadInstant(reader, 1));
            }
            return found;
        }, ct), ct);
        return [.. deltas.Select(d => results[d.Key])];
    }

    public async Task<IReadOnlyList<SharedCounter>> ReadAsync(IReadOnlyList<string> keys, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var counters = new List<SharedCounter>();
        foreach (var chunk in keys.Distinct(StringComparer.Ordinal).Chunk(200))
        {
            var lease = await LeaseForReadAsync(ct);
            await using (lease)
            {
                var p = new SqlParams();
                var at = p.Add(Dialect.Instant(now.UtcDateTime));
                var sql = $"SELECT counter_key, value, touched FROM shared_counter WHERE expires >= {at} AND counter_key IN ({string.Join(", ", chunk.Select(k => p.Add(k)))})";
                var cmd = lease.Command(sql);
                p.BindTo(cmd);
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    counters.Add(new SharedCounter(reader.GetString(0), reader.GetInt64(1), Dialect.ReadInstant(reader, 2)));
                }
            }
        }
        return counters;
    }

    public async Task RemoveAsync(IReadOnlyList<string> keys, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return;
        }
        await RetryOnConflictAsync(() => InWriteSessionAsync(async session =>
        {
            var p = new SqlParams();
            var sql = $"DELETE FROM shared_counter WHERE counter_key IN ({string.Join(", ", keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(k => p.Add(k)))})";
            var cmd = session.Command(sql);
            p.BindTo(cmd);
            return await cmd.ExecuteNonQueryAsync(ct);
        }, ct), ct);
    }

    public async Task RememberAsync(string set, string member, int keep, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(set);
        ArgumentNullException.ThrowIfNull(member);
        await RetryOnConflictAsync(() => InWriteSessionAsync(async session =>
        {
            var upsert = session.Command(RememberSql);
            var p = new SqlParams();
            p.Add(set);
            p.Add(member);
            p.Add(Dialect.Instant(now.UtcDateTime));
            p.BindTo(upsert);
            await upsert.ExecuteNonQueryAsync(ct);
            var trim = session.Command(TrimSetSql);
            var t = new SqlParams();
            t.Add(set);
            t.Add(keep);
            t.BindTo(trim);
            return await trim.ExecuteNonQueryAsync(ct);
        }, ct), ct);
    }

    public async Task<bool> IsRememberedAsync(string set, string member, CancellationToken ct = default)
    {
        var lease = await LeaseForReadAsync(ct);
        await using (lease)
        {
            var cmd = lease.Command("SELECT 1 FROM shared_set WHERE set_key = @p0 AND member = @p1");
            var p = new SqlParams();
            p.Add(set);
            p.Add(member);
            p.BindTo(cmd);
            return await cmd.ExecuteScalarAsync(ct) is not (null or DBNull);
        }
    }

    // Two processes purging the same expired rows, or upserting the same keys, can deadlock on PostgreSQL (and a shared
    // SQLite connection group can fail for another member): the work is decided afresh in a new transaction.
    private async Task<T> RetryOnConflictAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work();
            }
            catch (Exception e) when (attempt < 4 && !ct.IsCancellationRequested && (e is WriteConflictException || Dialect.IsConflict(e)))
            {
                await Task.Delay(Random.Shared.Next(1, 10 * attempt), ct);
            }
        }
    }
}
