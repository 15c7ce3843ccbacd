using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Fhir.Server.Http;

/// <summary>The two wire formats of FHIR this server speaks.</summary>
internal enum WireFormat { Json, Xml }

/// <summary>
/// Which formats a request may send and ask for: FHIR JSON and FHIR XML (FHIR R4 RESTful API §3.1.0.1.9). <c>_format</c>
/// wins over <c>Accept</c>; <c>Accept</c> is read with its q-values (the most preferred format this server has;
/// <c>q=0</c> excludes one); with neither, or only wildcards, the answer has the format of the request's body (JSON
/// when there is none). Anything else is refused: 406 for responses, 415 for bodies.
/// </summary>
internal static class ContentNegotiation
{
    public const string FhirJson = "application/fhir+json";
    public const string FhirXml = "application/fhir+xml";
    public const string JsonPatch = "application/json-patch+json";

    /// <summary>The format of the response, or null when the client accepts neither.</summary>
    public static WireFormat? ResponseFormat(HttpRequest request)
    {
        var fallback = BodyFormat(BodyMediaType(request)) ?? WireFormat.Json;
        if (request.Query.TryGetValue("_format", out var format))
        {
            // An unencoded "+" in a query string reads as a space: "application/fhir xml" is what such a client meant.
            var value = format.ToString().Split(';')[0].Trim().ToLowerInvariant().Replace(' ', '+');
            return value switch
            {
                "json" or "application/json" or FhirJson => WireFormat.Json,
                "xml" or "text/xml" or "application/xml" or FhirXml => WireFormat.Xml,
                _ => null,
            };
        }
        var accept = request.Headers.Accept;
        if (accept.Count == 0)
        {
            return fallback;
        }
        if (!MediaTypeHeaderValue.TryParseList(accept, out var types))
        {
            return null;
        }
        WireFormat? best = null;
        var bestQuality = 0.0;
        var bestSpecific = false;
        foreach (var type in types)
        {
            var quality = type.Quality ?? 1.0;
            var media = type.MediaType.Value?.ToLowerInvariant() ?? "";
            var (candidate, specific) = media switch
            {
                FhirJson or "application/json" or JsonPatch => (WireFormat.Json, true),
                FhirXml or "application/xml" or "text/xml" => (WireFormat.Xml, true),
                "*/*" or "application/*" => (fallback, false),
                _ when media.EndsWith("+json", StringComparison.Ordinal) => (WireFormat.Json, true),
                _ when media.EndsWith("+xml", StringComparison.Ordinal) => (WireFormat.Xml, true),
                _ => ((WireFormat?)null, false),
            };
            if (candidate is null || quality <= 0)
            {
                continue;
            }
            // Higher quality wins; at equal quality a named format beats a wildcard, and the first named one stays.
            if (quality > bestQuality || (quality == bestQuality && specific && !bestSpecific))
            {
                best = candidate;
                bestQuality = quality;
                bestSpecific = specific;
            }
        }
        return best;
    }

    /// <summary>The body's media type without parameters, lower case; null when absent or unreadable.</summary>
    public static string? BodyMediaType(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) ? type.MediaType.Value?.ToLowerInvariant() : null;

    /// <summary>The FHIR format of a body's media type, or null when it is neither FHIR JSON nor FHIR XML.</summary>
    public static WireFormat? BodyFormat(string? mediaType) => mediaType switch
    {
        FhirJson or "application/json" => WireFormat.Json,
        FhirXml or "application/xml" or "text/xml" => WireFormat.Xml,
        _ => null,
    };

    /// <summary>True for the media types a resource body may have (JSON; XML bodies are converted to JSON when read).</summary>
    public static bool IsResourceJson(string? mediaType) => mediaType is FhirJson or "application/json";

    /// <summary>The Content-Type of responses in <paramref name="format"/>.</summary>
    public static string ContentType(WireFormat format) => format == WireFormat.Xml ? FhirXml + "; charset=utf-8" : FhirJson + "; charset=utf-8";
}
