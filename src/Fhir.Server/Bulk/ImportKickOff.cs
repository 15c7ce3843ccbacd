using System.Text.Json;
using Fhir.Core.Outcomes;
using Fhir.Server.Http;
using Fhir.Server.Jobs;
using Fhir.Server.Security;
using Fhir.Storage.Jobs;

namespace Fhir.Server.Bulk;

/// <summary>
/// <c>POST [base]/$import</c> with <c>Prefer: respond-async</c>: bulk ingest as an asynchronous job, after the draft Bulk
/// Data Import proposal (smart-on-fhir/bulk-import). Two bodies are taken:
/// <list type="bullet">
/// <item>the draft's JSON manifest (<c>application/json</c>): <c>inputFormat</c> (<c>application/fhir+ndjson</c>),
/// <c>inputSource</c>, <c>storageDetail</c> (<c>https</c>) and <c>input[]</c> of <c>type</c> and <c>url</c>; a URL is
/// one of this client's export files on this server, or lies under <see cref="ImportOptions.AllowedSources"/>;</item>
/// <item>NDJSON itself (<c>application/fhir+ndjson</c>), staged on disk as it arrives (<c>?type=</c> says what it holds,
/// <c>?inputSource=</c> as in the manifest).</item>
/// </list>
/// Answers 202 with the status URL (<c>[base]/_bulk/[id]</c>) in <c>Content-Location</c>. The job validates and indexes
/// every resource as any other write, through the client's own access gate (<see cref="ImportJob"/>).
/// </summary>
internal static class ImportKickOff
{
    private static readonly string[] NdjsonTypes = [ExportParameters.Ndjson, "application/ndjson", "application/x-ndjson"];
    private const string UploadName = "upload.001.ndjson";

    public static async Task<FhirResponse> HandleAsync(
        FhirRequest request, ServerContext context, JobQueue queue, BulkFolders folders, ImportOptions options, CancellationToken ct)
    {
        if (!request.Conditions.RespondAsync)
        {
            return FhirResponse.Error(400, IssueType.Invalid, "$import runs asynchronously: send the header 'Prefer: respond-async'.");
        }
        var folder = Guid.NewGuid().ToString("N");
        var url = $"{request.BaseUrl}/{request.RelativeUrl}";
        List<ImportInput> inputs;
        string? inputSource;
        if (NdjsonTypes.Contains(request.ContentType))
        {
            var type = request.QueryValue("type");
            if (type is not null && !context.Definitions.IsResourceType(type))
            {
                return FhirResponse.Error(400, IssueType.Invalid, $"'{type}' is not a resource type of FHIR R4.", "type");
            }
            if (type is not null && Denied(request.Access, type) is { } denied)
            {
                return denied;
            }
            if (await StageAsync(request, folders.Import, folder, options, ct) is { } tooLarge)
            {
                return tooLarge;
            }
            inputs = [new ImportInput(url, type, ImportSourceKind.Upload, UploadName)];
            inputSource = request.QueryValue("inputSource");
        }
        else if (request.ContentType is "application/json" or ContentNegotiation.FhirJson)
        {
            var (manifest, error) = await ReadManifestAsync(request, context, folders, options, ct);
            if (error is not null)
            {
                return error;
            }
            (inputs, inputSource) = manifest!.Value;
        }
        else
        {
            return FhirResponse.Error(415, IssueType.NotSupported,
                $"$import takes the Bulk Import JSON manifest (application/json) or NDJSON ({ExportParameters.Ndjson}), not '{request.ContentType ?? "(no Content-Type)"}'.");
        }

        var import = new ImportRequest
        {
            Folder = folder,
            Request = url,
            TransactionTime = context.Clock.GetUtcNow(),
            InputSource = inputSource,
            Inputs = inputs,
            Grant = DelegatedGrant.Of(request.Access),
        };
        return await BulkStatus.AcceptAsync(request, queue, ImportRequest.Kind, import.ToJson(), $"import of {inputs.Count} input(s)", ct);
    }

    // The NDJSON body to disk as it comes: never more of it in memory than a buffer.
    private static async Task<FhirResponse?> StageAsync(FhirRequest request, BulkFiles files, string folder, ImportOptions options, CancellationToken ct)
    {
        if (request.BodyStream is not { } body)
        {
            return FhirResponse.Error(400, IssueType.Required, "The request has no body.");
        }
        var buffer = new byte[1 << 16];
        long total = 0;
        await using (var file = files.OpenForWrite(folder, UploadName, 0))
        {
            int read;
            while ((read = await body.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > options.MaxUploadBytes)
                {
                    break;
                }
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }
        if (total > options.MaxUploadBytes)
        {
            files.Delete(folder);
            return FhirResponse.Error(413, IssueType.TooCostly, $"The NDJSON body is larger than Import:MaxUploadBytes ({options.MaxUploadBytes} bytes).");
        }
        if (total == 0)
        {
            files.Delete(folder);
            return FhirResponse.Error(400, IssueType.Required, "The NDJSON body is empty.");
        }
        return null;
    }

    private static async Task<((List<ImportInput>, string?)?, FhirResponse?)> ReadManifestAsync(
        FhirRequest request, ServerContext context, BulkFolders folders, ImportOptions options, CancellationToken ct)
    {
        // A manifest is small: it is held to the size of any other FHIR body (Fhir:MaxRequestBodyBytes), unlike NDJSON.
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 14];
        int read;
        while (request.BodyStream is { } body && (read = await body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > context.Options.MaxRequestBodyBytes)
            {
                return (null, FhirResponse.Error(413, IssueType.TooCostly, $"The manifest is larger than the limit of {context.Options.MaxRequestBodyBytes} bytes."));
            }
            buffer.Write(chunk, 0, read);
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            return (null, FhirResponse.Error(400, IssueType.Structure, $"The manifest is not well-formed JSON: {e.Message}"));
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, FhirResponse.Error(400, IssueType.Structure, "The manifest must be a JSON object."));
            }
            var format = Text(root, "inputFormat");
            if (format is null || !NdjsonTypes.Contains(format, StringComparer.OrdinalIgnoreCase))
            {
                return (null, FhirResponse.Error(400, IssueType.NotSupported, $"inputFormat must be {ExportParameters.Ndjson}, not '{format ?? "(none)"}'.", "inputFormat"));
            }
            if (root.TryGetProperty("storageDetail", out var storage) && Text(storage, "type") is { } storageType && storageType != "https")
            {
                return (null, FhirResponse.Error(400, IssueType.NotSupported, $"storageDetail.type '{storageType}' is not supported: inputs are fetched over https (or http).", "storageDetail.type"));
            }
            if (!root.TryGetProperty("input", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            {
                return (null, FhirResponse.Error(400, IssueType.Required, "The manifest needs a non-empty 'input' array of {type, url}.", "input"));
            }
            var inputs = new List<ImportInput>();
            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                var at = $"input[{index++}]";
                var type = Text(item, "type");
                var url = Text(item, "url");
                if (type is null || !context.Definitions.IsResourceType(type))
                {
                    return (null, FhirResponse.Error(400, IssueType.Invalid, $"{at}.type must be a resource type, not '{type ?? "(none)"}'.", at + ".type"));
                }
                if (Denied(request.Access, type) is { } denied)
                {
                    return (null, denied);
                }
                if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out _))
                {
                    return (null, FhirResponse.Error(400, IssueType.Invalid, $"{at}.url must be an absolute URL.", at + ".url"));
                }
                var (input, refused) = await ResolveAsync(request, context, folders, options, url, type, at, ct);
                if (refused is not null)
                {
                    return (null, refused);
                }
                inputs.Add(input!);
            }
            return ((inputs, Text(root, "inputSource")), null);
        }
    }

    // This client's export files are read from disk; other URLs only under an allowed prefix, so that the server fetches
    // nothing a client merely names.
    private static async Task<(ImportInput?, FhirResponse?)> ResolveAsync(
        FhirRequest request, ServerContext context, BulkFolders folders, ImportOptions options, string url, string type, string at, CancellationToken ct)
    {
        var own = request.BaseUrl + "/_bulk/";
        if (url.StartsWith(own, StringComparison.Ordinal))
        {
            var parts = url[own.Length..].Split('/');
            var job = parts.Length == 2 ? await context.Store.GetJobAsync(parts[0], ct) : null;
            if (job is not { Kind: ExportRequest.Kind, State: JobState.Completed } || !ExportKickOff.IsClients(job, request.Access)
                || !ExportState.FromJson(job.Cursor).Files.Any(f => f.Name == parts[1]) || folders.Export.Find(job.Id, parts[1]) is null)
            {
                return (null, FhirResponse.Error(400, IssueType.NotFound, $"{at}.url names no file of a completed export of this client: {url}", at + ".url"));
            }
            return (new ImportInput(url, type, ImportSourceKind.Export, job.Id + "/" + parts[1]), null);
        }
        if (options.AllowedSources.Any(prefix => url.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return (new ImportInput(url, type, ImportSourceKind.Remote, url), null);
        }
        return (null, FhirResponse.Error(400, IssueType.Forbidden,
            $"{at}.url is not a source this server fetches from: use this server's export files, upload NDJSON as the body, or have the administrator list the source in Import:AllowedSources.", at + ".url"));
    }

    // A client that cannot write a type is refused before anything is staged (the job checks each resource again).
    private static FhirResponse? Denied(AccessGrant grant, string type) =>
        grant.Decide(type, Permissions.Create) == AccessDecision.Denied && grant.Decide(type, Permissions.Update) == AccessDecision.Denied
            ? InteractionAccess.Forbidden(grant, type, Permissions.Create | Permissions.Update)
            : null;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
