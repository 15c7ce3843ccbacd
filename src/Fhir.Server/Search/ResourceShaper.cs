using Fhir.Core.Json;
using Fhir.Storage;

namespace Fhir.Server.Search;

/// <summary>
/// Applies <c>_summary</c> and <c>_elements</c> to a stored resource: parses its JSON and writes it
/// back through <see cref="FhirJsonWriter"/>, which keeps the mandatory elements and tags the result
/// SUBSETTED. Without either parameter the stored bytes go out untouched.
/// </summary>
internal static class ResourceShaper
{
    /// <summary>The resource as the client asked for it.</summary>
    public static ResourceVersion Shape(ResourceVersion resource, FhirJsonWriterOptions? options)
    {
        if (options is null || resource.IsDeleted)
        {
            return resource;
        }
        var parsed = FhirJsonReader.Parse(resource.Json.Span);
        // Stored JSON was written by the server and always reads back; should it not, send it whole rather than fail the search.
        return parsed.Resource is { } node ? resource with { Json = FhirJsonWriter.Serialize(node, options) } : resource;
    }
}
