using Fhir.Core.Outcomes;

namespace Fhir.Server.Http;

/// <summary>
/// The outcome of one interaction: a status, the headers FHIR defines, and a body that is either
/// a resource (already serialised) or issues. Errors are values of this type too; they become an
/// OperationOutcome over HTTP, or an entry's <c>response</c> inside a Bundle, in one place each.
/// </summary>
internal sealed record FhirResponse(int Status)
{
    /// <summary>The resource in the body (canonical JSON), or empty.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>Issues to report: the whole body when there is no resource, or an outcome beside it.</summary>
    public IReadOnlyList<Issue> Issues { get; init; } = [];

    /// <summary>Location of the created or updated version, relative to the base (<c>Patient/1/_history/2</c>).</summary>
    public string? Location { get; init; }

    /// <summary>The version id for the ETag.</summary>
    public string? VersionId { get; init; }

    /// <summary>For Last-Modified.</summary>
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>Content-Location relative to the base (an async request's status URL, <c>_jobs/[id]</c>).</summary>
    public string? ContentLocation { get; init; }

    /// <summary>Other headers (<c>X-Progress</c>, <c>Retry-After</c>...); a value starting with <c>{base}</c> gets the base URL there.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>
    /// True when <see cref="Issues"/> must reach the client whatever it prefers: a Bundle entry then carries its
    /// <c>response.outcome</c> beside the resource (lenient intake's dropped elements).
    /// </summary>
    public bool ReportIssues { get; init; }

    /// <summary>The media type of a body that is not a FHIR resource (a Bulk Data manifest, an NDJSON file, a view's CSV); null for FHIR JSON.</summary>
    public string? ContentType { get; init; }

    /// <summary>
    /// Writes a body that is streamed rather than held in memory (a file), with <see cref="ContentType"/>; it runs after
    /// the request has been audited. Null for a body in <see cref="Body"/>.
    /// </summary>
    public Func<Stream, CancellationToken, Task>? Content { get; init; }

    /// <summary>The length of <see cref="Content"/>, when known.</summary>
    public long? ContentLength { get; init; }

    /// <summary>True when the body is an error outcome.</summary>
    public bool IsError => Status >= 400;

    public static FhirResponse Error(int status, IssueType code, string message, string? expression = null) =>
        new(status) { Issues = [Issue.Error(code, message, expression)] };

    public static FhirResponse Error(int status, IReadOnlyList<Issue> issues) => new(status) { Issues = issues };

    public static FhirResponse NotFound(string type, string id) =>
        Error(404, IssueType.NotFound, $"{type}/{id} is not known.");

    public static FhirResponse Gone(string type, string id, Storage.ResourceVersion tombstone) =>
        Error(410, IssueType.Deleted, $"{type}/{id} was deleted (version {tombstone.VersionId}).") with
        {
            VersionId = tombstone.VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            LastModified = tombstone.LastUpdated,
        };

    /// <summary>A response carrying a stored version: its body, ETag and Last-Modified.</summary>
    public static FhirResponse FromVersion(int status, Storage.ResourceVersion version, string? location = null) =>
        new(status)
        {
            Body = version.Json,
            VersionId = version.VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            LastModified = version.LastUpdated,
            Location = location,
        };
}
