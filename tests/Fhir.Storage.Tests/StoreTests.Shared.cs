using Fhir.Storage.Changes;

namespace Fhir.Storage.Tests;

/// <summary>
/// Issue 16 item 9: what every server process on one database shares through it: the change log of conformance resources
/// and SearchParameters (numbered in commit order), and counters and sets for the rate limits and the token backoff.
/// </summary>
public abstract partial class StoreTests
{
    private async Task WriteAndRecordAsync(params ResourceWrite[] writes)
    {
        await using var session = await Store.BeginWriteAsync();
        foreach (var write in writes) await session.WriteAsync(write);
        await session.RecordChangesAsync([.. writes.Select(w => (w.Type, w.Id))]);
        await session.CommitAsync();
    }

    [Fact]
    public async Task Issue16_item9_logged_changes_come_in_order_with_each_resources_current_state_on_another_store()
    {
        var other = await OpenStoreAsync(Options);
        Assert.Equal(0, await other.LastChangeAsync());

        await WriteAndRecordAsync(Create("StructureDefinition", "sd", T0), Create("ValueSet", "vs", T0));
        await WriteAndRecordAsync(Update("StructureDefinition", "sd", 2, T0.AddMinutes(1)));
        await WriteAndRecordAsync(Delete("ValueSet", "vs", 2, T0.AddMinutes(2)));
        // A write that records nothing is not in the log.
        await WriteAsync(Create("Patient", "p", T0));

        Assert.Equal(3, await other.LastChangeAsync());
        var changes = await other.ReadChangesAsync(0, 3);
        Assert.Equal(["1 StructureDefinition/sd v2", "1 ValueSet/vs v2 deleted", "2 StructureDefinition/sd v2", "3 ValueSet/vs v2 deleted"],
            changes.Select(Show));
        Assert.Equal(Json("StructureDefinition", "sd", 2), changes[0].Json!.Value.ToArray());
        Assert.Equal(["3 ValueSet/vs v2 deleted"], (await other.ReadChangesAsync(2, 10)).Select(Show));
        Assert.Empty(await other.ReadChangesAsync(3, 10));

        // A session that is rolled back leaves no number taken.
        await using (var session = await Store.BeginWriteAsync())
        {
            await session.WriteAsync(Create("CodeSystem", "cs", T0));
            await session.RecordChangesAsync([("CodeSystem", "cs")]);
        }
        Assert.Equal(3, await other.LastChangeAsync());
    }

    [Fact]
    public async Task Issue16_item9_change_numbers_follow_the_commit_order_of_concurrent_sessions()
    {
        var second = await OpenStoreAsync(Options);
        IFhirStore[] nodes = [Store, second];
        // Many sessions on two store instances; a reader following the log may never see a number before a smaller one.
        var seen = new List<long>();
        using var stop = new CancellationTokenSource();
        var follower = Task.Run(async () =>
        {
            long last = 0;
            while (!stop.IsCancellationRequested)
            {
                var now = await second.LastChangeAsync();
                foreach (var change in await second.ReadChangesAsync(last, now))
                {
                    seen.Add(change.Seq);
                }
                last = now;
            }
        });
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await using var session = await nodes[i % 2].BeginWriteAsync();
                    await session.WriteAsync(Create("ValueSet", "vs-" + i, T0));
                    await Task.Delay(i % 3);
                    await session.RecordChangesAsync([("ValueSet", "vs-" + i)]);
                    await Task.Delay(i % 4);
                    await session.CommitAsync();
                    return;
                }
                catch (WriteConflictException) when (attempt < 20)
                {
                }
            }
        })));
        await stop.CancelAsync();
        await follower;
        var all = await second.ReadChangesAsync(0, long.MaxValue);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), all.Select(c => c.Seq));
        // Every number the follower saw came after all smaller ones (none skipped, none seen twice).
        Assert.Equal(Enumerable.Range(1, seen.Count).Select(i => (long)i), seen);
    }

    [Fact]
    public async Task Issue16_item9_shared_counters_add_up_across_stores_and_start_again_after_expiring()
    {
        var other = await OpenStoreAsync(Options);
        var expires = T0.AddMinutes(1);
        var first = await Store.AddAsync([new("a", 3), new("b", 1)], expires, T0);
        Assert.Equal([("a", 3L), ("b", 1L)], first.Select(c => (c.Key, c.Value)));
        var second = await other.AddAsync([new("b", 2), new("a", 0)], expires, T0.AddSeconds(10));
        Assert.Equal([("b", 3L), ("a", 3L)], second.Select(c => (c.Key, c.Value)));
        // A counter is stamped when it grows, not when zero is added.
        Assert.Equal(T0.AddSeconds(10), second[0].Touched);
        Assert.Equal(T0, second[1].Touched);

        Assert.Equal([("a", 3L)], (await other.ReadAsync(["a", "missing"], T0.AddSeconds(20))).Select(c => (c.Key, c.Value)));
        // Expired: gone for reads, and the next add starts from zero.
        Assert.Empty(await Store.ReadAsync(["a", "b"], T0.AddMinutes(2)));
        var again = await Store.AddAsync([new("a", 1)], T0.AddMinutes(3), T0.AddMinutes(2));
        Assert.Equal(1, again[0].Value);

        await other.RemoveAsync(["a"]);
        Assert.Empty(await Store.ReadAsync(["a"], T0.AddMinutes(2)));
    }

    [Fact]
    public async Task Issue16_item9_concurrent_adds_from_two_stores_lose_nothing()
    {
        var other = await OpenStoreAsync(Options);
        IFhirStore[] nodes = [Store, other];
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            nodes[i % 2].AddAsync([new("x", 1), new("y", 2)], T0.AddMinutes(1), T0))));
        Assert.Equal([("x", 20L), ("y", 40L)], (await Store.ReadAsync(["x", "y"], T0)).OrderBy(c => c.Key).Select(c => (c.Key, c.Value)));
    }

    [Fact]
    public async Task Issue16_item9_a_shared_set_keeps_its_most_recent_members()
    {
        var other = await OpenStoreAsync(Options);
        for (var i = 0; i < 5; i++)
        {
            await (i % 2 == 0 ? Store : other).RememberAsync("client-a", "10.0.0." + i, keep: 3, T0.AddSeconds(i));
        }
        await Store.RememberAsync("client-b", "10.0.0.0", keep: 3, T0);
        Assert.False(await other.IsRememberedAsync("client-a", "10.0.0.0"));
        Assert.False(await other.IsRememberedAsync("client-a", "10.0.0.1"));
        Assert.True(await other.IsRememberedAsync("client-a", "10.0.0.4"));
        Assert.True(await other.IsRememberedAsync("client-b", "10.0.0.0"));
        // Refreshing an old member makes it recent again.
        await Store.RememberAsync("client-a", "10.0.0.2", keep: 3, T0.AddSeconds(10));
        await Store.RememberAsync("client-a", "10.0.0.5", keep: 3, T0.AddSeconds(11));
        Assert.True(await Store.IsRememberedAsync("client-a", "10.0.0.2"));
        Assert.False(await Store.IsRememberedAsync("client-a", "10.0.0.3"));
    }

    private static string Show(LoggedChange c) => $"{c.Seq} {c.Type}/{c.Id} v{c.VersionId}{(c.Json is null ? " deleted" : "")}";
}
