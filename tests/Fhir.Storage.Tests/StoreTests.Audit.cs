using System.Text;

namespace Fhir.Storage.Tests;

// The audit outbox: records appended in write sessions, taken oldest first and removed in the session that takes them.
public abstract partial class StoreTests
{
    [Fact]
    public async Task Audit_records_are_taken_in_order_once_and_only_when_committed()
    {
        Assert.Equal(0, await Store.PendingAuditAsync());
        await using (var session = await Store.BeginWriteAsync())
        {
            for (var i = 0; i < 5; i++) await session.AppendAuditAsync(Record(i));
            await session.CommitAsync();
        }
        await using (var rolledBack = await Store.BeginWriteAsync())
        {
            await rolledBack.AppendAuditAsync(Record(99));
        }
        Assert.Equal(5, await Store.PendingAuditAsync());

        await using (var taker = await Store.BeginWriteAsync())
        {
            Assert.Equal(["0", "1", "2"], Texts(await taker.TakeAuditAsync(3)));
            // Not committed: the records stay.
        }
        await using (var taker = await Store.BeginWriteAsync())
        {
            Assert.Equal(["0", "1", "2"], Texts(await taker.TakeAuditAsync(3)));
            await taker.CommitAsync();
        }
        Assert.Equal(2, await Store.PendingAuditAsync());
        await using (var taker = await Store.BeginWriteAsync())
        {
            Assert.Equal(["3", "4"], Texts(await taker.TakeAuditAsync(3)));
            Assert.Empty(await taker.TakeAuditAsync(3));
            await taker.CommitAsync();
        }
        Assert.Equal(0, await Store.PendingAuditAsync());
    }

    [Fact]
    public async Task Concurrent_takers_store_each_audit_record_once()
    {
        const int Records = 600;
        await using (var session = await Store.BeginWriteAsync())
        {
            for (var i = 0; i < Records; i++) await session.AppendAuditAsync(Record(i));
            await session.CommitAsync();
        }
        var taken = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                await using var session = await Store.BeginWriteAsync();
                var batch = await session.TakeAuditAsync(50);
                foreach (var text in Texts(batch)) taken.Add(text);
                await session.CommitAsync();
                if (batch.Count == 0) return;
            }
        })));
        Assert.Equal(Records, taken.Count);
        Assert.Equal(Records, taken.Distinct().Count());
    }

    [Fact]
    public async Task Records_appended_outside_sessions_are_taken_once_beside_the_writes_records_and_counted_while_they_wait()
    {
        await Store.AppendAuditAsync([Record(1), Record(2)]);
        await Store.AppendAuditAsync([Record(3)]);
        await using (var session = await Store.BeginWriteAsync())
        {
            await session.AppendAuditAsync(Record(4));
            await session.CommitAsync();
        }
        Assert.True(await Store.PendingAuditAsync() >= 4);

        // A take that is rolled back leaves every record for the next one.
        await using (var rolledBack = await Store.BeginWriteAsync())
        {
            Assert.Equal(4, (await rolledBack.TakeAuditAsync(10)).Count);
        }
        var taken = new List<string>();
        while (true)
        {
            await using var session = await Store.BeginWriteAsync();
            var batch = await session.TakeAuditAsync(3);
            taken.AddRange(Texts(batch));
            await session.CommitAsync();
            if (batch.Count == 0) break;
        }
        Assert.Equal(["1", "2", "3", "4"], taken.Order());
        Assert.Equal(0, await Store.PendingAuditAsync());
    }

    private static byte[] Record(int i) => Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static string[] Texts(IReadOnlyList<ReadOnlyMemory<byte>> records) => [.. records.Select(r => Encoding.UTF8.GetString(r.Span))];
}
