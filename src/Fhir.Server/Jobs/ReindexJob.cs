using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Search.Parameters;
using Fhir.Storage;
using Fhir.Storage.Jobs;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Jobs;

/// <summary>
/// Runs a reindex job: for each type in turn, reads a batch of current resources after the
/// cursor, extracts their index values with the parameters in force (in parallel), and replaces
/// their rows together with the job's checkpoint in one short transaction. Other requests run
/// between batches; a runner that stops resumes from the last checkpoint.
/// </summary>
internal sealed class ReindexJob(IFhirStore store, SearchParameterCatalog catalog, FhirDefinitions definitions, JobOptions options, TimeProvider clock, ILogger<ReindexJob> logger)
{
    /// <summary>
    /// How long after a parameter change its job waits before it starts: a write that took the old
    /// parameters just before the change commits within this time, so the sweep sees it.
    /// </summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    /// <summary>Runs <paramref name="job"/> to its end; false when the runner lost it (cancelled or taken over) on the way.</summary>
    public async Task<bool> RunAsync(JobRecord job, string owner, CancellationToken ct)
    {
        var request = ReindexRequest.FromJson(job.Request);
        var wait = job.Created + Settle - clock.GetUtcNow();
        if (request.AfterChange && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, ct);
        }
        var codes = request.Codes is null ? null : new HashSet<string>(request.Codes, StringComparer.Ordinal);
        var total = job.Total;
        if (total is null)
        {
            total = 0;
            foreach (var type in request.Types) total += await store.CountCurrentAsync(type, ct);
        }
        var (typeAt, key) = ReindexRequest.ParseCursor(job.Cursor);
        var done = job.Done;
        // Batches are written while the next is read and extracted: the write is the database's work and the extraction
        // the CPU's, so overlapping them keeps both busy. Up to ReindexWriters writes run at once (PostgreSQL: one left
        // both sides waiting on round trips). They may then commit in any order, so each carries a checkpoint of what is
        // certainly stored by its commit: its own end when no write before it is still in flight, else the end of the
        // last batch seen committed (the store never moves a job back). Resuming thus repeats at most a few batches.
        var writers = Math.Max(1, store.ReindexWriters);
        var inFlight = new Queue<(Task<bool> Write, string Cursor, long Done)>();
        var stored = (Cursor: job.Cursor, Done: job.Done); // every batch up to here is committed
        var claimed = job.Done;
        try
        {
            for (; typeAt < request.Types.Count; typeAt++, key = 0)
            {
                var type = request.Types[typeAt];
                while (true)
                {
                    ct.ThrowIfCancellationRequested();
                    var batch = await store.ReadCurrentAsync(type, key, options.ReindexBatchSize, ct);
                    if (batch.Count == 0)
                    {
                        break;
                    }
                    var reindexed = Extract(batch, catalog.Current, codes);
                    while (inFlight.Count >= writers)
                    {
                        if (!await OldestStoredAsync())
                        {
                            return false;
                        }
                    }
                    key = batch[^1].Key;
                    done += batch.Count;
                    var now = clock.GetUtcNow();
                    var cursor = ReindexRequest.Cursor(typeAt, key);
                    var claim = inFlight.Count == 0 ? (Cursor: cursor, Done: done) : stored;
                    claimed = claim.Done;
                    var checkpoint = new JobCheckpoint(job.Id, owner, claim.Cursor, claim.Done, total, now + options.Lease);
                    // On a thread of its own: SQLite runs the whole write synchronously before returning its task.
                    var write = Task.Run(() => WithRetriesAsync(() => store.ReplaceIndexAsync(reindexed, codes, checkpoint, now, ct)), CancellationToken.None);
                    inFlight.Enqueue((write, cursor, done));
                    if (batch.Count < options.ReindexBatchSize)
                    {
                        break;
                    }
                }
            }
            while (inFlight.Count > 0)
            {
                if (!await OldestStoredAsync())
                {
                    return false;
                }
            }
            // The last batches claimed less than they stored: the job's record catches up, as a runner that resumed would see it.
            if (claimed < done
                && !await store.CheckpointJobAsync(new JobCheckpoint(job.Id, owner, stored.Cursor, done, total, clock.GetUtcNow() + options.Lease), clock.GetUtcNow(), ct))
            {
                return Stopped(stored.Cursor);
            }
        }
        finally
        {
            // A read or a write that failed leaves writes in flight: let them end before the job is released.
            foreach (var (write, _, _) in inFlight)
            {
                await ((Task)write).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        logger.LogInformation("Reindex job {Job} completed: {Done} resources", job.Id, done);
        return true;

        // Waits for the oldest write; false when its checkpoint did not hold (the job was cancelled or taken over).
        async Task<bool> OldestStoredAsync()
        {
            var (write, cursor, doneThere) = inFlight.Peek();
            var held = await write;
            inFlight.Dequeue();
            if (!held)
            {
                return Stopped(cursor);
            }
            stored = (cursor, doneThere);
            return true;
        }

        bool Stopped(string? at)
        {
            logger.LogInformation("Reindex job {Job} stopped at {Cursor}: cancelled or taken over", job.Id, at);
            return false;
        }
    }

    private ReindexedResource[] Extract(IReadOnlyList<CurrentResource> batch, SearchParameterSnapshot snapshot, HashSet<string>? codes)
    {
        var result = new ReindexedResource?[batch.Count];
        Parallel.For(0, batch.Count, i =>
        {
            var stored = batch[i];
            var parsed = FhirJsonReader.Parse(stored.Json.Span, null, definitions);
            if (parsed.Resource is null)
            {
                // Stored JSON was valid when written; keep the old rows rather than drop them.
                logger.LogWarning("Reindex skipped resource key {Key}: its stored JSON does not parse", stored.Key);
                return;
            }
            result[i] = new ReindexedResource(stored.Key, stored.VersionSeq, snapshot.Indexer.Extract(parsed.Resource, codes), parsed.Resource.Type.Name);
        });
        return [.. result.OfType<ReindexedResource>()];
    }

    // A batch that collides with writers (PostgreSQL deadlock detection, SQLite busy) is simply repeated.
    private static async Task<bool> WithRetriesAsync(Func<Task<bool>> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await batch();
            }
            catch (WriteConflictException) when (attempt < 10)
            {
                await Task.Delay(10 * attempt);
            }
        }
    }
}
