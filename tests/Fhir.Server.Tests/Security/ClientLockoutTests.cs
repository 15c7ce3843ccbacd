using Fhir.Server.Security;

namespace Fhir.Server.Tests.Security;

/// <summary>The backoff of <see cref="ClientLockout"/> over time, on a clock the test moves.</summary>
public sealed class ClientLockoutTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly ManualClock _clock = new();
    private readonly ClientLockout _lockout;

    public ClientLockoutTests()
    {
        var options = new AuthOptions { TokenFailuresBeforeBackoff = 5, TokenBackoffMaxSeconds = 60 };
        options.Clients.Add(new ClientOptions { ClientId = "c", ClientSecret = "s" });
        options.Clients.Add(new ClientOptions { ClientId = "d", ClientSecret = "s" });
        _lockout = new ClientLockout(options, _clock);
    }

    private void FailWhenAllowed(string address)
    {
        if (_lockout.Wait("c", address) is { } wait)
        {
            _clock.Now += wait;
        }
        _lockout.Failed("c", address);
    }

    [Fact]
    public void The_wait_doubles_with_each_failure_beyond_the_free_ones_up_to_the_maximum()
    {
        var waits = new List<double>();
        for (var i = 0; i < 14; i++)
        {
            FailWhenAllowed("a");
            waits.Add(_lockout.Wait("c", "a")?.TotalSeconds ?? 0);
        }

        Assert.Equal([0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60, 60], waits);
    }

    [Fact]
    public void A_success_resets_the_client_and_the_wait_ends_on_time()
    {
        for (var i = 0; i < 8; i++)
        {
            FailWhenAllowed("a");
        }
        Assert.Equal(TimeSpan.FromSeconds(4), _lockout.Wait("c", "a"));
        _clock.Now += TimeSpan.FromSeconds(4);
        Assert.Null(_lockout.Wait("c", "a"));

        _lockout.Succeeded("c", "a");
        for (var i = 0; i < 5; i++)
        {
            _lockout.Failed("c", "a");
        }
        Assert.Null(_lockout.Wait("c", "a"));
    }

    [Fact]
    public void Failures_elsewhere_hold_back_new_addresses_for_at_most_the_maximum_and_never_a_known_one()
    {
        _lockout.Succeeded("c", "home");
        for (var i = 0; i < 40; i++)
        {
            FailWhenAllowed("attacker-" + (i % 7));
        }

        Assert.Null(_lockout.Wait("c", "home"));
        Assert.InRange(_lockout.Wait("c", "new")!.Value.TotalSeconds, 1, 60);
        Assert.Null(_lockout.Wait("d", "new"));
        // An hour after the last failure the client is forgotten.
        _clock.Now += TimeSpan.FromHours(1.1);
        Assert.Null(_lockout.Wait("c", "new"));
    }

    [Fact]
    public void Clients_that_are_not_configured_are_not_tracked()
    {
        for (var i = 0; i < 20; i++)
        {
            _lockout.Failed("unknown", "a");
        }
        Assert.Null(_lockout.Wait("unknown", "a"));
    }
}
