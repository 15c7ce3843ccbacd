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
/// period. State is per server process (each node throttles on its own) and forgotten an hour after a client's last
/// failure.
/// </remarks>
internal sealed class ClientLockout(AuthOptions options, TimeProvider clock)
{
    /// <summary>Addresses remembered per client as ones it authenticated from.</summary>
    public const int KnownAddressesPerClient = 16;

    /// <summary>(client, address) pairs tracked at once; beyond it only the client-wide count applies to new pairs.</summary>
    public const int MaxPairs = 10_000;

    private static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);

    private readonly HashSet<string> _clients = new(options.Clients.Select(c => c.ClientId), StringComparer.Ordinal);
    private readonly Dictionary<string, Failures> _byClient = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Client, string Address), Failures> _byPair = [];
    private readonly Dictionary<string, LinkedList<string>> _known = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>How long an attempt for <paramref name="clientId"/> from <paramref name="address"/> must wait; null when it may go ahead.</summary>
    public TimeSpan? Wait(string clientId, string address)
    {
        if (!_clients.Contains(clientId))
        {
            return null; // unknown ids are for the per-address limit: tracking them would let anyone grow this state
        }
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            var until = DateTimeOffset.MinValue;
            if (_byPair.TryGetValue((clientId, address), out var pair))
            {
                until = pair.BlockedUntil;
            }
            if (_byClient.TryGetValue(clientId, out var client) && !IsKnown(clientId, address) && client.BlockedUntil > until)
            {
                until = client.BlockedUntil;
            }
            return until > now ? until - now : null;
        }
    }

    /// <summary>Counts a failed authentication of <paramref name="clientId"/> from <paramref name="address"/>.</summary>
    public void Failed(string clientId, string address)
    {
        if (!_clients.Contains(clientId))
        {
            return;
        }
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            Forget(now);
            Count(_byClient, clientId, now);
            if (_byPair.Count < MaxPairs || _byPair.ContainsKey((clientId, address)))
            {
                Count(_byPair, (clientId, address), now);
            }
        }
    }

    /// <summary>Resets <paramref name="clientId"/> after a successful authentication and remembers the address.</summary>
    public void Succeeded(string clientId, string address)
    {
        lock (_gate)
        {
            _byClient.Remove(clientId);
            _byPair.Remove((clientId, address));
            if (!_known.TryGetValue(clientId, out var known))
            {
                _known[clientId] = known = new LinkedList<string>();
            }
            known.Remove(address);
            known.AddFirst(address);
            if (known.Count > KnownAddressesPerClient)
            {
                known.RemoveLast();
            }
        }
    }

    /// <summary>The wait after <paramref name="failures"/> consecutive failures.</summary>
    internal TimeSpan Backoff(int failures)
    {
        var beyond = failures - options.TokenFailuresBeforeBackoff;
        if (beyond <= 0)
        {
            return TimeSpan.Zero;
        }
        var seconds = beyond > 30 ? double.MaxValue : Math.Pow(2, beyond - 1);
        return TimeSpan.FromSeconds(Math.Min(seconds, options.TokenBackoffMaxSeconds));
    }

    private bool IsKnown(string clientId, string address) => _known.TryGetValue(clientId, out var known) && known.Contains(address);

    private void Count<TKey>(Dictionary<TKey, Failures> counts, TKey key, DateTimeOffset now)
        where TKey : notnull
    {
        var failures = counts.GetValueOrDefault(key)?.Count + 1 ?? 1;
        counts[key] = new Failures(failures, now + Backoff(failures), now);
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (key, _) in _byClient.Where(e => now - e.Value.Last > ForgetAfter).ToList())
        {
            _byClient.Remove(key);
        }
        if (_byPair.Count >= MaxPairs / 2)
        {
            foreach (var (key, _) in _byPair.Where(e => now - e.Value.Last > ForgetAfter || e.Value.BlockedUntil < now && e.Value.Count <= options.TokenFailuresBeforeBackoff).ToList())
            {
                _byPair.Remove(key);
            }
        }
    }

    private sealed record Failures(int Count, DateTimeOffset BlockedUntil, DateTimeOffset Last);
}
