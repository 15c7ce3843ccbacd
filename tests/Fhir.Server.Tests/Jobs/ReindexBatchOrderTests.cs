using System.Net;
using System.Reflection;
using Fhir.Core.Definitions;
using Fhir.Search.Parameters;
using Fhir.Server.Jobs;
using Fhir.Server.Tests.Support;
using Fhir.Storage;
using Fhir.Storage.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using static Fhir.Server.Tests.Support.ServerFixture;

namespace Fhir.Server.Tests.Jobs;

/// <summary>
/// A reindex that writes batches side by side (<see cref="IReindexStore.ReindexWriters"/>) sees them commit in any order.
/// Its checkpoints must claim only what is stored: when a later batch commits and an earlier one never does (the process
/// stops), the job's cursor must still lie before the earlier one, so that a runner that resumes writes it.
/// </summary>
public abstract class ReindexBatchOrderTests(ServerFixture server)
{
    private const string Owner = "order-test";

    [Fact]
    public async Task A_batch_that_never_commits_after_a_later_one_did_is_written_by_the_runner_that_resumes()
    {
        var (family, held) = await PatientsWithoutFamilyRowsAsync();
        var job = await ClaimReindexOfFamilyAsync();
        var store = OutOfOrderStore.Around(Store, held, failHeld: true);

        await Assert.ThrowsAsync<InvalidOperationException>(() => NewJob(store).RunAsync(job, Owner, CancellationToken.None));

        // The batch after the held one committed; the held one did not. The job claims neither (only the batches before them).
        var stopped = (await Store.GetJobAsync(job.Id))!;
        var before = (await Store.ReadCurrentAsync("Patient", 0, 10_000)).Count(p => p.Key < held);
        Assert.True(ReindexRequest.ParseCursor(stopped.Cursor).Key < held && stopped.Done <= before,
            $"The job claims {stopped.Done} done, cursor {stopped.Cursor}, beyond the batch of key {held}, which was never stored.");
        // Only the batch after the held one was stored (the runner waits for the held one before it sends a third).
        Assert.Single(await FamilyIdsAsync(family));

        Assert.True(await NewJob(Store).RunAsync(stopped, Owner, CancellationToken.None));
        Assert.Equal(4, (await FamilyIdsAsync(family)).Count);
        await Store.FinishJobAsync(job.Id, Owner, JobState.Completed, null, null, DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Batches_that_commit_out_of_order_complete_the_job_with_every_resource_counted()
    {
        var (family, held) = await PatientsWithoutFamilyRowsAsync();
        var job = await ClaimReindexOfFamilyAsync();
        var store = OutOfOrderStore.Around(Store, held, failHeld: false);

        Assert.True(await NewJob(store).RunAsync(job, Owner, CancellationToken.None));

        var patients = await Store.ReadCurrentAsync("Patient", 0, 10_000);
        var finished = (await Store.GetJobAsync(job.Id))!;
        Assert.Equal(((long)patients.Count, ReindexRequest.Cursor(0, patients[^1].Key)), (finished.Done, finished.Cursor));
        Assert.Equal(4, (await FamilyIdsAsync(family)).Count);
        await Store.FinishJobAsync(job.Id, Owner, JobState.Completed, null, null, DateTimeOffset.UtcNow);
    }

    private IFhirStore Store => server.Services.GetRequiredService<IFhirStore>();

    private ReindexJob NewJob(IFhirStore store) => new(
        store, server.Services.GetRequiredService<SearchParameterCatalog>(), server.Services.GetRequiredService<FhirDefinitions>(),
        new JobOptions { ReindexBatchSize = 1 }, TimeProvider.System, NullLogger<ReindexJob>.Instance);

    // Four Patients of a new family, whose family rows are then wiped (a reindex brings back those it writes); the key of
    // the first of them, whose batch the tests hold.
    private async Task<(string Family, long Held)> PatientsWithoutFamilyRowsAsync()
    {
        var family = "Order" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 4; i++)
        {
            await (await server.Client.PostAsync("Patient", Json($$"""{"resourceType":"Patient","name":[{"family":"{{family}}"}]}"""))).ExpectAsync(HttpStatusCode.Created);
        }
        var ids = (await FamilyIdsAsync(family)).ToHashSet();
        var ours = (await Store.ReadCurrentAsync("Patient", 0, 10_000)).Where(p => ids.Contains(p.Id)).ToList();
        Assert.Equal(4, ours.Count);
        await Store.ReplaceIndexAsync([.. ours.Select(p => new ReindexedResource(p.Key, p.VersionSeq, []))], ["family"], null, DateTimeOffset.UtcNow);
        Assert.Empty(await FamilyIdsAsync(family));
        return (family, ours[0].Key);
    }

    private async Task<JobRecord> ClaimReindexOfFamilyAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var queued = await Store.EnqueueJobAsync(ReindexRequest.Kind, new ReindexRequest(["Patient"], ["family"]).ToJson(), now);
        var job = await Store.ClaimJobAsync(Owner, now, now.AddMinutes(5));
        Assert.Equal(queued.Id, job?.Id);
        return job!;
    }

    private async Task<IReadOnlyList<string>> FamilyIdsAsync(string family)
    {
        var page = await (await server.Client.GetAsync($"Patient?family={family}&_count=100")).ExpectAsync(HttpStatusCode.OK);
        return [.. page.EntryResources().Select(r => r.Id())];
    }
}

/// <summary>
/// The store as a runner sees it with two writers, where the batch holding <c>held</c> waits until the batch after it has
/// committed, then fails (the process stopped before its commit) or goes on.
/// </summary>
public class OutOfOrderStore : DispatchProxy
{
    private IFhirStore _inner = null!;
    private long _held;
    private bool _failHeld;
    private readonly TaskCompletionSource _nextCommitted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static IFhirStore Around(IFhirStore inner, long held, bool failHeld)
    {
        var store = Create<IFhirStore, OutOfOrderStore>();
        var proxy = (OutOfOrderStore)(object)store;
        (proxy._inner, proxy._held, proxy._failHeld) = (inner, held, failHeld);
        return store;
    }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (method!.Name == "get_" + nameof(IReindexStore.ReindexWriters)) return 2;
        if (method.Name == nameof(IReindexStore.ReplaceIndexAsync)) return ReplaceAsync(args!);
        try
        {
            return method.Invoke(_inner, args);
        }
        catch (TargetInvocationException e)
        {
            throw e.InnerException!;
        }
    }

    private async Task<bool> ReplaceAsync(object?[] args)
    {
        var resources = (IReadOnlyList<ReindexedResource>)args[0]!;
        Task<bool> Inner() => _inner.ReplaceIndexAsync(resources, (IReadOnlyCollection<string>?)args[1], (JobCheckpoint?)args[2], (DateTimeOffset)args[3]!, (CancellationToken)args[4]!);
        if (resources.Any(r => r.Key == _held))
        {
            await _nextCommitted.Task.WaitAsync(TimeSpan.FromSeconds(30));
            if (_failHeld) throw new InvalidOperationException("The process stopped before this batch committed.");
            return await Inner();
        }
        var result = await Inner();
        // Batches go in key order, one resource each here: the first after the held one to commit is the one after it.
        if (resources.All(r => r.Key > _held)) _nextCommitted.TrySetResult();
        return result;
    }
}

public sealed class ReindexBatchOrderTestsOnSqlite(SqliteServerWithoutRunner server) : ReindexBatchOrderTests(server), IClassFixture<SqliteServerWithoutRunner>;

public sealed class ReindexBatchOrderTestsOnPostgres(PostgresServerWithoutRunner server) : ReindexBatchOrderTests(server), IClassFixture<PostgresServerWithoutRunner>;
