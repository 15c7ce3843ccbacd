namespace Fhir.Storage.Security;

/// <summary>
/// Counters and small sets kept in the database, so that every server process sharing it counts together: the per-client
/// request counts of the rate limit and the failed authentications of the token endpoint's backoff.
/// </summary>
public interface ISharedCounterStore
{
    /// <summary>
    /// Adds each delta to its counter, in one transaction: a counter that is missing or expired (before <paramref name="now"/>)
    /// starts again from 0. A counter that grew is stamped <paramref name="now"/>; each lives at least until
    /// <paramref name="expires"/>. Returns every counter as it is after the change, in the order given.
    /// </summary>
    Task<IReadOnlyList<SharedCounter>> AddAsync(
        IReadOnlyList<KeyValuePair<string, long>> deltas, DateTimeOffset expires, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>The counters among <paramref name="keys"/> that exist and have not expired at <paramref name="now"/>.</summary>
    Task<IReadOnlyList<SharedCounter>> ReadAsync(IReadOnlyList<string> keys, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Deletes the counters.</summary>
    Task RemoveAsync(IReadOnlyList<string> keys, CancellationToken ct = default);

    /// <summary>Adds (or refreshes) <paramref name="member"/> in <paramref name="set"/>, keeping only its <paramref name="keep"/> most recent members.</summary>
    Task RememberAsync(string set, string member, int keep, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Whether <paramref name="member"/> is in <paramref name="set"/>.</summary>
    Task<bool> IsRememberedAsync(string set, string member, CancellationToken ct = default);
}
