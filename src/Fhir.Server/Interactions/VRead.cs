using Fhir.Core.Outcomes;
using Fhir.Server.Http;

namespace Fhir.Server.Interactions;

/// <summary>vread: <c>GET [base]/[type]/[id]/_history/[vid]</c> — one version (FHIR R4 RESTful API §3.1.0.3).</summary>
internal static class VRead
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, CancellationToken ct)
    {
        var type = request.ResourceType!;
        var id = request.Id!;
        if (!int.TryParse(request.VersionId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var versionId) || versionId < 1)
        {
            return FhirResponse.Error(404, IssueType.NotFound, $"'{request.VersionId}' is not a version of {type}/{id}: versions are positive integers.");
        }
        var version = await request.Reader.ReadVersionAsync(type, id, versionId, ct);
        if (version is null)
        {
            return FhirResponse.Error(404, IssueType.NotFound, $"{type}/{id} has no version {versionId}.");
        }
        return version.IsDeleted ? FhirResponse.Gone(type, id, version) : FhirResponse.FromVersion(200, version);
    }
}
