using Fhir.Server.Security;
using Fhir.Storage;

namespace Fhir.Server.Tests.Security;

/// <summary>The backoff of <see cref="ClientLockout"/> over time, on a clock the test moves, kept in a real (SQLite) store.</summary>
public sealed class ClientLockoutTests : IAsyncLifetime
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly string _folder = Directory.CreateTempSubdirectory("fhir-lockout-").FullName;
    private readonly ManualClock _clock = new();
    private readonly AuthOptions _options = new() { TokenFailuresBeforeBackoff = 5, TokenBackoffMaxSeconds = 60 };
    private readonly List<IFhirStore> _stores = [];
    private ClientLockout _lockout = null!;

    public async Task InitializeAsync()
    {
        _options.Clients.Add(new ClientOptions { ClientId = "c", ClientSecret = "s" });
        _options.Clients.Add(new ClientOptions { ClientId = "d", ClientSecret = "s" });
        _lockout = await NodeAsync();
    }

    // Another server process on the same database: its own lockout over its own store instance.
    private async Task<ClientLockout> NodeAsync()
    {
        var store = FhirStores.Open(new StorageOptions { ConnectionString = $"Data Source={System.IO.Path.Combine(_folder, "fhir.db")}" });
        await store.InitializeAsync();
        _stores.Add(store);
        return new ClientLockout(_options, store, _clock);
    }

    private async Task FailWhenAllowedAsync(string address, ClientLockout? node = null)
    {
        node ??= _lockout;
        if (await node.WaitAsync("c", address) is { } wait)
        {
            _clock.Now += wait;
        }
        await node.FailedAsync("c", address);
    }

    [Fact]
    public async Task The_wait_doubles_with_each_failure_beyond_the_free_ones_up_to_the_maximum()
    {
        var waits = new List<double>();
        for (var i = 0; i < 14; i++)
        {
            await FailWhenAllowedAsync("a");
            waits.Add((await _lockout.WaitAsync("c", "a"))?.TotalSeconds ?? 0);
        }

        Assert.Equal([0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60], waits);
    }

    [Fact]
    public async Task A_success_resets_the_client_and_the_wait_ends_on_time()
    {
        for (var i = 0; i < 8; i++)
        {
            await FailWhenAllowedAsync("a");
        }
        Assert.Equal(TimeSpan.FromSeconds(4), await _lockout.WaitAsync("c", "a"));
        _clock.Now += TimeSpan.FromSeconds(4);
        Assert.Null(await _lockout.WaitAsync("c", "a"));

        await _lockout.SucceededAsync("c", "a");
        for (var i = 0; i < 5; i++)
        {
            await _lockout.FailedAsync("c", "a");
        }
        Assert.Null(await _lockout.WaitAsync("c", "a"));
    }

    [Fact]
    public async Task Failures_elsewhere_hold_back_new_addresses_for_at_most_the_maximum_and_never_a_known_one()
    {
        await _lockout.SucceededAsync("c", "home");
        for (var i = 0; i < 40; i++)
        {
            await FailWhenAllowedAsync("attacker-" + (i % 7));
        }

        Assert.Null(await _lockout.WaitAsync("c", "home"));
        Assert.InRange((await _lockout.WaitAsync("c", "new"))!.Value.TotalSeconds, 1, 60);
        Assert.Null(await _lockout.WaitAsync("d", "new"));
        // An hour after the last failure the client is forgotten.
        _clock.Now += TimeSpan.FromHours(1.1);
        Assert.Null(await _lockout.WaitAsync("c", "new"));
    }

    [Fact]
    public async Task Clients_that_are_not_configured_are_not_tracked()
    {
        for (var i = 0; i < 20; i++)
        {
            await _lockout.FailedAsync("unknown", "a");
        }
        Assert.Null(await _lockout.WaitAsync("unknown", "a"));
    }

    [Fact]
    public async Task Issue16_item9_failures_counted_by_one_process_hold_back_the_client_on_every_other()
    {
        var other = await NodeAsync();
        // Failures alternate between two processes: together they pass the free ones, so both make the client wait.
        for (var i = 0; i < 8; i++)
        {
            await FailWhenAllowedAsync("a", i % 2 == 0 ? _lockout : other);
        }
        Assert.Equal(TimeSpan.FromSeconds(4), await _lockout.WaitAsync("c", "a"));
        Assert.Equal(TimeSpan.FromSeconds(4), await other.WaitAsync("c", "a"));
        // A success on one resets the client on both, and the address it came from is known to both.
        await other.SucceededAsync("c", "a");
        Assert.Null(await _lockout.WaitAsync("c", "a"));
        for (var i = 0; i < 10; i++)
        {
            await FailWhenAllowedAsync("elsewhere", _lockout);
        }
        Assert.Null(await other.WaitAsync("c", "a"));
        Assert.NotNull(await other.WaitAsync("c", "new"));
    }

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
