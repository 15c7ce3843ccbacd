using System.Globalization;
using System.Text.Json;
using Fhir.Core.Outcomes;
using Fhir.Server.Outcomes;
using Fhir.Server.Pipeline;
using Fhir.Storage;

namespace Fhir.Server.Bundles;

/// <summary>
/// Writes a Bundle straight to JSON, copying each stored resource's bytes in as they are: a
/// search or history page never parses the resources it returns. <see cref="Length"/> is what has been
/// written so far, for the response size limit (<see cref="FhirServerOptions.MaxResponseBytes"/>).
/// </summary>
internal sealed class BundleWriter : IDisposable
{
    private readonly BundleBuffer _buffer;
    private readonly Utf8JsonWriter _json;
    private readonly string _baseUrl;
    private bool _entriesOpen;

    /// <param name="type">The Bundle type.</param>
    /// <param name="baseUrl">The FHIR base, for full URLs.</param>
    /// <param name="total">The total of a searchset, when counted.</param>
    /// <param name="links">The paging links.</param>
    /// <param name="sizeHint">The expected size: a page of known resources is written into one buffer of about that
    /// size rather than one that doubles its way there (tens of megabytes of discarded buffers for a large page).</param>
    /// <param name="sizeLimit">The size the Bundle should stay within (its buffer does not double past it).</param>
    public BundleWriter(
        string type, string baseUrl, long? total = null, IReadOnlyList<(string Relation, string Url)>? links = null, long sizeHint = 4096, long sizeLimit = long.MaxValue)
    {
        _buffer = new BundleBuffer((int)Math.Clamp(sizeHint, 4096, Array.MaxLength), sizeLimit);
        _baseUrl = baseUrl;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
        _json.WriteStartObject();
        _json.WriteString("resourceType", "Bundle");
        _json.WriteString("id", Guid.NewGuid().ToString("D"));
        _json.WriteStartObject("meta");
        _json.WriteString("lastUpdated", ResourceWriter.FormatInstant(DateTimeOffset.UtcNow));
        _json.WriteEndObject();
        _json.WriteString("type", type);
        if (total is { } t)
        {
            _json.WriteNumber("total", t);
        }
        if (links is { Count: > 0 })
        {
            _json.WriteStartArray("link");
            foreach (var (relation, url) in links)
            {
                _json.WriteStartObject();
                _json.WriteString("relation", relation);
                _json.WriteString("url", url);
                _json.WriteEndObject();
            }
            _json.WriteEndArray();
        }
    }

    /// <summary>A search match (or include) entry.</summary>
    public void AddSearchEntry(ResourceVersion resource, string mode = "match")
    {
        StartEntry();
        _json.WriteString("fullUrl", FullUrl(resource.Type, resource.Id));
        _json.WritePropertyName("resource");
        _json.WriteRawValue(resource.Json.Span, skipInputValidation: true);
        _json.WriteStartObject("search");
        _json.WriteString("mode", mode);
        _json.WriteEndObject();
        _json.WriteEndObject();
    }

    /// <summary>A search match entry whose <c>search</c> carries extensions (url and a code or string value each), e.g. <c>$candidates</c>' reasons.</summary>
    public void AddSearchEntry(ResourceVersion resource, IReadOnlyList<(string Url, string ValueName, string Value)> extensions)
    {
        StartEntry();
        _json.WriteString("fullUrl", FullUrl(resource.Type, resource.Id));
        _json.WritePropertyName("resource");
        _json.WriteRawValue(resource.Json.Span, skipInputValidation: true);
        _json.WriteStartObject("search");
        if (extensions.Count > 0)
        {
            _json.WriteStartArray("extension");
            foreach (var (url, valueName, value) in extensions)
            {
                _json.WriteStartObject();
                _json.WriteString("url", url);
                _json.WriteString(valueName, value);
                _json.WriteEndObject();
            }
            _json.WriteEndArray();
        }
        _json.WriteString("mode", "match");
        _json.WriteEndObject();
        _json.WriteEndObject();
    }

    /// <summary>An OperationOutcome entry with search mode <c>outcome</c> (warnings about the search itself).</summary>
    public void AddOutcomeEntry(IReadOnlyList<Issue> issues)
    {
        StartEntry();
        _json.WritePropertyName("resource");
        OperationOutcomes.Write(_json, issues);
        _json.WriteStartObject("search");
        _json.WriteString("mode", "outcome");
        _json.WriteEndObject();
        _json.WriteEndObject();
    }

    /// <summary>A history entry: the version (absent for a delete), how it was made, and its response.</summary>
    public void AddHistoryEntry(ResourceVersion version)
    {
        StartEntry();
        _json.WriteString("fullUrl", FullUrl(version.Type, version.Id));
        if (!version.IsDeleted)
        {
            _json.WritePropertyName("resource");
            _json.WriteRawValue(version.Json.Span, skipInputValidation: true);
        }
        _json.WriteStartObject("request");
        _json.WriteString("method", version.Method switch
        {
            WriteMethod.Create => "POST",
            WriteMethod.Delete => "DELETE",
            WriteMethod.Patch => "PATCH",
            _ => "PUT",
        });
        _json.WriteString("url", version.Method == WriteMethod.Create ? version.Type : $"{version.Type}/{version.Id}");
        _json.WriteEndObject();
        _json.WriteStartObject("response");
        _json.WriteString("status", version.Method switch { WriteMethod.Create => "201", WriteMethod.Delete => "204", _ => "200" });
        _json.WriteString("etag", ETag(version.VersionId.ToString(CultureInfo.InvariantCulture)));
        _json.WriteString("lastModified", ResourceWriter.FormatInstant(version.LastUpdated));
        _json.WriteEndObject();
        _json.WriteEndObject();
    }

    /// <summary>The bytes of JSON written so far.</summary>
    public long Length => _json.BytesCommitted + _json.BytesPending;

    /// <summary>
    /// A batch or transaction response entry. <paramref name="note"/>, when given, goes into the entry's
    /// <c>response.outcome</c> (why the resource was left out), whatever the preference.
    /// </summary>
    public void AddResponseEntry(Http.FhirResponse response, Http.ReturnPreference preference, IReadOnlyList<Issue>? note = null)
    {
        StartEntry();
        if (response.Location is { } location)
        {
            var slash = location.IndexOf("/_history/", StringComparison.Ordinal);
            _json.WriteString("fullUrl", $"{_baseUrl}/{(slash < 0 ? location : location[..slash])}");
        }
        var outcome = response.IsError || preference == Http.ReturnPreference.OperationOutcome || note is not null || response.ReportIssues;
        if (!response.IsError && !response.Body.IsEmpty && preference == Http.ReturnPreference.Representation)
        {
            _json.WritePropertyName("resource");
            _json.WriteRawValue(response.Body.Span, skipInputValidation: true);
        }
        _json.WriteStartObject("response");
        _json.WriteString("status", StatusText(response.Status));
        if (response.Location is not null)
        {
            _json.WriteString("location", response.Location);
        }
        if (response.VersionId is not null)
        {
            _json.WriteString("etag", ETag(response.VersionId));
        }
        if (response.LastModified is { } modified)
        {
            _json.WriteString("lastModified", ResourceWriter.FormatInstant(modified));
        }
        if (outcome)
        {
            _json.WritePropertyName("outcome");
            OperationOutcomes.Write(_json, note is null ? response.Issues : [.. response.Issues, .. note]);
        }
        _json.WriteEndObject();
        _json.WriteEndObject();
    }

    /// <summary>Closes the Bundle and returns its JSON: the writer's own buffer, not a copy (a page may be tens of megabytes).</summary>
    public ReadOnlyMemory<byte> Finish()
    {
        if (_entriesOpen)
        {
            _json.WriteEndArray();
        }
        _json.WriteEndObject();
        _json.Flush();
        return _buffer.WrittenMemory;
    }

    public void Dispose() => _json.Dispose();

    public static string ETag(string versionId) => $"W/\"{versionId}\"";

    private string FullUrl(string type, string id) => $"{_baseUrl}/{type}/{id}";

    private void StartEntry()
    {
        if (!_entriesOpen)
        {
            _json.WriteStartArray("entry");
            _entriesOpen = true;
        }
        _json.WriteStartObject();
    }

    private static string StatusText(int status) => status switch
    {
        200 => "200 OK",
        201 => "201 Created",
        204 => "204 No Content",
        304 => "304 Not Modified",
        400 => "400 Bad Request",
        404 => "404 Not Found",
        405 => "405 Method Not Allowed",
        409 => "409 Conflict",
        410 => "410 Gone",
        412 => "412 Precondition Failed",
        413 => "413 Content Too Large",
        415 => "415 Unsupported Media Type",
        422 => "422 Unprocessable Entity",
        _ => status.ToString(CultureInfo.InvariantCulture),
    };
}
