using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Server.Http;
using Fhir.Server.Pipeline;
using Fhir.Storage;

namespace Fhir.Server.Interactions;

/// <summary>
/// update: <c>PUT [base]/[type]/[id]</c> — a new version, or the first one (update as create), with
/// <c>If-Match</c> for optimistic locking; and conditional update <c>PUT [base]/[type]?query</c>
/// (FHIR R4 RESTful API §3.1.0.4).
/// </summary>
internal static class Update
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, WriteSession session, CancellationToken ct)
    {
        if (!ResourceBody.TryParse(request, context, request.ResourceType, out var resource, out var error))
        {
            return error;
        }
        var bodyId = resource.GetString("id");
        if (bodyId is null)
        {
            return FhirResponse.Error(400, IssueType.Required, "An update needs the resource's id in the body.", $"{resource.Type.Name}.id");
        }
        if (bodyId != request.Id)
        {
            return FhirResponse.Error(400, IssueType.Invalid, $"The id in the body ({bodyId}) differs from the id in the URL ({request.Id}).", $"{resource.Type.Name}.id");
        }
        return await WriteVersionAsync(session, context, resource, request.Id!, request.Conditions.IfMatch, WriteMethod.Update, ct);
    }

    public static async Task<FhirResponse> HandleConditionalAsync(FhirRequest request, ServerContext context, WriteSession session, CancellationToken ct)
    {
        if (!ResourceBody.TryParse(request, context, request.ResourceType, out var resource, out var error))
        {
            return error;
        }
        var type = request.ResourceType!;
        var condition = ConditionText(request);
        var (ids, conditionError) = await ConditionalMatch.FindAsync(session, context, type, condition, ct);
        if (conditionError is not null)
        {
            return conditionError;
        }
        var bodyId = resource.GetString("id");
        switch (ids.Count)
        {
            case 0:
                // No match: create, with the client's id when it gave one.
                if (bodyId is not null && await session.ReadForUpdateAsync(type, bodyId, ct) is { IsDeleted: false })
                {
                    return FhirResponse.Error(409, IssueType.Conflict, $"{type}/{bodyId} exists but does not match '{condition}'.");
                }
                return bodyId is null
                    ? await Create.WriteNewAsync(session, context, resource, ServerContext.NewId(), ct)
                    : await WriteVersionAsync(session, context, resource, bodyId, request.Conditions.IfMatch, WriteMethod.Update, ct);
            case 1:
                if (bodyId is not null && bodyId != ids[0])
                {
                    return FhirResponse.Error(400, IssueType.Invalid, $"The id in the body ({bodyId}) differs from the matching resource ({type}/{ids[0]}).", $"{type}.id");
                }
                return await WriteVersionAsync(session, context, resource, ids[0], request.Conditions.IfMatch, WriteMethod.Update, ct);
            default:
                return ConditionalMatch.MultipleMatches(type, condition);
        }
    }

    /// <summary>Writes the next version of <paramref name="id"/> (or its first), checking If-Match against the current one.</summary>
    public static async Task<FhirResponse> WriteVersionAsync(
        WriteSession session, ServerContext context, ElementNode resource, string id, string? ifMatch, WriteMethod method, CancellationToken ct)
    {
        var type = resource.Type.Name;
        var writer = new ResourceWriter(context);
        if (writer.Validate(resource, out var notes) is { } invalid)
        {
            return invalid;
        }
        // Prepare against the version seen now, outside the transaction; re-stamp in the rare case it moved on.
        var expected = await session.Gate.Reader.ReadAsync(type, id, ct);
        var prepared = writer.Prepare(resource, id, (expected?.VersionId ?? 0) + 1, method);
        var current = await session.ReadForUpdateAsync(type, id, ct);
        if (ifMatch is not null && (current is null || current.IsDeleted || ifMatch != current.VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            return VersionConflict(type, id, ifMatch, current);
        }
        var isNew = current is null || current.IsDeleted;
        prepared = writer.Restamp(prepared, (current?.VersionId ?? 0) + 1, isNew && method == WriteMethod.Update ? WriteMethod.Create : method);
        var version = await ResourceWriter.StoreAsync(session, prepared, ct);
        return FhirResponse.FromVersion(isNew ? 201 : 200, version, Locations.Of(version)) with { Issues = notes };
    }

    internal static FhirResponse VersionConflict(string type, string id, string ifMatch, ResourceVersion? current) =>
        FhirResponse.Error(412, IssueType.Conflict, current is null || current.IsDeleted
            ? $"If-Match expects version {ifMatch} of {type}/{id}, which does not exist."
            : $"If-Match expects version {ifMatch} of {type}/{id}, but the current version is {current.VersionId}.");

    /// <summary>The query of a conditional interaction, without the parameters that only shape the response.</summary>
    internal static string ConditionText(FhirRequest request) =>
        string.Join("&", request.Query.Where(p => p.Key is not ("_format" or "_pretty")).Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
}
