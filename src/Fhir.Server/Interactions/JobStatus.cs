using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Fhir.Core.Outcomes;
using Fhir.Server.Http;
using Fhir.Server.Jobs;
using Fhir.Storage.Jobs;

namespace Fhir.Server.Interactions;

/// <summary>
/// The status URL of an asynchronous request (FHIR R4 Asynchronous Request Pattern, §3.1.6):
/// <c>GET [base]/_jobs/[id]</c> answers 202 with <c>X-Progress</c> while the job is queued or
/// running, 200 with a Parameters result once it completed, 500 with an OperationOutcome when it
/// failed; <c>DELETE</c> cancels it (202), after which the URL answers 404.
/// </summary>
internal static class JobStatus
{
    public static async Task<FhirResponse> GetAsync(string id, ServerContext context, CancellationToken ct)
    {
        var job = await Find(id, context, ct);
        if (job is null || job.State == JobState.Cancelled)
        {
            return FhirResponse.Error(404, IssueType.NotFound, job is null ? $"There is no job '{id}'." : $"Job '{id}' was cancelled.");
        }
        return job.State switch
        {
            JobState.Queued or JobState.Running => new FhirResponse(202)
            {
                Headers = [new("X-Progress", Progress(job)), new("Retry-After", "1")],
                Issues = [Issue.Information(IssueType.Informational, $"Job {job.Id} ({job.Kind}) is {(job.State == JobState.Queued ? "queued" : "running")}: {Progress(job)}.")],
            },
            JobState.Completed => new FhirResponse(200) { Body = Result(job) },
            _ => FhirResponse.Error(500, IssueType.Exception, $"Job {job.Id} ({job.Kind}) failed: {job.Error}"),
        };
    }

    public static async Task<FhirResponse> CancelAsync(string id, ServerContext context, CancellationToken ct)
    {
        if (await Find(id, context, ct) is null)
        {
            return FhirResponse.Error(404, IssueType.NotFound, $"There is no job '{id}'.");
        }
        if (await context.Store.CancelJobAsync(id, context.Clock.GetUtcNow(), ct))
        {
            return new FhirResponse(202) { Issues = [Issue.Information(IssueType.Informational, $"Job {id} was cancelled.")] };
        }
        var job = await context.Store.GetJobAsync(id, ct);
        return job is null
            ? FhirResponse.Error(404, IssueType.NotFound, $"There is no job '{id}'.")
            : FhirResponse.Error(409, IssueType.Conflict, $"Job {id} has already ended ({job.State.ToString().ToLowerInvariant()}).");
    }

    // The server's own jobs. A bulk export or import belongs to the client that started it: its status is _bulk/[id], for that client only.
    private static async Task<JobRecord?> Find(string id, ServerContext context, CancellationToken ct) =>
        await context.Store.GetJobAsync(id, ct) is { Kind: not (Bulk.ExportRequest.Kind or Bulk.ImportRequest.Kind) } job ? job : null;

    /// <summary>The kick-off answer: 202 Accepted with the status URL in Content-Location.</summary>
    public static FhirResponse Accepted(JobRecord job) => new(202)
    {
        ContentLocation = JobQueue.StatusPath(job.Id),
        Issues = [Issue.Information(IssueType.Informational, $"Job {job.Id} ({job.Kind}) was queued; its status is at {JobQueue.StatusPath(job.Id)}.")],
    };

    private static string Progress(JobRecord job) => job.Total is { } total and > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Min(job.Done, total)} of {total} ({Math.Min(100, job.Done * 100 / total)}%)")
        : string.Create(CultureInfo.InvariantCulture, $"{job.Done} done");

    // A Parameters resource: what the job was, and its figures.
    private static byte[] Result(JobRecord job)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("resourceType", "Parameters");
            json.WriteStartArray("parameter");
            Parameter(json, "id", "valueString", job.Id);
            Parameter(json, "kind", "valueString", job.Kind);
            Parameter(json, "status", "valueCode", "completed");
            Parameter(json, "done", "valueInteger", job.Done);
            if (job.Total is { } total) Parameter(json, "total", "valueInteger", total);
            if (job.Started is { } started) Parameter(json, "started", "valueInstant", Pipeline.ResourceWriter.FormatInstant(started));
            if (job.Finished is { } finished) Parameter(json, "finished", "valueInstant", Pipeline.ResourceWriter.FormatInstant(finished));
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Parameter(Utf8JsonWriter json, string name, string valueName, string value)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteString(valueName, value);
        json.WriteEndObject();
    }

    private static void Parameter(Utf8JsonWriter json, string name, string valueName, long value)
    {
        json.WriteStartObject();
        json.WriteString("name", name);
        // valueInteger is 32-bit in FHIR; counts beyond it are clamped rather than made invalid.
        json.WriteNumber(valueName, Math.Min(value, int.MaxValue));
        json.WriteEndObject();
    }
}
