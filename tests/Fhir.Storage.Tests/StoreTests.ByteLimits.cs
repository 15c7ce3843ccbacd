using System.Text;
using Fhir.Search.Indexing;
using Fhir.Search.Queries;

namespace Fhir.Storage.Tests;

/// <summary>
/// Issue 12 item 10: a page of search results, history or includes stops at a byte budget (at least one resource),
/// and keyset paging goes on after the last resource kept, so every match is still reached exactly once.
/// </summary>
public abstract partial class StoreTests
{
    // A resource of about `size` bytes.
    private static ResourceWrite Sized(string type, string id, int size, int version = 1, params IndexValue[] index) =>
        new(type, id, version, T0.AddSeconds(version), version == 1 ? WriteMethod.Create : WriteMethod.Update,
            Encoding.UTF8.GetBytes($"{{\"resourceType\":\"{type}\",\"id\":\"{id}\",\"text\":\"{new string('x', size)}\"}}"), index, type == "Patient" ? [id] : []);

    [Fact]
    public async Task Issue12_item10_a_search_page_stops_at_its_byte_budget_and_the_next_page_continues_after_it()
    {
        // 12 resources of ~1 KB and one of ~5 KB in the middle.
        await WriteAsync([.. Enumerable.Range(0, 13).Select(i => Sized("Observation", $"o{i:D2}", i == 6 ? 5000 : 1000))]);

        var seen = new List<string>();
        var pages = new List<(int Count, bool Limited)>();
        SearchCursor? after = null;
        do
        {
            var page = await Reader.SearchAsync(new SearchQuery("Observation", [], 10, after) { MaxBytes = 3500 });
            Assert.True(page.Resources.Sum(r => r.Json.Length) <= 3500 || page.Resources.Count == 1);
            seen.AddRange(page.Resources.Select(r => r.Id));
            pages.Add((page.Resources.Count, page.LimitedByBytes));
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal(Enumerable.Range(0, 13).Select(i => $"o{i:D2}"), seen);
        // Three of ~1 KB per page; the 5 KB one alone (a page holds at least one); the last page is not limited.
        Assert.Equal([(3, true), (3, true), (1, true), (3, true), (3, false)], pages);
    }

    [Fact]
    public async Task A_sorted_search_and_a_backward_page_keep_their_order_under_a_byte_budget()
    {
        await WriteAsync([.. Enumerable.Range(0, 8).Select(i => Sized("Patient", $"p{i}", 1000, index: Token("identifier", "urn:s", (9 - i).ToString(System.Globalization.CultureInfo.InvariantCulture))))]);
        var sort = new SortKey("identifier", SearchParamType.Token, SortDirection.Ascending);

        var first = await Reader.SearchAsync(new SearchQuery("Patient", [], 5) { Sort = [sort], MaxBytes = 2500 });
        var second = await Reader.SearchAsync(new SearchQuery("Patient", [], 5, first.Next) { Sort = [sort], MaxBytes = 2500 });
        var back = await Reader.SearchAsync(new SearchQuery("Patient", [], 5, second.Previous) { Sort = [sort], MaxBytes = 2500 });

        Assert.Equal(["p7", "p6"], first.Resources.Select(r => r.Id));
        Assert.Equal(["p5", "p4"], second.Resources.Select(r => r.Id));
        Assert.Equal(["p7", "p6"], back.Resources.Select(r => r.Id));
        Assert.True(first.LimitedByBytes);
    }

    [Fact]
    public async Task A_history_page_stops_at_its_byte_budget_and_the_next_page_continues()
    {
        await WriteAsync(Sized("Patient", "a", 1000));
        for (var v = 2; v <= 7; v++)
        {
            await WriteAsync(Sized("Patient", "a", 1000, v));
        }

        var versions = new List<int>();
        long? before = null;
        do
        {
            var page = await Reader.HistoryAsync(new HistoryQuery("Patient", "a", null, 10, before) { MaxBytes = 2500 });
            Assert.InRange(page.Entries.Count, 1, 2);
            versions.AddRange(page.Entries.Select(e => e.VersionId));
            before = page.Next;
        }
        while (before is not null);

        Assert.Equal([7, 6, 5, 4, 3, 2, 1], versions);
    }

    [Fact]
    public async Task Includes_stop_reading_at_their_byte_budget()
    {
        await WriteAsync([.. Enumerable.Range(0, 6).Select(i => Sized("Patient", $"p{i}", 1000))]);
        await WriteAsync([.. Enumerable.Range(0, 6).Select(i => Create("Observation", $"o{i}", null, new ReferenceIndexValue("subject", "Patient", $"p{i}", null)))]);
        var request = new IncludeRequest(IncludeDirection.Include, [.. Enumerable.Range(0, 6).Select(i => new ResourceRef("Observation", $"o{i}"))], "Observation", ["subject"], null, 100);

        Assert.Equal(6, (await Reader.IncludeAsync(request)).Count);
        var limited = await Reader.IncludeAsync(request with { MaxBytes = 2500 });
        Assert.Equal(3, limited.Count); // reading stops once the budget is reached
    }
}
