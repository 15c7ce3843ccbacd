using Fhir.Storage.Security;

namespace Fhir.Server.Security;

/// <summary>
/// Per-client throttling of failed authentications at the token endpoint, independent of the per-address rate limit.
/// After <see cref="AuthOptions.TokenFailuresBeforeBackoff"/> consecutive failures for a client, each further failure
/// makes the next attempt for that client wait 1 s, 2 s, 4 s… up to <see cref="AuthOptions.TokenBackoffMaxSeconds"/>;
/// attempts during the wait are refused (429) without looking at the credentials, so a wrong guess and the right
/// secret get the same answer and guessing gets no faster. A success resets the client.
/// </summary>
/// <remarks>
/// Lockout is itself a denial-of-service vector: anyone who knows a client id can fail on its behalf. Two counts
/// limit what that costs the real client. Failures are counted per (client, source address) and per client: the
/// pair's backoff holds back the guesser's own address; the client-wide backoff holds back every address except
/// those from which the client has recently authenticated (up to <see cref="KnownAddressesPerClient"/>). A client
/// that keeps authenticating from the same place is therefore never locked out by failures from elsewhere, and one
/// that appears from a new address waits at most the maximum backoff after the last failure. The price: a guesser at
/// an address the client uses gets only the pair's backoff, and a distributed guesser gets one attempt per backoff
/// period. The counts and the known addresses are kept in the database (<see cref="ISharedCounterStore"/>), so that
/// every server process throttles together and a restart forgets nothing; a client's counts are forgotten an hour
/// after its last failure.
/// </remarks>
internal sealed class ClientLockout(AuthOptions options, ISharedCounterStore store, TimeProvider clock)
{
    /// <summary>Addresses remembered per client as ones it authenticated from.</summary>
    public const int KnownAddressesPerClient = 16;

    private static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);

    private readonly HashSet<string> _clients = new(options.Clients.Select(c => c.ClientId), StringComparer.Ordinal);

    /// <summary>How long an attempt for <paramref name="clientId"/> from <paramref name="address"/> must wait; null when it may go ahead.</summary>
    public async Task<TimeSpan?> WaitAsync(string clientId, string address, CancellationToken ct = default)
    {
        if (!_clients.Contains(clientId))
        {
            return null; // unknown ids are for the per-address limit: tracking them would let anyone grow this state
        }
        var now = clock.GetUtcNow();
        var counts = (await store.ReadAsync([PairKey(clientId, address), ClientKey(clientId)], now, ct)).ToDictionary(c => c.Key, StringComparer.Ordinal);
        var until = counts.TryGetValue(PairKey(clientId, address), out var pair) ? BlockedUntil(pair) : DateTimeOffset.MinValue;
        if (counts.TryGetValue(ClientKey(clientId), out var client) && BlockedUntil(client) is var clientUntil && clientUntil > until && clientUntil > now
            && !await store.IsRememberedAsync(KnownSet(clientId), address, ct))
        {
            until = clientUntil;
        }
        return until > now ? until - now : null;
    }

    /// <summary>Counts a failed authentication of <paramref name="clientId"/> from <paramref name="address"/>.</summary>
    public async Task FailedAsync(string clientId, string address, CancellationToken ct = default)
    {
        if (!_clients.Contains(clientId))
        {
            return;
        }
        var now = clock.GetUtcNow();
        await store.AddAsync([new(ClientKey(clientId), 1), new(PairKey(clientId, address), 1)], now + ForgetAfter, now, ct);
    }

    /// <summary>Resets <paramref name="clientId"/> after a successful authentication and remembers the address.</summary>
    public async Task SucceededAsync(string clientId, string address, CancellationToken ct = default)
    {
        await store.RemoveAsync([ClientKey(clientId), PairKey(clientId, address)], ct);
        await store.RememberAsync(KnownSet(clientId), address, KnownAddressesPerClient, clock.GetUtcNow(), ct);
    }

    /// <summary>The wait after <paramref name="failures"/> consecutive failures.</summary>
    internal TimeSpan Backoff(long failures)
    {
        var beyond = failures - options.TokenFailuresBeforeBackoff;
        if (beyond <= 0)
        {
            return TimeSpan.Zero;
        }
        var seconds = beyond > 30 ? double.MaxValue : Math.Pow(2, beyond - 1);
        return TimeSpan.FromSeconds(Math.Min(seconds, options.TokenBackoffMaxSeconds));
    }

    // A counter is stamped at its last failure: the wait runs from there. No wait is no wait, even when the database
    // rounded the stamp up (PostgreSQL keeps microseconds) past the caller's clock.
    private DateTimeOffset BlockedUntil(SharedCounter failures) =>
        Backoff(failures.Value) is var wait && wait > TimeSpan.Zero ? failures.Touched + wait : DateTimeOffset.MinValue;

    private static string ClientKey(string clientId) => "token-failures:" + clientId;

    private static string PairKey(string clientId, string address) => $"token-failures:{clientId}|{address}";

    private static string KnownSet(string clientId) => "token-addresses:" + clientId;
}
