using Fhir.Storage.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Security;

/// <summary>
/// The per-client request limit (<see cref="AuthOptions.RequestsPerMinute"/>), counted together by every server process on
/// the database: fixed one-minute windows (the same for every process), counted here as requests come and added to a
/// shared counter (<see cref="ISharedCounterStore"/>) every <see cref="FhirServerOptions.NodeSyncMilliseconds"/>, which
/// also brings back what the other processes counted. A request is refused (429) when the window's shared total plus
/// what this process has counted since its last exchange reaches the limit. Between two exchanges each process sees
/// only its own new requests, so a client spread over several processes may get that interval's worth of requests past
/// the limit; nothing waits on the database while a request is served. When the database cannot be reached, each
/// process goes on counting alone.
/// </summary>
internal sealed class ClientRateLimits(AuthOptions auth, FhirServerOptions fhir, ISharedCounterStore store, TimeProvider clock, ILogger<ClientRateLimits> logger)
    : IHostedService
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, Count> _counts = new(StringComparer.Ordinal);
    // Never disposed: it holds no timer, and the host may stop the service again after the container is gone.
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    /// <summary>Counts a request of <paramref name="clientId"/>: null when it may go ahead, else how long until the window ends.</summary>
    public TimeSpan? TryAcquire(string clientId)
    {
        if (auth.RequestsPerMinute <= 0)
        {
            return null;
        }
        var now = clock.GetUtcNow();
        var window = WindowOf(now);
        lock (_counts)
        {
            if (!_counts.TryGetValue(clientId, out var count) || count.Window != window)
            {
                _counts[clientId] = count = new Count(window);
            }
            if (count.Shared + count.Pending >= auth.RequestsPerMinute)
            {
                return End(window) - now;
            }
            count.Pending++;
            return null;
        }
    }

    /// <summary>Adds what this process counted to the shared counters and learns the others' totals.</summary>
    internal async Task ExchangeAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var window = WindowOf(now);
        List<(string Client, long Pending)> active;
        lock (_counts)
        {
            foreach (var stale in _counts.Where(c => c.Value.Window != window).Select(c => c.Key).ToList())
            {
                _counts.Remove(stale);
            }
            active = [.. _counts.Select(c => (c.Key, c.Value.Pending))];
        }
        if (active.Count == 0)
        {
            return;
        }
        var totals = await store.AddAsync([.. active.Select(a => new KeyValuePair<string, long>(Key(a.Client, window), a.Pending))], End(window) + Window, now, ct);
        lock (_counts)
        {
            for (var i = 0; i < active.Count; i++)
            {
                if (_counts.TryGetValue(active[i].Client, out var count) && count.Window == window)
                {
                    count.Shared = totals[i].Value;
                    count.Pending -= active[i].Pending;
                }
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (auth.RequestsPerMinute > 0)
        {
            _loop = Task.Run(() => LoopAsync(_stopping.Token), CancellationToken.None);
        }
        return Task.CompletedTask;
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        var interval = TimeSpan.FromMilliseconds(fhir.NodeSyncMilliseconds);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, ct);
                await ExchangeAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The limit still holds per process; the next exchange catches up.
                logger.LogDebug(e, "The request counts could not be shared");
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
    }

    private static long WindowOf(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / (long)Window.TotalMilliseconds;

    private static DateTimeOffset End(long window) => DateTimeOffset.FromUnixTimeMilliseconds((window + 1) * (long)Window.TotalMilliseconds);

    private static string Key(string clientId, long window) => $"requests:{clientId}:{window}";

    private sealed class Count(long window)
    {
        public long Window { get; } = window;

        /// <summary>The window's total in the database at the last exchange (this process's share included).</summary>
        public long Shared { get; set; }

        /// <summary>Requests counted here since the last exchange.</summary>
        public long Pending { get; set; }
    }
}
