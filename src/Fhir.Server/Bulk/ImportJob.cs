using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Server.Audit;
using Fhir.Server.Http;
using Fhir.Server.Jobs;
using Fhir.Server.Outcomes;
using Fhir.Server.Pipeline;
using Fhir.Server.Security;
using Fhir.Storage;
using Fhir.Storage.Jobs;
using Fhir.Views.Input;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Bulk;

/// <summary>
/// Runs a bulk import: reads each NDJSON input line by line, and for every <see cref="ImportOptions.BatchSize"/> lines
/// parses, checks and validates the resources on every core, then stores them in one transaction through the client's
/// own access gate (<see cref="Security.DelegatedGrant"/>), with the job's cursor in the same transaction. Each resource takes
/// the path of any other write (<see cref="ResourceBody"/>, <see cref="AccessControl.Check"/>, <see cref="ResourceWriter"/>,
/// <see cref="WriteSession"/>): a resource with an id is an update (or update as create) of that id, one without gets a
/// new id. What is rejected goes, with its line and its OperationOutcome, to the input's error file.
/// </summary>
internal sealed class ImportJob(ServerContext context, BulkFolders folders, ImportOptions options, JobOptions jobOptions, AuditLog audit, ILogger<ImportJob> logger)
{
    private static readonly HttpClient Remote = new(new SocketsHttpHandler
    {
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    /// <summary>Runs <paramref name="job"/> to its end; false when it was cancelled or taken over on the way.</summary>
    public async Task<bool> RunAsync(JobRecord job, string owner, CancellationToken ct)
    {
        var request = ImportRequest.FromJson(job.Request);
        var state = ImportState.FromJson(job.Cursor, request.Inputs.Count);
        var grant = request.Grant.ToGrant();
        // The client's gate: every check and write as if the client had sent each resource itself.
        var writeRequest = new FhirRequest { Method = "POST", RelativeUrl = "$import", Access = grant, Gate = AccessGate.For(grant, context), MaxResponseBytes = context.Options.MaxResponseBytes };
        for (; state.Input < request.Inputs.Count; state = state.NextInput())
        {
            var input = request.Inputs[state.Input];
            await using var source = await OpenAsync(request, input, ct);
            await using var errors = folders.Import.OpenForWrite(request.Folder, ImportState.ErrorFileName(state.Input), state.ErrorBytes);
            // One chunk is stored while the next is parsed and validated: the transaction is the database's work (one
            // writer), the checks are the CPU's (every core), so overlapping them keeps both busy.
            Task<ImportState?>? storing = null;
            var chunk = new List<(long Line, byte[] Json)>(options.BatchSize);

            // Waits for the chunk being stored (false when the job was lost meanwhile), then starts storing the next one.
            async Task<bool> HandOverAsync(Chunk? next)
            {
                if (storing is not null)
                {
                    var stored = await storing;
                    storing = null;
                    if (stored is null)
                    {
                        return false;
                    }
                    state = stored;
                }
                if (next is not null)
                {
                    var from = state;
                    storing = Task.Run(() => StoreAsync(job, owner, writeRequest, input, from, next, errors, ct), CancellationToken.None);
                }
                return true;
            }

            try
            {
                await foreach (var (line, number) in NdjsonReader.ReadLinesAsync(source, ct))
                {
                    if (number <= state.Line)
                    {
                        continue; // done before the job was taken over
                    }
                    chunk.Add((number, line.ToArray()));
                    if (chunk.Count == options.BatchSize)
                    {
                        if (!await HandOverAsync(Prepare(writeRequest, request, input, chunk)))
                        {
                            return await StoppedAsync(job, request);
                        }
                        chunk = new List<(long Line, byte[] Json)>(options.BatchSize);
                    }
                }
                if ((chunk.Count > 0 && !await HandOverAsync(Prepare(writeRequest, request, input, chunk))) || !await HandOverAsync(null))
                {
                    return await StoppedAsync(job, request);
                }
            }
            finally
            {
                // A read that failed mid-way leaves a chunk being stored: let it end before the files close.
                if (storing is not null)
                {
                    await ((Task)storing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                }
            }
        }
        var now = context.Clock.GetUtcNow();
        if (!await context.Store.CheckpointJobAsync(new JobCheckpoint(job.Id, owner, state.ToJson(), state.Accepted + state.Rejected, null, now + jobOptions.Lease), now, ct))
        {
            return await StoppedAsync(job, request);
        }
        await AuditAsync(job, request, state);
        logger.LogInformation("Import {Job} completed: {Accepted} resources stored, {Rejected} rejected", job.Id, state.Accepted, state.Rejected);
        return true;
    }

    private sealed record Rejection(long Line, FhirResponse Response);

    private sealed record Chunk(List<(long Line, byte[] Json)> Lines, ResourceWriter.Prepared?[] Prepared, Rejection?[] Refused);

    // The checks and preparation of a chunk, on every core: parse, type, permission, validation, index and serialisation.
    private Chunk Prepare(FhirRequest writeRequest, ImportRequest request, ImportInput input, List<(long Line, byte[] Json)> lines)
    {
        var writer = new ResourceWriter(context);
        var prepared = new ResourceWriter.Prepared?[lines.Count];
        var refused = new Rejection?[lines.Count];
        Parallel.For(0, lines.Count, i =>
        {
            var (line, json) = lines[i];
            var (resource, error) = Check(writeRequest, input, json, request.InputSource, writer);
            if (error is not null)
            {
                refused[i] = new Rejection(line, error);
                return;
            }
            prepared[i] = writer.Prepare(resource!, resource!.GetString("id") ?? ServerContext.NewId(), 1, WriteMethod.Create);
        });
        return new Chunk(lines, prepared, refused);
    }

    // One prepared chunk in one transaction with the job's cursor. Null when the job was lost.
    private async Task<ImportState?> StoreAsync(
        JobRecord job, string owner, FhirRequest writeRequest, ImportInput input, ImportState state, Chunk ready, FileStream errors, CancellationToken ct)
    {
        var writer = new ResourceWriter(context);
        var (chunk, prepared, refused) = (ready.Lines, ready.Prepared, ready.Refused);
        var lost = false;
        var accepted = 0;
        var rejected = 0;
        var response = await WriteUnit.RunAsync(context, writeRequest, async (session, token) =>
        {
            // Each attempt starts again from the chunk (a write conflict re-runs it): the error file too.
            accepted = rejected = 0;
            errors.SetLength(state.ErrorBytes);
            errors.Position = state.ErrorBytes;
            for (var i = 0; i < chunk.Count; i++)
            {
                var rejection = refused[i];
                if (prepared[i] is { } ready)
                {
                    try
                    {
                        var current = await session.ReadForUpdateAsync(ready.Version.Type, ready.Version.Id, token);
                        var isNew = current is null || current.IsDeleted;
                        await ResourceWriter.StoreAsync(session, writer.Restamp(ready, (current?.VersionId ?? 0) + 1, isNew ? WriteMethod.Create : WriteMethod.Update), token);
                        accepted++;
                        continue;
                    }
                    catch (AccessDeniedException denied)
                    {
                        rejection = new Rejection(chunk[i].Line, denied.Response);
                    }
                }
                rejected++;
                await WriteRejectionAsync(errors, input, rejection!, token);
            }
            errors.Flush(flushToDisk: true);
            var next = state.After(chunk[^1].Line, errors.Position, accepted, rejected);
            var now = context.Clock.GetUtcNow();
            if (!await session.CheckpointJobAsync(new JobCheckpoint(job.Id, owner, next.ToJson(), next.Accepted + next.Rejected, null, now + jobOptions.Lease), now, token))
            {
                lost = true;
                return FhirResponse.Error(409, IssueType.Conflict, "The import job was cancelled or taken over.");
            }
            return new FhirResponse(200);
        }, ct);
        if (lost || response.IsError)
        {
            if (!lost)
            {
                // Conflicts kept winning: fail the job rather than skip the chunk.
                throw new InvalidOperationException($"A chunk of {input.Url} could not be stored: {response.Issues.FirstOrDefault()?.Message}");
            }
            return null;
        }
        return state.After(chunk[^1].Line, errors.Position, accepted, rejected);
    }

    // Parse, type, permission, meta.source and validation: what a create or update would check before its transaction.
    private (ElementNode? Resource, FhirResponse? Error) Check(FhirRequest writeRequest, ImportInput input, byte[] json, string? inputSource, ResourceWriter writer)
    {
        var entry = writeRequest with { Body = json };
        if (!ResourceBody.TryParse(entry, context, input.Type, out var resource, out var error))
        {
            return (null, error);
        }
        var type = resource.Type.Name;
        var id = resource.GetString("id");
        if (id is not null && !FhirHttp.IsValidId(id))
        {
            return (null, FhirResponse.Error(400, IssueType.Invalid, $"'{id}' is not a valid resource id.", type + ".id"));
        }
        var target = entry with
        {
            Method = id is null ? "POST" : "PUT",
            ResourceType = type,
            Id = id,
            RelativeUrl = id is null ? type : $"{type}/{id}",
            Body = default,
        };
        if (AccessControl.Check(target, context) is { } denied)
        {
            return (null, denied);
        }
        if (inputSource is not null && resource.Child("meta")?.Child("source") is null)
        {
            resource.GetOrAddComplex("meta").SetPrimitive("source", inputSource);
        }
        return writer.Validate(resource, out _) is { } invalid ? (null, invalid) : (resource, null);
    }

    private static async Task WriteRejectionAsync(FileStream errors, ImportInput input, Rejection rejection, CancellationToken ct)
    {
        var where = string.Create(CultureInfo.InvariantCulture, $"line {rejection.Line} of {input.Url}");
        IReadOnlyList<Issue> issues = [.. rejection.Response.Issues.Select(i => i with { Message = $"{where} (HTTP {rejection.Response.Status}): {i.Message}" })];
        await errors.WriteAsync(OperationOutcomes.Serialize(issues), ct);
        errors.WriteByte((byte)'\n');
    }

    private async Task<Stream> OpenAsync(ImportRequest request, ImportInput input, CancellationToken ct)
    {
        switch (input.Kind)
        {
            case ImportSourceKind.Upload:
                return NdjsonReader.Open(folders.Import.Find(request.Folder, input.Location)?.FullName
                    ?? throw new InvalidOperationException($"The upload of import {request.Folder} is gone."));
            case ImportSourceKind.Export:
                var slash = input.Location.IndexOf('/');
                return NdjsonReader.Open(folders.Export.Find(input.Location[..slash], input.Location[(slash + 1)..])?.FullName
                    ?? throw new InvalidOperationException($"The export file {input.Url} is gone (expired or deleted)."));
            default:
                var response = await Remote.GetAsync(input.Location, HttpCompletionOption.ResponseHeadersRead, ct);
                if (!response.IsSuccessStatusCode)
                {
                    response.Dispose();
                    throw new InvalidOperationException($"{input.Url} could not be fetched: HTTP {(int)response.StatusCode}.");
                }
                var body = await response.Content.ReadAsStreamAsync(ct);
                return input.Location.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) && response.Content.Headers.ContentEncoding.Count == 0
                    ? new System.IO.Compression.GZipStream(body, System.IO.Compression.CompressionMode.Decompress)
                    : body;
        }
    }

    private async Task<bool> StoppedAsync(JobRecord job, ImportRequest request)
    {
        var current = await context.Store.GetJobAsync(job.Id, CancellationToken.None);
        if (current is null || current.State == JobState.Cancelled)
        {
            folders.Import.Delete(request.Folder);
            logger.LogInformation("Import {Job} was cancelled; what it stored stays, its upload and reports were removed", job.Id);
        }
        return false;
    }

    private async Task AuditAsync(JobRecord job, ImportRequest request, ImportState state)
    {
        if (!audit.Enabled)
        {
            return;
        }
        var record = new AuditContext(audit, context.Clock.GetUtcNow(), request.Grant.ClientId, request.Grant.Scopes, "JOB", "/fhir/" + BulkPaths.Status(job.Id),
            string.Create(CultureInfo.InvariantCulture, $"import completed: {state.Accepted} resources stored, {state.Rejected} rejected, from {string.Join(", ", request.Inputs.Select(i => i.Url))}"))
        {
            Interaction = "operation",
        };
        try
        {
            await audit.RecordAsync(record, 200);
        }
        catch (Exception e)
        {
            logger.LogError(e, "The audit event of import {Job}'s completion could not be stored", job.Id);
        }
    }

    /// <summary>The <c>X-Progress</c> of a running import.</summary>
    public static string Progress(JobRecord job)
    {
        var request = ImportRequest.FromJson(job.Request);
        var state = ImportState.FromJson(job.Cursor, request.Inputs.Count);
        return string.Create(CultureInfo.InvariantCulture,
            $"{state.Accepted:N0} stored, {state.Rejected:N0} rejected; input {Math.Min(state.Input + 1, request.Inputs.Count)} of {request.Inputs.Count}");
    }

    /// <summary>The error file <paramref name="name"/> of a completed import, as the status lists it; null when it has none such.</summary>
    public static ExportFile? ErrorFile(JobRecord job, string name)
    {
        var request = ImportRequest.FromJson(job.Request);
        var state = ImportState.FromJson(job.Cursor, request.Inputs.Count);
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            if (state.Counts[i].Rejected > 0 && ImportState.ErrorFileName(i) == name)
            {
                return new ExportFile("OperationOutcome", name, state.Counts[i].Rejected);
            }
        }
        return null;
    }

    /// <summary>
    /// The complete status of an import (draft Bulk Import): <c>transactionTime</c>, <c>request</c>, one <c>output</c> item
    /// per input with the resources stored, and an <c>error</c> item per input that had rejections, with its file.
    /// </summary>
    public static byte[] Manifest(JobRecord job, string baseUrl, bool tokens)
    {
        var request = ImportRequest.FromJson(job.Request);
        var state = ImportState.FromJson(job.Cursor, request.Inputs.Count);
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("transactionTime", ResourceWriter.FormatInstant(request.TransactionTime));
            json.WriteString("request", request.Request);
            json.WriteBoolean("requiresAccessToken", tokens);
            json.WriteStartArray("output");
            for (var i = 0; i < request.Inputs.Count; i++)
            {
                json.WriteStartObject();
                json.WriteString("type", "OperationOutcome");
                json.WriteString("inputUrl", request.Inputs[i].Url);
                json.WriteNumber("count", state.Counts[i].Accepted);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("error");
            for (var i = 0; i < request.Inputs.Count; i++)
            {
                if (state.Counts[i].Rejected == 0)
                {
                    continue;
                }
                json.WriteStartObject();
                json.WriteString("type", "OperationOutcome");
                json.WriteString("inputUrl", request.Inputs[i].Url);
                json.WriteNumber("count", state.Counts[i].Rejected);
                json.WriteString("url", $"{baseUrl}/{BulkPaths.File(job.Id, ImportState.ErrorFileName(i))}");
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
