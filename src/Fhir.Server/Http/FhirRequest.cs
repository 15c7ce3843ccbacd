using Fhir.Core.Model;

namespace Fhir.Server.Http;

/// <summary>
/// One FHIR interaction request, whether it came over HTTP or as an entry of a batch or
/// transaction Bundle: the interactions see only this, never the HttpContext.
/// </summary>
internal sealed record FhirRequest
{
    /// <summary>GET, POST, PUT, PATCH, DELETE or HEAD.</summary>
    public required string Method { get; init; }

    /// <summary>The resource type in the URL, or null for system-level requests.</summary>
    public string? ResourceType { get; init; }

    /// <summary>The logical id in the URL.</summary>
    public string? Id { get; init; }

    /// <summary>The version id in a vread URL.</summary>
    public string? VersionId { get; init; }

    /// <summary>Decoded query parameters in their order (names may repeat).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Query { get; init; } = [];

    /// <summary>The body as received (HTTP), when not already parsed.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The body as a stream, for endpoints that read it themselves as it arrives (an NDJSON upload); null otherwise.</summary>
    public Stream? BodyStream { get; init; }

    /// <summary>The body's media type without parameters (<c>application/fhir+json</c>).</summary>
    public string? ContentType { get; init; }

    /// <summary>The body already parsed (a Bundle entry's resource), or null.</summary>
    public ElementNode? Resource { get; init; }

    /// <summary>The conditional headers and preferences.</summary>
    public RequestConditions Conditions { get; init; } = RequestConditions.None;

    /// <summary>The server's base URL (<c>http://host/fhir</c>), for absolute URLs in Bundles.</summary>
    public string BaseUrl { get; init; } = "";

    /// <summary>
    /// Most bytes the response Bundle may take (<see cref="FhirServerOptions.MaxResponseBytes"/>; for a batch entry,
    /// what the batch response has left).
    /// </summary>
    public required long MaxResponseBytes { get; init; }

    /// <summary>The request URL relative to the base (<c>Patient/1</c>), for history and messages.</summary>
    public string RelativeUrl { get; init; } = "";

    /// <summary>The <c>Accept</c> header as sent (for interactions that negotiate their own formats), or empty.</summary>
    public string Accept { get; init; } = "";

    /// <summary>What the client may do (from its token); nothing unless the HTTP layer says otherwise.</summary>
    public Security.AccessGrant Access { get; init; } = Security.AccessGrant.Nobody;

    /// <summary>The gate every read and write of this request passes (the grant's view of the stored data); closed unless the HTTP layer opened it.</summary>
    public Security.AccessGate Gate { get; init; } = Security.AccessGate.Closed;

    /// <summary>The request's reads of stored data, through its <see cref="Gate"/>.</summary>
    public Fhir.Storage.IResourceReader Reader => Gate.Reader;

    /// <summary>The request's intake: strict or lenient, the body as sent and what lenient reading dropped from it.</summary>
    public Pipeline.IntakeLog Intake { get; init; } = Pipeline.IntakeLog.Strict;

    /// <summary>The request's audit record, shared by the entries of a Bundle; null when auditing is off.</summary>
    public Audit.AuditContext? Audit { get; init; }

    /// <summary>The first value of query parameter <paramref name="name"/>.</summary>
    public string? QueryValue(string name)
    {
        foreach (var (key, value) in Query)
        {
            if (key == name)
            {
                return value;
            }
        }
        return null;
    }
}

/// <summary>Conditional request headers (or their Bundle <c>entry.request</c> equivalents) and the Prefer header.</summary>
internal sealed record RequestConditions
{
    public static readonly RequestConditions None = new();

    /// <summary><c>If-Match</c>: the version the client expects to replace (from <c>W/"3"</c>).</summary>
    public string? IfMatch { get; init; }

    /// <summary><c>If-None-Match</c> (a version or <c>*</c>).</summary>
    public string? IfNoneMatch { get; init; }

    /// <summary><c>If-None-Exist</c>: the query of a conditional create.</summary>
    public string? IfNoneExist { get; init; }

    /// <summary><c>If-Modified-Since</c>.</summary>
    public DateTimeOffset? IfModifiedSince { get; init; }

    /// <summary>What the client prefers in the body of a write response.</summary>
    public ReturnPreference Return { get; init; } = ReturnPreference.Representation;

    /// <summary>How unknown search parameters are handled.</summary>
    public HandlingPreference Handling { get; init; } = HandlingPreference.Lenient;

    /// <summary><c>Prefer: respond-async</c>: the client asks for the asynchronous request pattern.</summary>
    public bool RespondAsync { get; init; }

    /// <summary>
    /// <c>Prefer: handling=lenient</c> was sent (not merely the default): Bulk Data then processes a request with parameters
    /// it cannot honour instead of refusing it, and reports them in the manifest's <c>error</c> files.
    /// </summary>
    public bool LenientAsked { get; init; }
}

/// <summary><c>Prefer: return=…</c>.</summary>
internal enum ReturnPreference { Representation, Minimal, OperationOutcome }

/// <summary><c>Prefer: handling=…</c>.</summary>
internal enum HandlingPreference { Lenient, Strict }
