using System.Diagnostics;
using System.Globalization;
using Fhir.Core.Outcomes;
using Fhir.Server.Audit;
using Fhir.Server.Jobs;
using Fhir.Server.Outcomes;
using Fhir.Server.Search;
using Fhir.Storage;
using Fhir.Storage.Jobs;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Bulk;

/// <summary>
/// Runs a Bulk Data export (FHIR Bulk Data Access 2.0.0): for each type in turn, the matches of its searches stream from
/// the store through the access gate of the client that asked (<see cref="Security.DelegatedGrant"/>) into NDJSON files, a page
/// read while the last is written, so memory stays flat whatever the export's size. Every few seconds, and whenever a file
/// is complete, the files are flushed to disk and the position recorded with the job (which renews its lease); a runner
/// that takes the job over, here or on another node, cuts the open file back to that position and goes on. A checkpoint
/// that fails means the job was cancelled (its files are removed) or taken over.
/// </summary>
internal sealed class ExportJob(ServerContext context, BulkFolders folders, ExportOptions options, JobOptions jobOptions, AuditLog audit, ILogger<ExportJob> logger)
{
    private readonly BulkFiles files = folders.Export;

    /// <summary>
    /// How long after its <c>transactionTime</c> an export starts reading: a write stamped just before it commits within
    /// this time, so the export sees it (and an export <c>_since</c> that time does not miss it).
    /// </summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    /// <summary>Resources per read from the store.</summary>
    internal const int PageSize = 1_000;

    private static readonly TimeSpan CheckpointEvery = TimeSpan.FromSeconds(2);

    /// <summary>Runs <paramref name="job"/> to its end; false when it was cancelled or taken over on the way.</summary>
    public async Task<bool> RunAsync(JobRecord job, string owner, CancellationToken ct)
    {
        var store = context.Store;
        var clock = context.Clock;
        var request = ExportRequest.FromJson(job.Request);
        var wait = request.TransactionTime + Settle - clock.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, ct);
        }
        // Everything below reads as the client that asked: what its token could not read over HTTP is not exported.
        var reader = request.Grant.Gate(context).Reader;
        var state = ExportState.FromJson(job.Cursor);
        var total = job.Total ?? await CountAsync(reader, request, ct);
        var elements = new ElementSelection(request.Elements);
        var extras = Extras(request);
        var sinceCheckpoint = Stopwatch.StartNew();

        async Task<bool> CheckpointAsync(ExportFileWriter? writer)
        {
            writer?.Flush();
            var recorded = writer is null ? state : state with { Part = writer.Part, PartCount = writer.Count, PartBytes = writer.Bytes };
            var now = clock.GetUtcNow();
            sinceCheckpoint.Restart();
            return await store.CheckpointJobAsync(new JobCheckpoint(job.Id, owner, recorded.ToJson(), recorded.Done, total, now + jobOptions.Lease), now, ct);
        }

        for (; state.TypeIndex < request.Types.Count; state = NextType(state))
        {
            var type = request.Types[state.TypeIndex];
            var shape = elements.For(type);
            var own = extras.GetValueOrDefault(type);
            await using var writer = new ExportFileWriter(files, job.Id, type, options.ResourcesPerFile, state.Part, state.PartCount, state.PartBytes);
            if (!state.Extras)
            {
                var seen = new HashSet<string>(state.ExtrasSeen ?? [], StringComparer.Ordinal);
                await foreach (var (resource, key) in ResourceStream.ReadAsync(reader, ExportQueries.For(type, request, context), state.After, PageSize, ct))
                {
                    writer.Append(ResourceShaper.Shape(resource, shape).Json.Span);
                    if (own is not null && own.Contains(resource.Id))
                    {
                        seen.Add(resource.Id);
                    }
                    state = state with { After = key, Done = state.Done + 1 };
                    if (writer.Completed.Count > 0 || sinceCheckpoint.Elapsed >= CheckpointEvery)
                    {
                        state = state with { Files = [.. state.Files, .. writer.Completed], ExtrasSeen = seen.Count > 0 ? [.. seen] : null };
                        writer.TakeCompleted();
                        if (!await CheckpointAsync(writer))
                        {
                            return await StoppedAsync(job, state);
                        }
                    }
                }
                state = state with { Extras = true, ExtrasSeen = seen.Count > 0 ? [.. seen] : null };
            }
            foreach (var id in own ?? [])
            {
                if (state.ExtrasSeen?.Contains(id) == true
                    || await reader.ReadAsync(type, id, ct) is not { IsDeleted: false } resource
                    || (request.Since is { } since && resource.LastUpdated <= since))
                {
                    continue;
                }
                writer.Append(ResourceShaper.Shape(resource, shape).Json.Span);
                state = state with { Done = state.Done + 1 };
            }
            writer.Close();
            state = state with { Files = [.. state.Files, .. writer.Completed] };
            writer.TakeCompleted();
        }

        if (request.Notes is { Count: > 0 } notes && state.Errors.Count == 0)
        {
            state = state with { Errors = [await WriteNotesAsync(job.Id, notes)] };
        }
        if (!await CheckpointAsync(null))
        {
            return await StoppedAsync(job, state);
        }
        await AuditAsync(job, request, state);
        logger.LogInformation("Export {Job} completed: {Count} resources in {Files} files", job.Id, state.Done, state.Files.Count);
        return true;
    }

    private static ExportState NextType(ExportState state) => state with
    {
        TypeIndex = state.TypeIndex + 1,
        After = 0,
        Extras = false,
        ExtrasSeen = null,
        Part = 1,
        PartCount = 0,
        PartBytes = 0,
    };

    // A study's own resources, by type.
    private static Dictionary<string, List<string>> Extras(ExportRequest request)
    {
        var byType = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var reference in request.Extra ?? [])
        {
            var slash = reference.IndexOf('/');
            var type = reference[..slash];
            if (!request.Types.Contains(type))
            {
                continue;
            }
            if (!byType.TryGetValue(type, out var ids))
            {
                byType[type] = ids = [];
            }
            ids.Add(reference[(slash + 1)..]);
        }
        return byType;
    }

    // The X-Progress denominator: the matches of every search, counted once when the export starts.
    private async Task<long> CountAsync(IResourceReader reader, ExportRequest request, CancellationToken ct)
    {
        long total = request.Extra?.Count ?? 0;
        foreach (var type in request.Types)
        {
            foreach (var query in ExportQueries.For(type, request, context))
            {
                total += await reader.CountAsync(query, ct);
            }
        }
        return total;
    }

    private async Task<ExportFile> WriteNotesAsync(string jobId, IReadOnlyList<ExportNote> notes)
    {
        var name = ExportState.FileName("OperationOutcome", 1);
        await using var stream = files.OpenForWrite(jobId, name, 0);
        foreach (var note in notes)
        {
            await stream.WriteAsync(OperationOutcomes.Serialize([Issue.Warning(IssueType.NotSupported, note.Message, note.Parameter)]));
            stream.WriteByte((byte)'\n');
        }
        stream.Flush(flushToDisk: true);
        return new ExportFile("OperationOutcome", name, notes.Count);
    }

    // Cancelled (or deleted): the files go. Taken over by another runner: they are that runner's now.
    private async Task<bool> StoppedAsync(JobRecord job, ExportState state)
    {
        var current = await context.Store.GetJobAsync(job.Id, CancellationToken.None);
        if (current is null || current.State == JobState.Cancelled)
        {
            files.Delete(job.Id);
            logger.LogInformation("Export {Job} was cancelled after {Count} resources; its files were removed", job.Id, state.Done);
        }
        else
        {
            logger.LogInformation("Export {Job} stopped after {Count} resources: taken over by another runner", job.Id, state.Done);
        }
        return false;
    }

    // The client's export is in the audit trail when it asks (the kick-off), when it polls and downloads (those requests),
    // and here, when the data it was given was produced.
    private async Task AuditAsync(JobRecord job, ExportRequest request, ExportState state)
    {
        if (!audit.Enabled)
        {
            return;
        }
        var summary = string.Join(", ", state.Files.GroupBy(f => f.Type).Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Sum(f => f.Count)}")));
        var record = new AuditContext(audit, context.Clock.GetUtcNow(), request.Grant.ClientId, request.Grant.Scopes, "JOB", "/fhir/" + BulkPaths.Status(job.Id),
            string.Create(CultureInfo.InvariantCulture, $"export completed: {state.Done} resources in {state.Files.Count} files ({summary}); request {request.Request}"))
        {
            Interaction = "operation",
        };
        try
        {
            await audit.RecordAsync(record, 200);
        }
        catch (Exception e)
        {
            logger.LogError(e, "The audit event of export {Job}'s completion could not be stored", job.Id);
        }
    }
}
