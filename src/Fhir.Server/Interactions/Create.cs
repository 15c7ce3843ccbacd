using Fhir.Core.Model;
using Fhir.Server.Http;
using Fhir.Server.Pipeline;
using Fhir.Storage;

namespace Fhir.Server.Interactions;

/// <summary>
/// create: <c>POST [base]/[type]</c> with a server-assigned id, and conditional create with
/// <c>If-None-Exist</c>, which returns the existing resource instead of a duplicate (FHIR R4 RESTful API §3.1.0.8).
/// </summary>
internal static class Create
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, WriteSession session, CancellationToken ct)
    {
        if (!ResourceBody.TryParse(request, context, request.ResourceType, out var resource, out var error))
        {
            return error;
        }
        var (existing, conditionError) = await FindExistingAsync(session, context, request.ResourceType!, request.Conditions.IfNoneExist, ct);
        if (conditionError is not null || existing is not null)
        {
            return conditionError ?? existing!;
        }
        return await WriteNewAsync(session, context, resource!, ServerContext.NewId(), ct);
    }

    /// <summary>
    /// For a conditional create: the response for the one resource that already matches (200), an
    /// error (412 for several matches, 400 for a bad query), or neither when the create should go ahead.
    /// </summary>
    public static async Task<(FhirResponse? Existing, FhirResponse? Error)> FindExistingAsync(
        WriteSession session, ServerContext context, string type, string? ifNoneExist, CancellationToken ct)
    {
        if (ifNoneExist is null)
        {
            return (null, null);
        }
        var (ids, error) = await ConditionalMatch.FindAsync(session, context, type, ifNoneExist, ct);
        if (error is not null)
        {
            return (null, error);
        }
        if (ids.Count > 1)
        {
            return (null, ConditionalMatch.MultipleMatches(type, ifNoneExist));
        }
        if (ids.Count == 0)
        {
            return (null, null);
        }
        var current = await session.ReadForUpdateAsync(type, ids[0], ct);
        return (FhirResponse.FromVersion(200, current!, Locations.Of(current!)), null);
    }

    /// <summary>Stores <paramref name="resource"/> as version 1 of a new resource with id <paramref name="id"/>.</summary>
    public static async Task<FhirResponse> WriteNewAsync(WriteSession session, ServerContext context, ElementNode resource, string id, CancellationToken ct)
    {
        var writer = new ResourceWriter(context);
        if (writer.Validate(resource, out var notes) is { } invalid)
        {
            return invalid;
        }
        var version = await writer.WriteAsync(session, resource, id, 1, WriteMethod.Create, ct);
        return FhirResponse.FromVersion(201, version, Locations.Of(version)) with { Issues = notes };
    }
}
