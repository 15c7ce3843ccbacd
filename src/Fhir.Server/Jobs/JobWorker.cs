using System.Text.Json;
using Fhir.Storage;
using Fhir.Storage.Jobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Jobs;

/// <summary>
/// The background runner: claims queued jobs (or ones whose runner died: their lease expired),
/// runs them one at a time, and gives a job back to the queue when the process stops, so that it
/// resumes from its last checkpoint here or in another process.
/// </summary>
internal sealed class JobWorker(
    IFhirStore store, ReindexJob reindex, PatientCompartmentJob compartments, Bulk.ExportJob export, Bulk.ImportJob import,
    JobOptions options, JobSignal signal, TimeProvider clock, ILogger<JobWorker> logger)
    : BackgroundService
{
    /// <summary>This runner's name in the job table's owner column.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            JobRecord? job = null;
            try
            {
                var now = clock.GetUtcNow();
                job = await store.ClaimJobAsync(Owner, now, now + options.Lease, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Could not claim a job");
            }
            if (job is null)
            {
                try
                {
                    await signal.WaitAsync(options.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            await RunAsync(job, stoppingToken);
        }
    }

    private async Task RunAsync(JobRecord job, CancellationToken stoppingToken)
    {
        try
        {
            var finished = job.Kind switch
            {
                ReindexRequest.Kind => await reindex.RunAsync(job, Owner, stoppingToken),
                StoreJobKinds.PatientCompartments => await compartments.RunAsync(job, Owner, stoppingToken),
                Bulk.ExportRequest.Kind => await export.RunAsync(job, Owner, stoppingToken),
                Bulk.ImportRequest.Kind => await import.RunAsync(job, Owner, stoppingToken),
                _ => throw new InvalidOperationException($"Unknown job kind '{job.Kind}'."),
            };
            if (finished)
            {
                var current = await store.GetJobAsync(job.Id, CancellationToken.None);
                var result = JsonSerializer.Serialize(new Dictionary<string, long> { ["done"] = current?.Done ?? job.Done });
                await store.FinishJobAsync(job.Id, Owner, JobState.Completed, result, null, clock.GetUtcNow(), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the job goes back to the queue with its cursor.
            await store.ReleaseJobAsync(job.Id, Owner, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {Job} ({Kind}) failed", job.Id, job.Kind);
            await store.FinishJobAsync(job.Id, Owner, JobState.Failed, null, e.Message, clock.GetUtcNow(), CancellationToken.None);
        }
    }
}
