using System.Globalization;
using System.Text.Json;
using Fhir.Core.Outcomes;
using Fhir.Server.Audit;
using Fhir.Server.Outcomes;
using Fhir.Server.Security;
using Fhir.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Fhir.Server.Http;

/// <summary>
/// The bridge between HTTP and the interactions: checks formats, size and the resource type,
/// builds a <see cref="FhirRequest"/>, and writes the <see cref="FhirResponse"/> back with FHIR's
/// headers, turning error values into OperationOutcomes. Nothing else touches HttpContext.
/// </summary>
internal static class FhirHttp
{
    private const string JsonContentType = "application/fhir+json; charset=utf-8";

    /// <summary>
    /// What kind of body an endpoint takes; a <see cref="Resource"/> or <see cref="Patch"/> body makes it a write, whose
    /// response follows <c>Prefer: return</c>. A <see cref="Stream"/> body is left unread for the interaction
    /// (<see cref="FhirRequest.BodyStream"/>), whatever its media type and size (see <see cref="AllowBody"/>).
    /// </summary>
    public enum Body { None, Resource, Patch, Form, Bundle, Stream }

    /// <summary>
    /// What an endpoint answers: FHIR JSON (406 for any other <c>Accept</c> or <c>_format</c>), or formats the interaction
    /// negotiates itself (a view's CSV or Parquet, a Bulk Data file's NDJSON, its manifest's plain JSON).
    /// </summary>
    public enum Answers { FhirJson, Negotiated }

    public static async Task Run(
        HttpContext http, ServerContext context, Body body, Func<FhirRequest, CancellationToken, Task<FhirResponse>> interaction, Answers answers = Answers.FhirJson)
    {
        context.Activity.Enter();
        try
        {
            await RunCountedAsync(http, context, body, interaction, answers);
        }
        finally
        {
            context.Activity.Exit();
        }
    }

    private static async Task RunCountedAsync(
        HttpContext http, ServerContext context, Body body, Func<FhirRequest, CancellationToken, Task<FhirResponse>> interaction, Answers answers)
    {
        var ct = http.RequestAborted;
        var (request, error) = await BuildRequestAsync(http, context, body, answers, ct);
        var audit = AuditContext.Of(http);
        FhirResponse response;
        StoreFailure? storeFailed = null;
        if (error is not null)
        {
            response = error;
        }
        else
        {
            var grant = http.Features.Get<AccessGrant>() ?? AccessGrant.Nobody;
            request = request! with { Access = grant, Gate = AccessGate.For(grant, context), Audit = audit };
            if (audit is not null)
            {
                audit.Interaction = InteractionName(request, body);
            }
            try
            {
                if (AuditIndexer.Concerns(request) && http.RequestServices.GetService(typeof(AuditIndexer)) is AuditIndexer indexer)
                {
                    // The audit trail as it stands: every event of every request answered before this one.
                    await indexer.CatchUpAsync(ct);
                }
                response = await AccessControl.RunAsync(request, context, interaction, ct);
            }
            catch (Exception e) when (StoreFailures.Classify(e) is { } failure)
            {
                storeFailed = failure;
                response = StoreFailed(failure, Stage.Request);
            }
        }
        if (audit is { Recorded: false })
        {
            // The event is stored before anything is answered: no unaudited data leaves the server. A store that
            // cannot take it answers for the request (README, "Security and audit").
            try
            {
                await audit.Log.RecordAsync(audit, response.Status);
            }
            catch (Exception e) when (storeFailed is null)
            {
                response = StoreFailures.Classify(e) is { } failure ? StoreFailed(failure, Stage.Audit)
                    : FhirResponse.Error(503, IssueType.Transient, "The request could not be audited, so it was not answered; retry later.");
            }
            catch (Exception)
            {
                // The answer to the store's failure already: its event could not be stored either.
            }
        }
        var preference = body is Body.Resource or Body.Patch ? request?.Conditions.Return ?? ReturnPreference.Representation : ReturnPreference.Representation;
        await WriteAsync(http, response, preference, request?.BaseUrl ?? BaseUrl(http, context));
    }

    private static async Task<(FhirRequest?, FhirResponse?)> BuildRequestAsync(HttpContext http, ServerContext context, Body body, Answers answers, CancellationToken ct)
    {
        var httpRequest = http.Request;
        if (answers == Answers.FhirJson && ContentNegotiation.ResponseFormat(httpRequest) is null)
        {
            return (null, FhirResponse.Error(406, IssueType.NotSupported,
                $"This server answers in FHIR JSON ({ContentNegotiation.FhirJson}) or FHIR XML ({ContentNegotiation.FhirXml}); the request accepts neither."));
        }
        var routeValues = http.Request.RouteValues;
        var type = routeValues.TryGetValue("type", out var t) ? t as string : null;
        if (type is not null && !context.Definitions.IsResourceType(type))
        {
            return (null, FhirResponse.Error(404, IssueType.NotSupported, $"'{type}' is not a resource type of FHIR R4."));
        }
        var id = routeValues.TryGetValue("id", out var i) ? i as string : null;
        if (id is not null && !IsValidId(id))
        {
            return (null, FhirResponse.Error(400, IssueType.Invalid, $"'{id}' is not a valid resource id (1-64 characters of A-Z, a-z, 0-9, '-' and '.')."));
        }

        var query = new List<KeyValuePair<string, string>>();
        foreach (var (key, values) in httpRequest.Query)
        {
            foreach (var value in values)
            {
                query.Add(new(key, value ?? ""));
            }
        }

        ReadOnlyMemory<byte> bytes = default;
        string? mediaType = null;
        if (body == Body.Stream)
        {
            mediaType = ContentNegotiation.BodyMediaType(httpRequest);
        }
        else if (body != Body.None)
        {
            if (httpRequest.ContentLength > context.Options.MaxRequestBodyBytes)
            {
                return (null, TooLarge(context));
            }
            mediaType = ContentNegotiation.BodyMediaType(httpRequest);
            var accepted = body switch
            {
                Body.Resource or Body.Bundle => ContentNegotiation.BodyFormat(mediaType) is not null,
                Body.Patch => mediaType == ContentNegotiation.JsonPatch || ContentNegotiation.BodyFormat(mediaType) is not null, // JSON Patch or FHIRPath Patch
                _ => mediaType is "application/x-www-form-urlencoded" or null,
            };
            if (!accepted)
            {
                return (null, FhirResponse.Error(415, IssueType.NotSupported, body == Body.Patch
                    ? $"PATCH takes a JSON Patch document ({ContentNegotiation.JsonPatch}) or a FHIRPath Patch Parameters resource ({ContentNegotiation.FhirJson} or {ContentNegotiation.FhirXml}), not '{httpRequest.ContentType}'."
                    : $"The body must be FHIR JSON ({ContentNegotiation.FhirJson}) or FHIR XML ({ContentNegotiation.FhirXml}), not '{httpRequest.ContentType ?? "(no Content-Type)"}'."));
            }
            if (body == Body.Form)
            {
                // Without a form body (POST _search with every parameter in the URL) there is nothing to read.
                var (form, status, refusal) = httpRequest.HasFormContentType ? await Forms.ReadAsync(httpRequest, Forms.Search(context.Options), null, ct) : (FormCollection.Empty, 200, null);
                if (form is null)
                {
                    return (null, FhirResponse.Error(status, KestrelRejections.CodeOf(status), refusal!));
                }
                foreach (var (key, values) in form)
                {
                    foreach (var value in values)
                    {
                        query.Add(new(key, value ?? ""));
                    }
                }
            }
            else
            {
                byte[]? read;
                try
                {
                    read = await ReadBodyAsync(httpRequest, context.Options.MaxRequestBodyBytes, ct);
                }
                catch (IOException e) when (e is not BadHttpRequestException { StatusCode: 413 })
                {
                    // Framing Kestrel cannot read (a chunk size beyond 64 bits is an IOException, not a bad request).
                    var status = e is BadHttpRequestException bad ? bad.StatusCode : 400;
                    return (null, FhirResponse.Error(status, KestrelRejections.CodeOf(status),
                        status == 400 ? "The request body could not be read: its framing is malformed." : KestrelRejections.MessageOf(status)));
                }
                if (read is null)
                {
                    return (null, TooLarge(context));
                }
                bytes = read;
            }
        }
        var (intake, converted) = WireBodies.Receive(http, context, body, bytes, mediaType);
        if (converted.Error is { } refused)
        {
            return (null, refused);
        }
        if (converted.Json is { } json)
        {
            bytes = json;
            mediaType = ContentNegotiation.FhirJson;
        }

        var baseUrl = BaseUrl(http, context);
        return (new FhirRequest
        {
            Method = httpRequest.Method,
            ResourceType = type,
            Id = id,
            VersionId = routeValues.TryGetValue("vid", out var v) ? v as string : null,
            Query = query,
            Body = bytes,
            BodyStream = body == Body.Stream ? httpRequest.Body : null,
            ContentType = mediaType,
            Conditions = ReadConditions(httpRequest.Headers),
            Intake = intake,
            BaseUrl = baseUrl,
            MaxResponseBytes = context.Options.MaxResponseBytes,
            Accept = httpRequest.Headers.Accept.ToString(),
            RelativeUrl = httpRequest.Path.Value is { } path && path.StartsWith("/fhir/", StringComparison.Ordinal) ? path[6..] : "",
        }, null);
    }

    /// <summary>Seconds a client is asked to wait (<c>Retry-After</c>) before retrying against a store that is down or busy.</summary>
    internal const int RetryAfterSeconds = 10;

    /// <summary>What a store failure interrupted: the request itself, or the storing of its AuditEvent.</summary>
    internal enum Stage { Request, Audit }

    /// <summary>
    /// The answer to a store failure: 507 when the store is full (a write changed nothing; a read, whose AuditEvent
    /// cannot be stored, is not answered), 503 with <c>Retry-After</c> when it is down or busy.
    /// </summary>
    internal static FhirResponse StoreFailed(StoreFailure failure, Stage stage) => failure switch
    {
        StoreFailure.Full => FhirResponse.Error(507, IssueType.NoStore, stage == Stage.Audit
            ? "The database is full, so this request could not be audited, and no data leaves this server unaudited: it was not answered. Writes and reads resume once the database has room."
            : "The database is full: nothing was written. Writes resume once the database has room."),
        _ => FhirResponse.Error(503, IssueType.Transient, stage == Stage.Audit
            ? $"The database cannot be reached, so this request could not be audited and was not answered; retry after {RetryAfterSeconds} s."
            : $"The database cannot be reached or is too busy; nothing was changed. Retry after {RetryAfterSeconds} s.")
            with { Headers = [new("Retry-After", RetryAfterSeconds.ToString(CultureInfo.InvariantCulture))] },
    };

    /// <summary>The <c>http://hl7.org/fhir/restful-interaction</c> code of a request, for the audit trail.</summary>
    private static string InteractionName(FhirRequest request, Body body) => (request.Method, body) switch
    {
        (_, Body.Bundle) => "transaction",
        _ when request.RelativeUrl.Contains("/$", StringComparison.Ordinal) || request.RelativeUrl.StartsWith('$') => "operation",
        // The status URLs and files of bulk operations.
        _ when request.RelativeUrl.StartsWith("_bulk/", StringComparison.Ordinal) => "operation",
        ("POST", Body.Form) => request.ResourceType is null ? "search-system" : "search-type",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", _) => "delete",
        _ when request.RelativeUrl == "metadata" => "capabilities",
        _ when request.VersionId is not null => "vread",
        _ when request.RelativeUrl.EndsWith("_history", StringComparison.Ordinal) =>
            request.ResourceType is null ? "history-system" : request.Id is null ? "history-type" : "history-instance",
        _ when request.Id is not null => "read",
        _ => request.ResourceType is null ? "search-system" : "search-type",
    };

    /// <summary>Writes a response with FHIR's headers; errors and <c>Prefer: return=OperationOutcome</c> become an OperationOutcome.</summary>
    public static async Task WriteAsync(HttpContext http, FhirResponse response, ReturnPreference preference, string baseUrl)
    {
        var httpResponse = http.Response;
        httpResponse.StatusCode = response.Status;
        if (response.VersionId is { } version)
        {
            httpResponse.Headers.ETag = $"W/\"{version}\"";
        }
        if (response.LastModified is { } modified)
        {
            httpResponse.Headers.LastModified = modified.ToString("R", CultureInfo.InvariantCulture);
        }
        if (response.Location is { } location && response.Status is 200 or 201)
        {
            httpResponse.Headers.Location = $"{baseUrl}/{location}";
        }
        if (response.ContentLocation is { } contentLocation)
        {
            httpResponse.Headers.ContentLocation = $"{baseUrl}/{contentLocation}";
        }
        foreach (var (name, value) in response.Headers)
        {
            httpResponse.Headers.Append(name, value.StartsWith("{base}", StringComparison.Ordinal) ? baseUrl + value[6..] : value);
        }
        if (response.Status is 204 or 304)
        {
            return;
        }
        if (response.Content is { } content && !response.IsError)
        {
            httpResponse.ContentType = response.ContentType ?? JsonContentType;
            if (response.ContentLength is { } length)
            {
                httpResponse.ContentLength = length;
            }
            await content(httpResponse.Body, http.RequestAborted);
            return;
        }

        ReadOnlyMemory<byte> body;
        if (response.IsError || (response.Body.IsEmpty && response.Issues.Count > 0))
        {
            body = OperationOutcomes.Serialize(response.Issues);
        }
        else if (preference == ReturnPreference.Minimal)
        {
            return;
        }
        else if (preference == ReturnPreference.OperationOutcome)
        {
            body = OperationOutcomes.Serialize(response.Issues);
        }
        else
        {
            body = response.Body;
        }
        if (body.IsEmpty)
        {
            return;
        }
        if (response.ContentType is { } mediaType && !response.IsError)
        {
            // Not a FHIR resource (a Bulk Data manifest, a view's CSV): sent as the interaction made it.
            httpResponse.ContentType = mediaType;
        }
        else
        {
            var (wire, contentType) = WireBodies.Send(http, body);
            body = wire;
            httpResponse.ContentType = contentType;
        }
        httpResponse.ContentLength = body.Length;
        await httpResponse.Body.WriteAsync(body, http.RequestAborted);
    }

    /// <summary>
    /// Lets one request's body be larger than <see cref="FhirServerOptions.MaxRequestBodyBytes"/> (Kestrel's limit): an
    /// endpoint that streams its body to disk enforces <paramref name="limit"/> itself.
    /// </summary>
    public static void AllowBody(HttpContext http, long limit)
    {
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
    }

    /// <summary>The base URL: configured, or this (allowed) request's scheme, host and <c>/fhir</c> (<see cref="PublicUrls"/>).</summary>
    public static string BaseUrl(HttpContext http, ServerContext context) =>
        http.RequestServices.GetRequiredService<PublicUrls>().FhirBase(http);

    private static RequestConditions ReadConditions(IHeaderDictionary headers)
    {
        var prefer = headers["Prefer"].ToString();
        return new RequestConditions
        {
            IfMatch = ETagVersion(headers.IfMatch.ToString()),
            IfNoneMatch = ETagVersion(headers.IfNoneMatch.ToString()),
            IfNoneExist = headers["If-None-Exist"] is { Count: > 0 } ine ? ine.ToString() : null,
            IfModifiedSince = DateTimeOffset.TryParse(headers.IfModifiedSince.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var since) ? since : null,
            Return = prefer.Contains("return=minimal", StringComparison.OrdinalIgnoreCase) ? ReturnPreference.Minimal
                : prefer.Contains("return=OperationOutcome", StringComparison.OrdinalIgnoreCase) ? ReturnPreference.OperationOutcome
                : ReturnPreference.Representation,
            Handling = prefer.Contains("handling=strict", StringComparison.OrdinalIgnoreCase) ? HandlingPreference.Strict : HandlingPreference.Lenient,
            RespondAsync = prefer.Contains("respond-async", StringComparison.OrdinalIgnoreCase),
            LenientAsked = prefer.Contains("handling=lenient", StringComparison.OrdinalIgnoreCase),
        };
    }

    /// <summary>The version in an ETag (<c>W/"3"</c> → <c>3</c>); also accepts a bare <c>3</c> or <c>"3"</c>.</summary>
    internal static string? ETagVersion(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }
        var text = header.Trim();
        if (text.StartsWith("W/", StringComparison.Ordinal))
        {
            text = text[2..];
        }
        return text.Trim('"');
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream(request.ContentLength is { } length and > 0 ? (int)Math.Min(length, limit) : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static FhirResponse TooLarge(ServerContext context) =>
        FhirResponse.Error(413, IssueType.TooCostly, $"The request body is larger than the limit of {context.Options.MaxRequestBodyBytes} bytes.");

    internal static bool IsValidId(string id)
    {
        if (id.Length is 0 or > 64)
        {
            return false;
        }
        foreach (var ch in id)
        {
            if (!char.IsAsciiLetterOrDigit(ch) && ch is not ('-' or '.'))
            {
                return false;
            }
        }
        return true;
    }
}
