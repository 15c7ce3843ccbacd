using Fhir.Storage.Security;

namespace Fhir.Storage.Sql;

/// <summary>Single-use keys (<see cref="ISingleUseStore"/>): the same upsert on both databases, in a write session of its own.</summary>
internal abstract partial class SqlFhirStore
{
    // Insert-if-absent: a key already there keeps its row and the statement changes nothing, unless that row has
    // expired (its key may be used again). On PostgreSQL a second transaction inserting the same key waits for the
    // first and then sees the conflict; SQLite's writers are serial. Either way one of them changes a row.
    private const string UseOnceSql =
        "INSERT INTO single_use (use_key, expires) VALUES (@p0, @p1)"
        + " ON CONFLICT (use_key) DO UPDATE SET expires = excluded.expires WHERE single_use.expires < @p2";

    private const string PurgeSql = "DELETE FROM single_use WHERE expires < @p0";

    public async Task<bool> TryUseOnceAsync(string key, DateTimeOffset expires, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await UseOnceAsync(key, expires, now, ct);
            }
            catch (Exception e) when (attempt < 4 && (e is WriteConflictException || Dialect.IsConflict(e)))
            {
                // Two purges of the same expired rows can deadlock on PostgreSQL, and a shared SQLite group can fail
                // for another member: the upsert decides afresh in a new transaction.
            }
        }
    }

    private Task<bool> UseOnceAsync(string key, DateTimeOffset expires, DateTimeOffset now, CancellationToken ct) =>
        InWriteSessionAsync(async session =>
        {
            var purge = session.Command(PurgeSql);
            var pp = new SqlParams();
            pp.Add(Dialect.Instant(now.UtcDateTime));
            pp.BindTo(purge);
            await purge.ExecuteNonQueryAsync(ct);

            var cmd = session.Command(UseOnceSql);
            var p = new SqlParams();
            p.Add(key);
            p.Add(Dialect.Instant(expires.UtcDateTime));
            p.Add(Dialect.Instant(now.UtcDateTime));
            p.BindTo(cmd);
            return await cmd.ExecuteNonQueryAsync(ct) == 1;
        }, ct);
}
