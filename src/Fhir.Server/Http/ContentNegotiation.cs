using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Fhir.Server.Http;

/// <summary>
/// Which formats a request may send and ask for. This server speaks FHIR JSON only: XML and other
/// formats are refused with 406 (responses) or 415 (bodies) rather than answered in the wrong format.
/// </summary>
internal static class ContentNegotiation
{
    public const string FhirJson = "application/fhir+json";
    public const string JsonPatch = "application/json-patch+json";

    /// <summary>True when the client accepts FHIR JSON, by <c>_format</c> (which wins) or Accept.</summary>
    public static bool AcceptsJson(HttpRequest request)
    {
        if (request.Query.TryGetValue("_format", out var format))
        {
            var f = format.ToString().Split(';')[0].Trim();
            return f is "json" or "application/json" or FhirJson;
        }
        var accept = request.Headers.Accept;
        if (accept.Count == 0)
        {
            return true;
        }
        if (!MediaTypeHeaderValue.TryParseList(accept, out var types))
        {
            return false;
        }
        foreach (var type in types)
        {
            var media = type.MediaType.Value ?? "";
            if (media is "*/*" or "application/*" or FhirJson or "application/json" or JsonPatch || media.EndsWith("+json", StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The body's media type without parameters, lower case; null when absent or unreadable.</summary>
    public static string? BodyMediaType(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) ? type.MediaType.Value?.ToLowerInvariant() : null;

    /// <summary>True for the media types a resource body may have.</summary>
    public static bool IsResourceJson(string? mediaType) => mediaType is FhirJson or "application/json";
}
