namespace Fhir.Storage.Tests;

/// <summary>Issue 12 item 23: single-use keys (client-assertion jti) live in the database until they expire.</summary>
public abstract partial class StoreTests
{
    [Fact]
    public async Task Issue12_item23_a_key_is_used_once_until_it_expires_across_store_instances_and_restarts()
    {
        var expires = T0.AddMinutes(5);

        Assert.True(await Store.TryUseOnceAsync("client jti-1", expires, T0));
        Assert.False(await Store.TryUseOnceAsync("client jti-1", expires, T0.AddSeconds(1)));
        Assert.True(await Store.TryUseOnceAsync("client jti-2", expires, T0.AddSeconds(1)));

        // Another process on the same database, and a store opened after this one is gone (a restart).
        var other = await OpenStoreAsync(Options);
        Assert.False(await other.TryUseOnceAsync("client jti-1", expires, T0.AddSeconds(2)));
        await Store.DisposeAsync();
        var restarted = await OpenStoreAsync(Options);
        Assert.False(await restarted.TryUseOnceAsync("client jti-2", expires, T0.AddSeconds(3)));
    }

    [Fact]
    public async Task A_key_may_be_used_again_once_it_has_expired_and_expired_keys_are_purged()
    {
        Assert.True(await Store.TryUseOnceAsync("a", T0.AddMinutes(1), T0));
        Assert.True(await Store.TryUseOnceAsync("b", T0.AddMinutes(10), T0));
        Assert.Equal(2, await ScalarAsync(Options, "SELECT COUNT(*) FROM single_use"));

        // After a's expiry: the next use of any key deletes it; a itself is usable again.
        Assert.True(await Store.TryUseOnceAsync("c", T0.AddMinutes(12), T0.AddMinutes(2)));
        Assert.Equal(2, await ScalarAsync(Options, "SELECT COUNT(*) FROM single_use"));
        Assert.True(await Store.TryUseOnceAsync("a", T0.AddMinutes(7), T0.AddMinutes(2)));
        Assert.False(await Store.TryUseOnceAsync("b", T0.AddMinutes(10), T0.AddMinutes(2)));
    }

    [Fact]
    public async Task Of_concurrent_uses_of_one_key_from_two_store_instances_exactly_one_wins()
    {
        var second = await OpenStoreAsync(Options);
        IFhirStore[] nodes = [Store, second];

        for (var key = 0; key < 10; key++)
        {
            var name = "race-" + key;
            var wins = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => nodes[i % 2].TryUseOnceAsync(name, T0.AddMinutes(5), T0))));
            Assert.Equal(1, wins.Count(w => w));
        }
    }
}
