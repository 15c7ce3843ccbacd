using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Fhir.Core.Outcomes;
using Fhir.Server.Http;
using Fhir.Server.Security;
using Fhir.Storage.Jobs;
using Microsoft.Net.Http.Headers;

namespace Fhir.Server.Bulk;

/// <summary>
/// The status URL of a bulk job and its files (FHIR Bulk Data Access 2.0.0, §Bulk Data Status Request, Delete Request
/// and Output File Request; the draft Bulk Import's status likewise). Only the client that started a job sees it: for
/// any other it does not exist (404). <c>GET [base]/_bulk/[id]</c>: 202 with <c>X-Progress</c> and <c>Retry-After</c>
/// while it runs, 200 with the JSON manifest and <c>Expires</c> once complete, 500 with an OperationOutcome when it
/// failed; <c>DELETE</c>: cancels it or, complete, removes its files (202), after which the URL answers 404;
/// <c>GET [base]/_bulk/[id]/[file]</c>: one NDJSON file, with a token of the same client that may read its type.
/// </summary>
internal static class BulkStatus
{
    /// <summary>How long a client is asked to wait between polls, in seconds.</summary>
    internal const string RetryAfterSeconds = "2";

    private static readonly string[] NdjsonTypes = [ExportParameters.Ndjson, "application/ndjson", "application/x-ndjson", "application/*", "*/*"];

    /// <summary>
    /// Queues a kicked-off job and answers 202 with its status URL in <c>Content-Location</c> (the same for export and
    /// import), naming the URL in the request's audit record.
    /// </summary>
    /// <param name="request">The kick-off request.</param>
    /// <param name="queue">The job queue.</param>
    /// <param name="kind">The job's kind.</param>
    /// <param name="job">The job's request, as its JSON.</param>
    /// <param name="what">What was accepted, for the message: "The {what} was accepted".</param>
    /// <param name="ct">Cancels the enqueueing.</param>
    public static async Task<FhirResponse> AcceptAsync(FhirRequest request, Jobs.JobQueue queue, string kind, string job, string what, CancellationToken ct)
    {
        var queued = await queue.EnqueueAsync(kind, job, ct);
        var status = BulkPaths.Status(queued.Id);
        request.Audit?.AddEntity(status);
        return new FhirResponse(202)
        {
            ContentLocation = status,
            Issues = [Issue.Information(IssueType.Informational, $"The {what} was accepted; poll {request.BaseUrl}/{status} for its status.")],
        };
    }

    public static async Task<FhirResponse> GetAsync(FhirRequest request, string jobId, ServerContext context, ExportOptions options, bool tokens, CancellationToken ct)
    {
        var job = await FindAsync(request, jobId, context, ct);
        if (job is null)
        {
            return NotFound(jobId);
        }
        switch (job.State)
        {
            case JobState.Queued or JobState.Running:
                return new FhirResponse(202) { Headers = [new("X-Progress", Progress(job)), new("Retry-After", RetryAfterSeconds)] };
            case JobState.Failed:
                return FhirResponse.Error(500, IssueType.Exception, $"The {job.Kind} failed: {job.Error ?? "an unexpected error"}. Start it again; if it keeps failing, report the job id {job.Id}.");
            case JobState.Completed when Expired(job, options, context):
                return FhirResponse.Error(404, IssueType.NotFound, $"The files of {job.Kind} {job.Id} have expired; start it again.");
            case JobState.Completed:
                var expires = job.Finished!.Value + options.Retention;
                return new FhirResponse(200)
                {
                    Body = job.Kind == ExportRequest.Kind ? ExportManifest(job, request.BaseUrl, tokens) : ImportJob.Manifest(job, request.BaseUrl, tokens),
                    ContentType = "application/json",
                    Headers = [new("Expires", expires.ToString("R", CultureInfo.InvariantCulture))],
                };
            default:
                return NotFound(jobId);
        }
    }

    public static async Task<FhirResponse> DeleteAsync(FhirRequest request, string jobId, ServerContext context, BulkFolders folders, CancellationToken ct)
    {
        var job = await FindAsync(request, jobId, context, ct);
        if (job is null || job.State == JobState.Cancelled)
        {
            return NotFound(jobId);
        }
        // A running job stops at its next checkpoint and removes what it wrote meanwhile; the sweep catches any leftover.
        var done = job.IsFinished ? await context.Store.DeleteJobAsync(job.Id, ct) : await context.Store.CancelJobAsync(job.Id, context.Clock.GetUtcNow(), ct);
        if (!done)
        {
            return NotFound(jobId);
        }
        DeleteFiles(job, folders);
        return new FhirResponse(202)
        {
            Issues = [Issue.Information(IssueType.Informational, job.IsFinished ? $"The files of {job.Kind} {job.Id} were deleted." : $"{Capitalised(job.Kind)} {job.Id} was cancelled and its files deleted.")],
        };
    }

    public static async Task<FhirResponse> FileAsync(FhirRequest request, string jobId, string name, ServerContext context, BulkFolders folders, ExportOptions options, CancellationToken ct)
    {
        var job = await FindAsync(request, jobId, context, ct);
        if (job is null || job.State != JobState.Completed || Expired(job, options, context))
        {
            return FhirResponse.Error(404, IssueType.NotFound, $"There is no file '{name}' of a completed bulk job '{jobId}' for this client.");
        }
        var listed = job.Kind == ExportRequest.Kind
            ? ExportState.FromJson(job.Cursor) is var state ? state.Files.Concat(state.Errors).FirstOrDefault(f => f.Name == name) : null
            : ImportJob.ErrorFile(job, name);
        var (files, folder) = FolderOf(job, folders);
        if (listed is null || files.Find(folder, name) is not { } file)
        {
            return FhirResponse.Error(404, IssueType.NotFound, $"Bulk job {jobId} has no file '{name}'.");
        }
        if (!MayDownload(request.Access, job, listed.Type))
        {
            return InteractionAccess.Forbidden(request.Access, listed.Type, Permissions.Read);
        }
        if (!AcceptsNdjson(request.Accept))
        {
            return FhirResponse.Error(406, IssueType.NotSupported, $"Bulk Data files are {ExportParameters.Ndjson}; the Accept header asks for '{request.Accept}'.");
        }
        request.Audit?.AddEntity(BulkPaths.File(job.Id, name));
        var length = file.Length;
        return new FhirResponse(200)
        {
            ContentType = ExportParameters.Ndjson,
            ContentLength = length,
            Content = async (output, token) =>
            {
                // Opened with delete sharing: a file removed meanwhile (expired, deleted) still reads to its end.
                await using var input = new FileStream(file.FullName, new FileStreamOptions
                {
                    Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete, BufferSize = 1 << 16, Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
                });
                await input.CopyToAsync(output, 1 << 16, token);
            },
        };
    }

    /// <summary>Where a bulk job's files are: an export's in its own folder, an import's in the folder its request names.</summary>
    internal static (BulkFiles Files, string Folder) FolderOf(JobRecord job, BulkFolders folders) =>
        job.Kind == ExportRequest.Kind ? (folders.Export, job.Id) : (folders.Import, ImportRequest.FromJson(job.Request).Folder);

    /// <summary>Removes a bulk job's files.</summary>
    internal static void DeleteFiles(JobRecord job, BulkFolders folders)
    {
        var (files, folder) = FolderOf(job, folders);
        files.Delete(folder);
    }

    // The client's own job, of a bulk kind; null for anything else (another client's job does not exist for this one).
    private static async Task<JobRecord?> FindAsync(FhirRequest request, string jobId, ServerContext context, CancellationToken ct)
    {
        var job = await context.Store.GetJobAsync(jobId, ct);
        return job is { Kind: ExportRequest.Kind or ImportRequest.Kind } && ExportKickOff.IsClients(job, request.Access) ? job : null;
    }

    // The token that downloads must still allow reading the file's type (and, confined to a patient, be the same patient).
    private static bool MayDownload(AccessGrant grant, JobRecord job, string type)
    {
        if (type == "OperationOutcome")
        {
            return true;
        }
        var started = job.Kind == ExportRequest.Kind ? ExportRequest.FromJson(job.Request).Grant : ImportRequest.FromJson(job.Request).Grant;
        return grant.Decide(type, Permissions.Read) switch
        {
            AccessDecision.Allowed => true,
            AccessDecision.PatientCompartment => started.Patient == grant.PatientId && !started.Unrestricted,
            _ => false,
        };
    }

    private static bool AcceptsNdjson(string accept)
    {
        if (string.IsNullOrWhiteSpace(accept) || !MediaTypeHeaderValue.TryParseList([accept], out var types))
        {
            return true;
        }
        return types.Any(t => NdjsonTypes.Contains(t.MediaType.Value ?? "", StringComparer.OrdinalIgnoreCase));
    }

    private static bool Expired(JobRecord job, ExportOptions options, ServerContext context) =>
        job.Finished is { } finished && finished + options.Retention < context.Clock.GetUtcNow();

    private static FhirResponse NotFound(string jobId) =>
        FhirResponse.Error(404, IssueType.NotFound, $"There is no bulk job '{jobId}' for this client (it may have been deleted, cancelled or expired).");

    private static string Capitalised(string kind) => char.ToUpperInvariant(kind[0]) + kind[1..];

    private static string Progress(JobRecord job)
    {
        if (job.State == JobState.Queued)
        {
            return "queued";
        }
        if (job.Kind == ImportRequest.Kind)
        {
            return ImportJob.Progress(job);
        }
        return job.Total is { } total and > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{Math.Min(job.Done, total):N0} of {total:N0} resources ({Math.Min(99, job.Done * 100 / total)}%)")
            : string.Create(CultureInfo.InvariantCulture, $"{job.Done:N0} resources");
    }

    // The complete status body (§Response - Complete Status): transactionTime, request, requiresAccessToken, output, error.
    private static byte[] ExportManifest(JobRecord job, string baseUrl, bool tokens)
    {
        var request = ExportRequest.FromJson(job.Request);
        var state = ExportState.FromJson(job.Cursor);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("transactionTime", Pipeline.ResourceWriter.FormatInstant(request.TransactionTime));
            json.WriteString("request", request.Request);
            // Files are served by this server, to bearer tokens of the client that asked (no token at all with Auth:Mode=None).
            json.WriteBoolean("requiresAccessToken", tokens);
            WriteFiles(json, "output", job.Id, state.Files, baseUrl);
            WriteFiles(json, "error", job.Id, state.Errors, baseUrl);
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    internal static void WriteFiles(Utf8JsonWriter json, string name, string jobId, IEnumerable<ExportFile> files, string baseUrl)
    {
        json.WriteStartArray(name);
        foreach (var file in files)
        {
            json.WriteStartObject();
            json.WriteString("type", file.Type);
            json.WriteString("url", $"{baseUrl}/{BulkPaths.File(jobId, file.Name)}");
            json.WriteNumber("count", file.Count);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
