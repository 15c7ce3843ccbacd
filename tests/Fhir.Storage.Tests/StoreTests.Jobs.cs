using Fhir.Search.Queries;
using Fhir.Storage.Jobs;

namespace Fhir.Storage.Tests;

/// <summary>The job table and the reindex batches, on both stores.</summary>
public abstract partial class StoreTests
{
    private static readonly DateTimeOffset Later = T0.AddMinutes(10);

    // ---- jobs ---------------------------------------------------------------------------

    [Fact]
    public async Task An_enqueued_job_reads_back_queued_with_its_request_and_no_progress()
    {
        var job = await Store.EnqueueJobAsync("reindex", "{\"types\":[\"Patient\"]}", T0);

        var read = await Store.GetJobAsync(job.Id);

        Assert.Equal(job, read);
        Assert.Equal((JobState.Queued, 0L, null, null), (read!.State, read.Done, read.Cursor, read.Owner));
        Assert.Null(await Store.GetJobAsync("no-such-job"));
    }

    [Fact]
    public async Task A_claimed_job_is_not_claimed_again_until_its_lease_expires_and_then_the_old_owner_loses_it()
    {
        var job = await Store.EnqueueJobAsync("reindex", "{}", T0);

        var a = await Store.ClaimJobAsync("node-a", T0, T0.AddSeconds(30));
        Assert.Equal((job.Id, JobState.Running, "node-a"), (a!.Id, a.State, a.Owner));
        Assert.Null(await Store.ClaimJobAsync("node-b", T0.AddSeconds(10), T0.AddSeconds(40)));
        Assert.True(await Store.CheckpointJobAsync(new JobCheckpoint(job.Id, "node-a", "Patient/5", 5, 10, T0.AddSeconds(60)), T0.AddSeconds(20)));
        Assert.Null(await Store.ClaimJobAsync("node-b", T0.AddSeconds(50), T0.AddSeconds(80)));

        var b = await Store.ClaimJobAsync("node-b", T0.AddSeconds(61), T0.AddSeconds(90));
        Assert.Equal(("node-b", "Patient/5", 5L, 10L), (b!.Owner, b.Cursor, b.Done, b.Total));
        Assert.False(await Store.CheckpointJobAsync(new JobCheckpoint(job.Id, "node-a", "Patient/9", 9, null, T0.AddSeconds(120)), T0.AddSeconds(62)));
        Assert.False(await Store.FinishJobAsync(job.Id, "node-a", JobState.Completed, null, null, T0.AddSeconds(63)));
        Assert.Equal("Patient/5", (await Store.GetJobAsync(job.Id))!.Cursor);
    }

    [Fact]
    public async Task Concurrent_claims_from_several_store_instances_run_each_job_exactly_once()
    {
        var stores = new List<IFhirStore> { Store };
        for (var i = 0; i < 3; i++) stores.Add(await OpenStoreAsync(Options));
        var jobs = new List<string>();
        for (var i = 0; i < 3; i++) jobs.Add((await Store.EnqueueJobAsync("reindex", "{}", T0.AddSeconds(i))).Id);

        var claims = await Task.WhenAll(Enumerable.Range(0, 12).Select(n => Task.Run(() =>
            RetryOnConflictAsync(() => stores[n % stores.Count].ClaimJobAsync($"node-{n}", T0.AddMinutes(1), T0.AddMinutes(2))))));

        var claimed = claims.Where(c => c is not null).Select(c => c!.Id).ToList();
        Assert.Equal(jobs.Order(), claimed.Order());
    }

    [Fact]
    public async Task Finishing_cancelling_and_releasing_follow_the_job_lifecycle()
    {
        var done = await Store.EnqueueJobAsync("reindex", "{}", T0);
        var cancelled = await Store.EnqueueJobAsync("reindex", "{}", T0.AddSeconds(1));
        var released = await Store.EnqueueJobAsync("reindex", "{}", T0.AddSeconds(2));

        Assert.Equal(done.Id, (await Store.ClaimJobAsync("n", T0, Later))!.Id);
        Assert.True(await Store.FinishJobAsync(done.Id, "n", JobState.Completed, "{\"ok\":true}", null, T0.AddMinutes(1)));
        var finished = (await Store.GetJobAsync(done.Id))!;
        Assert.Equal((JobState.Completed, "{\"ok\":true}", T0.AddMinutes(1)), (finished.State, finished.Result, finished.Finished));
        Assert.False(await Store.CancelJobAsync(done.Id, T0.AddMinutes(2)));

        Assert.Equal(cancelled.Id, (await Store.ClaimJobAsync("n", T0, Later))!.Id);
        Assert.True(await Store.CancelJobAsync(cancelled.Id, T0.AddMinutes(1)));
        Assert.False(await Store.CheckpointJobAsync(new JobCheckpoint(cancelled.Id, "n", "x", 1, null, Later), T0.AddMinutes(1)));
        Assert.Equal(JobState.Cancelled, (await Store.GetJobAsync(cancelled.Id))!.State);

        Assert.Equal(released.Id, (await Store.ClaimJobAsync("n", T0, Later))!.Id);
        Assert.True(await Store.CheckpointJobAsync(new JobCheckpoint(released.Id, "n", "Observation/7", 7, 20, Later), T0));
        Assert.True(await Store.ReleaseJobAsync(released.Id, "n"));
        var again = (await Store.ClaimJobAsync("m", T0.AddSeconds(1), Later))!;
        Assert.Equal((released.Id, "m", "Observation/7", 7L), (again.Id, again.Owner, again.Cursor, again.Done));
        Assert.Null(await Store.ClaimJobAsync("m", T0.AddSeconds(1), Later));
    }

    // ---- reindex batches ----------------------------------------------------------------

    [Fact]
    public async Task Current_resources_are_read_in_key_order_after_the_cursor_without_deleted_ones_or_other_types()
    {
        await WriteAsync(Create("Patient", "a"), Create("Patient", "b"), Create("Observation", "o"), Create("Patient", "c"), Create("Patient", "d"));
        await WriteAsync(Update("Patient", "a", 2, T0.AddMinutes(1)), Delete("Patient", "c", 2, T0.AddMinutes(1)));

        var first = await Store.ReadCurrentAsync("Patient", 0, 2);
        var rest = await Store.ReadCurrentAsync("Patient", first[^1].Key, 10);

        Assert.Equal(["a", "b"], first.Select(r => r.Id));
        Assert.Equal(["d"], rest.Select(r => r.Id));
        Assert.Equal(Json("Patient", "a", 2), first[0].Json.ToArray());
        Assert.True(first[0].Key < first[1].Key && first[1].Key < rest[0].Key);
        Assert.Equal(3, await Store.CountCurrentAsync("Patient"));
        Assert.Empty(await Store.ReadCurrentAsync("Patient", rest[0].Key, 10));
    }

    [Fact]
    public async Task Replacing_the_rows_of_some_codes_keeps_the_other_codes_rows_and_writes_no_version()
    {
        await WriteAsync(Create("Patient", "a", T0, Token("identifier", "urn:sys", "1"), Token("gene", null, "old")));
        await WriteAsync(Create("Patient", "b", T0, Token("identifier", "urn:sys", "2")));
        var read = await Store.ReadCurrentAsync("Patient", 0, 10);

        var ok = await Store.ReplaceIndexAsync(
            [new ReindexedResource(read[0].Key, read[0].VersionSeq, [Token("gene", null, "MDM2")]), new ReindexedResource(read[1].Key, read[1].VersionSeq, [Token("gene", null, "TP53")])],
            ["gene"], null, T0);

        Assert.True(ok);
        Assert.Equal(["a"], await SearchIdsAsync("Patient", TokenCriterion("gene", null, new TokenSearchValue(null, "MDM2", false))));
        Assert.Equal(["b"], await SearchIdsAsync("Patient", TokenCriterion("gene", null, new TokenSearchValue(null, "TP53", false))));
        Assert.Empty(await SearchIdsAsync("Patient", TokenCriterion("gene", null, new TokenSearchValue(null, "old", false))));
        Assert.Equal(["a"], await SearchIdsAsync("Patient", TokenCriterion("identifier", null, new TokenSearchValue("urn:sys", "1", true))));
        Assert.Equal(1, (await Reader.ReadAsync("Patient", "a"))!.VersionId);
    }

    [Fact]
    public async Task Replacing_all_rows_keeps_what_is_unchanged_drops_what_is_gone_and_adds_what_is_new()
    {
        await WriteAsync(Create("Patient", "a", T0, Token("identifier", "urn:sys", "1"), Token("gene", null, "old"), Str("smith", "Smith")));
        await WriteAsync(Create("Patient", "b", T0, Token("identifier", "urn:sys", "2")));
        var read = await Store.ReadCurrentAsync("Patient", 0, 10);

        Assert.True(await Store.ReplaceIndexAsync(
        [
            new ReindexedResource(read[0].Key, read[0].VersionSeq, [Token("identifier", "urn:sys", "1"), Token("gene", null, "new"), Token("gene", null, "new")]),
            new ReindexedResource(read[1].Key, read[1].VersionSeq, [Token("identifier", "urn:sys", "2"), Str("jones", "Jones")]),
        ], null, null, T0));

        Assert.Equal(["a"], await SearchIdsAsync("Patient", TokenCriterion("identifier", null, new TokenSearchValue("urn:sys", "1", true))));
        Assert.Equal(["b"], await SearchIdsAsync("Patient", TokenCriterion("identifier", null, new TokenSearchValue("urn:sys", "2", true))));
        Assert.Equal(["a"], await SearchIdsAsync("Patient", TokenCriterion("gene", null, new TokenSearchValue(null, "new", false))));
        Assert.Empty(await SearchIdsAsync("Patient", TokenCriterion("gene", null, new TokenSearchValue(null, "old", false))));
        Assert.Empty(await SearchIdsAsync("Patient", Name("smith")));
        Assert.Equal(["b"], await SearchIdsAsync("Patient", Name("jones")));
        // The duplicate row went in twice, and both go when the value goes.
        Assert.True(await Store.ReplaceIndexAsync([new ReindexedResource(read[0].Key, read[0].VersionSeq, [])], ["gene"], null, T0));
        Assert.Empty(await SearchIdsAsync("Patient", TokenCriterion("gene", null, new TokenSearchValue(null, "new", false))));
        Assert.Equal(["a"], await SearchIdsAsync("Patient", TokenCriterion("identifier", null, new TokenSearchValue("urn:sys", "1", true))));
    }

    [Fact]
    public async Task Replacing_all_rows_of_a_resource_whose_version_moved_on_leaves_it_alone()
    {
        await WriteAsync(Create("Patient", "a", T0, Token("identifier", "urn:sys", "1")));
        var read = await Store.ReadCurrentAsync("Patient", 0, 10);
        await WriteAsync(Update("Patient", "a", 2, T0.AddMinutes(1), Token("identifier", "urn:sys", "2")));

        Assert.True(await Store.ReplaceIndexAsync([new ReindexedResource(read[0].Key, read[0].VersionSeq, [Token("identifier", "urn:sys", "stale")])], null, null, T0));

        Assert.Equal(["a"], await SearchIdsAsync("Patient", TokenCriterion("identifier", null, new TokenSearchValue("urn:sys", "2", true))));
        Assert.Empty(await SearchIdsAsync("Patient", TokenCriterion("identifier", null, new TokenSearchValue("urn:sys", "stale", true))));
    }

    [Fact]
    public async Task A_batch_whose_checkpoint_does_not_hold_writes_nothing_and_one_that_holds_records_the_cursor()
    {
        await WriteAsync(Create("Patient", "a", T0, Token("gene", null, "old")));
        var read = await Store.ReadCurrentAsync("Patient", 0, 10);
        var job = await Store.EnqueueJobAsync("reindex", "{}", T0);
        await Store.ClaimJobAsync("n", T0, Later);
        ReindexedResource[] batch = [new(read[0].Key, read[0].VersionSeq, [Token("gene", null, "new")])];

        Assert.False(await Store.ReplaceIndexAsync(batch, ["gene"], new JobCheckpoint(job.Id, "someone-else", "Patient/1", 1, 1, Later), T0));
        Assert.Equal(["a"], await SearchIdsAsync("Patient", TokenCriterion("gene", null, new TokenSearchValue(null, "old", false))));

        Assert.True(await Store.ReplaceIndexAsync(batch, ["gene"], new JobCheckpoint(job.Id, "n", "Patient/1", 1, 1, Later), T0));
        Assert.Equal(["a"], await SearchIdsAsync("Patient", TokenCriterion("gene", null, new TokenSearchValue(null, "new", false))));
        Assert.Equal(("Patient/1", 1L), ((await Store.GetJobAsync(job.Id))!.Cursor, (await Store.GetJobAsync(job.Id))!.Done));
    }

    // Batches written side by side commit in any order (IReindexStore.ReindexWriters): a later commit of an earlier
    // checkpoint must not move the job back, or a runner that resumes would skip nothing but redo, or skip what is not stored.
    [Fact]
    public async Task A_checkpoint_that_reports_less_done_keeps_the_cursor_and_renews_the_lease()
    {
        await WriteAsync(Create("Patient", "a", T0, Token("gene", null, "old")), Create("Patient", "b", T0, Token("gene", null, "old")));
        var read = await Store.ReadCurrentAsync("Patient", 0, 10);
        var job = await Store.EnqueueJobAsync("reindex", "{}", T0);
        await Store.ClaimJobAsync("n", T0, Later);

        Assert.True(await Store.ReplaceIndexAsync([new(read[1].Key, read[1].VersionSeq, [Token("gene", null, "new")])], ["gene"], new JobCheckpoint(job.Id, "n", "0:2", 2, 2, Later), T0));
        // The earlier batch commits after it, with its earlier checkpoint: its rows are stored, the cursor stays.
        var renewed = Later.AddMinutes(5);
        Assert.True(await Store.ReplaceIndexAsync([new(read[0].Key, read[0].VersionSeq, [Token("gene", null, "new")])], ["gene"], new JobCheckpoint(job.Id, "n", "0:1", 1, 2, renewed), T0.AddSeconds(1)));

        var after = (await Store.GetJobAsync(job.Id))!;
        Assert.Equal(("0:2", 2L), (after.Cursor, after.Done));
        Assert.Equal(renewed, after.LeaseUntil);
        Assert.Equal(["a", "b"], (await SearchIdsAsync("Patient", TokenCriterion("gene", null, new TokenSearchValue(null, "new", false)))).Order(StringComparer.Ordinal));

        // An equal or greater count moves it on, as before.
        Assert.True(await Store.CheckpointJobAsync(new JobCheckpoint(job.Id, "n", "0:3", 3, 3, renewed), T0.AddSeconds(2)));
        Assert.Equal(("0:3", 3L), ((await Store.GetJobAsync(job.Id))!.Cursor, (await Store.GetJobAsync(job.Id))!.Done));
    }

    [Fact]
    public async Task Reindexing_many_resources_inserts_every_row()
    {
        var writes = Enumerable.Range(0, 300).Select(i => Create("Observation", $"o{i}", T0, Token("code", "urn:c", "x"))).ToArray();
        await WriteAsync(writes);
        var read = await Store.ReadCurrentAsync("Observation", 0, 1000);

        // 3 rows per resource: 900 rows, cut into the store's statement pieces.
        await Store.ReplaceIndexAsync([.. read.Select(r => new ReindexedResource(r.Key, r.VersionSeq, [Token("gene", null, "g"), Token("gene", "urn:s", r.Id), Token("gene", null, "z" + r.Id)]))], ["gene"], null, T0);

        Assert.Equal(300, (await SearchIdsAsync("Observation", TokenCriterion("gene", null, new TokenSearchValue(null, "g", false)))).Length);
        Assert.Equal(["o123"], await SearchIdsAsync("Observation", TokenCriterion("gene", null, new TokenSearchValue("urn:s", "o123", true))));
        Assert.Equal(["o299"], await SearchIdsAsync("Observation", TokenCriterion("gene", null, new TokenSearchValue(null, "zo299", false))));
    }
}
