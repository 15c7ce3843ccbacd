using Fhir.Server.Jobs;
using Fhir.Storage.Jobs;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Bulk;

/// <summary>
/// Removes what bulk jobs leave once nobody may use it any more: the files and job of an export or import completed (or
/// failed) longer than <see cref="ExportOptions.Retention"/> ago, and of one cancelled; and folders no job owns. Every
/// node sweeps; removing twice is harmless. A file being downloaded while it is removed still reads to its end.
/// </summary>
internal sealed class BulkSweeper(ServerContext context, BulkFolders folders, ExportOptions options, JobOptions jobOptions, ILogger<BulkSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!jobOptions.Enabled)
        {
            return;
        }
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Sweeping expired bulk files failed");
            }
            try
            {
                await Task.Delay(options.SweepInterval, context.Clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One sweep; returns the number of jobs removed.</summary>
    internal async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = context.Clock.GetUtcNow();
        var removed = 0;
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kind in new[] { ExportRequest.Kind, ImportRequest.Kind })
        {
            foreach (var job in await context.Store.ListJobsAsync(kind, ct))
            {
                var (_, folder) = BulkStatus.FolderOf(job, folders);
                var expired = job.State == JobState.Cancelled
                    || (job.State is JobState.Completed or JobState.Failed && job.Finished is { } finished && finished + options.Retention < now);
                if (!expired)
                {
                    kept.Add(folder);
                    continue;
                }
                BulkStatus.DeleteFiles(job, folders);
                await context.Store.DeleteJobAsync(job.Id, ct);
                removed++;
            }
        }
        // Folders of jobs that no longer exist (deleted while their runner still wrote, or staged by a kick-off that failed),
        // once untouched for the retention time: a kick-off stages its upload before its job exists.
        foreach (var files in new[] { folders.Export, folders.Import })
        {
            foreach (var folder in files.JobFolders().Where(f => !kept.Contains(f)))
            {
                if (Directory.GetLastWriteTimeUtc(System.IO.Path.Combine(files.Root, folder)) < now.UtcDateTime - options.Retention)
                {
                    files.Delete(folder);
                }
            }
        }
        if (removed > 0)
        {
            logger.LogInformation("Removed {Count} expired or cancelled bulk jobs and their files", removed);
        }
        return removed;
    }
}
