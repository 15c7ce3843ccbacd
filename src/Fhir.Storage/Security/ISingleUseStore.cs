namespace Fhir.Storage.Security;

/// <summary>
/// Keys that may be used once until they expire, such as the <c>jti</c> of a client assertion: kept in the database,
/// so that a key used on one server process is refused by every other, and after a restart.
/// </summary>
public interface ISingleUseStore
{
    /// <summary>
    /// Records <paramref name="key"/> as used until <paramref name="expires"/>: true when it was not in use (then this
    /// caller has it), false when it is already recorded and not yet expired (a replay). Of concurrent calls with the
    /// same key, from any number of processes, exactly one gets true. Keys that expired before <paramref name="now"/>
    /// are deleted.
    /// </summary>
    Task<bool> TryUseOnceAsync(string key, DateTimeOffset expires, DateTimeOffset now, CancellationToken ct = default);
}
