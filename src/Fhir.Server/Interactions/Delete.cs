using Fhir.Server.Http;
using Fhir.Server.Pipeline;
using Fhir.Storage;

namespace Fhir.Server.Interactions;

/// <summary>
/// delete: <c>DELETE [base]/[type]/[id]</c> leaves a versioned tombstone (later reads answer 410);
/// conditional delete <c>DELETE [base]/[type]?query</c> deletes the one match (FHIR R4 RESTful API §3.1.0.7).
/// </summary>
internal static class Delete
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, WriteSession session, CancellationToken ct)
    {
        var type = request.ResourceType!;
        var id = request.Id!;
        var current = await session.ReadForUpdateAsync(type, id, ct);
        if (current is null)
        {
            return FhirResponse.NotFound(type, id);
        }
        return await DeleteCurrentAsync(session, context, current, request.Conditions.IfMatch, ct);
    }

    public static async Task<FhirResponse> HandleConditionalAsync(FhirRequest request, ServerContext context, WriteSession session, CancellationToken ct)
    {
        var type = request.ResourceType!;
        var condition = Update.ConditionText(request);
        var (ids, error) = await ConditionalMatch.FindAsync(session, context, type, condition, ct);
        if (error is not null)
        {
            return error;
        }
        if (ids.Count > 1)
        {
            return ConditionalMatch.MultipleMatches(type, condition);
        }
        if (ids.Count == 0)
        {
            return new FhirResponse(204); // nothing matches: there is nothing left to delete
        }
        var current = await session.ReadForUpdateAsync(type, ids[0], ct);
        return await DeleteCurrentAsync(session, context, current!, request.Conditions.IfMatch, ct);
    }

    private static async Task<FhirResponse> DeleteCurrentAsync(WriteSession session, ServerContext context, ResourceVersion current, string? ifMatch, CancellationToken ct)
    {
        if (ifMatch is not null && (current.IsDeleted || ifMatch != current.VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            return Update.VersionConflict(current.Type, current.Id, ifMatch, current);
        }
        if (current.IsDeleted)
        {
            return new FhirResponse(204) { VersionId = current.VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture) }; // deleting twice changes nothing
        }
        var tombstone = await new ResourceWriter(context).DeleteAsync(session, current.Type, current.Id, current.VersionId + 1, ct);
        return new FhirResponse(204)
        {
            VersionId = tombstone.VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            LastModified = tombstone.LastUpdated,
        };
    }
}
