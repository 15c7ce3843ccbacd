using Fhir.Server.Http;

namespace Fhir.Server.Interactions;

/// <summary>read: <c>GET [base]/[type]/[id]</c> — the current version (FHIR R4 RESTful API §3.1.0.2).</summary>
internal static class Read
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, CancellationToken ct)
    {
        var type = request.ResourceType!;
        var id = request.Id!;
        var current = await request.Reader.ReadAsync(type, id, ct);
        if (current is null)
        {
            return FhirResponse.NotFound(type, id);
        }
        if (current.IsDeleted)
        {
            return FhirResponse.Gone(type, id, current);
        }
        if (NotModified(request.Conditions, current))
        {
            return new FhirResponse(304) { VersionId = current.VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture), LastModified = current.LastUpdated };
        }
        return FhirResponse.FromVersion(200, current);
    }

    /// <summary>If-None-Match (same version, or *) and If-Modified-Since make a read answer 304.</summary>
    internal static bool NotModified(RequestConditions conditions, Storage.ResourceVersion current)
    {
        if (conditions.IfNoneMatch is { } tag)
        {
            return tag == "*" || tag == current.VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        // Last-Modified has second precision on the wire.
        return conditions.IfModifiedSince is { } since && current.LastUpdated.ToUnixTimeSeconds() <= since.ToUnixTimeSeconds();
    }
}
