using System.Text.Json.Nodes;
using Fhir.Core.Model;
using Fhir.Core.Json;
using Fhir.Core.Outcomes;
using Fhir.Path.Patch;
using Fhir.Server.Http;
using Fhir.Server.Pipeline;
using Fhir.Storage;

namespace Fhir.Server.Interactions;

/// <summary>
/// patch: <c>PATCH [base]/[type]/[id]</c> with a JSON Patch document (RFC 6902, <c>application/json-patch+json</c>) or a
/// FHIRPath Patch Parameters resource (<c>application/fhir+json</c>), and conditional patch <c>PATCH [base]/[type]?query</c>;
/// the patched resource must still be valid (FHIR R4 RESTful API §3.1.0.6).
/// </summary>
internal static class Patch
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, WriteSession session, CancellationToken ct)
    {
        var current = await session.ReadForUpdateAsync(request.ResourceType!, request.Id!, ct);
        return await PatchCurrentAsync(request, context, session, current, request.ResourceType!, request.Id!, ct);
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
        if (ids.Count != 1)
        {
            return ids.Count == 0
                ? FhirResponse.Error(404, IssueType.NotFound, $"No {type} matches '{condition}'.")
                : ConditionalMatch.MultipleMatches(type, condition);
        }
        var current = await session.ReadForUpdateAsync(type, ids[0], ct);
        return await PatchCurrentAsync(request, context, session, current, type, ids[0], ct);
    }

    private static async Task<FhirResponse> PatchCurrentAsync(
        FhirRequest request, ServerContext context, WriteSession session, ResourceVersion? current, string type, string id, CancellationToken ct)
    {
        if (current is null)
        {
            return FhirResponse.NotFound(type, id);
        }
        if (current.IsDeleted)
        {
            return FhirResponse.Gone(type, id, current);
        }
        if (request.Conditions.IfMatch is { } ifMatch && ifMatch != current.VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return Update.VersionConflict(type, id, ifMatch, current);
        }

        var (json, error) = IsFhirPathPatch(request) ? ApplyFhirPathPatch(request, context, current) : ApplyJsonPatch(request, current);
        if (error is not null)
        {
            return error;
        }
        var parsed = FhirJsonReader.Parse(json, ReaderOptions(context), context.Definitions);
        if (!parsed.IsSuccess)
        {
            return FhirResponse.Error(422, [Issue.Error(IssueType.Processing, "The patched resource is not valid."), .. parsed.Issues.Where(i => i.IsError)]);
        }
        var resource = parsed.Resource!;
        if (resource.Type.Name != type || resource.GetString("id") != id)
        {
            return FhirResponse.Error(422, IssueType.Processing, "A patch may not change the resource's type or id.", $"{type}.id");
        }
        var writer = new ResourceWriter(context);
        if (writer.Validate(resource, out var notes) is { } invalid)
        {
            return invalid;
        }
        var version = await writer.WriteAsync(session, resource, id, current.VersionId + 1, WriteMethod.Patch, ct);
        return FhirResponse.FromVersion(200, version, Locations.Of(version)) with { Issues = notes };
    }

    /// <summary>A FHIRPath Patch comes as a FHIR JSON Parameters body, or as a Bundle entry's Parameters resource.</summary>
    private static bool IsFhirPathPatch(FhirRequest request) =>
        request.Resource is not null || ContentNegotiation.IsResourceJson(request.ContentType);

    private static (byte[] Json, FhirResponse? Error) ApplyJsonPatch(FhirRequest request, ResourceVersion current)
    {
        var document = JsonNode.Parse(current.Json.Span)!;
        var patched = JsonPatch.Apply(document, request.Body.Span);
        if (!patched.IsSuccess)
        {
            // A malformed patch document is the client's syntax error (400); one that cannot apply to this resource is 422.
            var malformed = patched.ErrorKind == JsonPatchErrorKind.InvalidPatch;
            return ([], FhirResponse.Error(malformed ? 400 : 422, malformed ? IssueType.Invalid : IssueType.Processing,
                $"JSON Patch operation {patched.OperationIndex}: {patched.Error}"));
        }
        return (System.Text.Encoding.UTF8.GetBytes(patched.Document!.ToJsonString()), null);
    }

    /// <summary>FHIRPath Patch (FHIR R4 §3.1.0.6.2): a Parameters resource of operations on FHIRPath locations.</summary>
    private static (byte[] Json, FhirResponse? Error) ApplyFhirPathPatch(FhirRequest request, ServerContext context, ResourceVersion current)
    {
        var parameters = request.Resource;
        if (parameters is null)
        {
            var body = FhirJsonReader.Parse(request.Body.Span, ReaderOptions(context), context.Definitions);
            if (!body.IsSuccess)
            {
                return ([], FhirResponse.Error(400, [Issue.Error(IssueType.Invalid, "The FHIRPath Patch body is not valid FHIR JSON."), .. body.Issues.Where(i => i.IsError)]));
            }
            parameters = body.Resource!;
        }
        if (parameters.Type.Name != "Parameters")
        {
            return ([], FhirResponse.Error(400, IssueType.Invalid, $"A FHIRPath Patch is a Parameters resource, not a {parameters.Type.Name}.", parameters.Type.Name));
        }
        // The stored version was valid when written: failing to read it is the server's fault, not the client's.
        if (FhirJsonReader.Parse(current.Json.Span, ReaderOptions(context), context.Definitions).Resource is not { } resource)
        {
            return ([], FhirResponse.Error(500, IssueType.Exception, $"The stored {current.Type}/{current.Id} could not be read."));
        }
        var patched = FhirPathPatch.Apply(resource, parameters, context.Definitions);
        if (!patched.IsSuccess)
        {
            return ([], FhirResponse.Error(patched.IsMalformed ? 400 : 422, patched.IsMalformed ? IssueType.Invalid : IssueType.Processing,
                patched.OperationIndex >= 0 ? $"FHIRPath Patch {patched.Error}" : patched.Error!, patched.Location));
        }
        return (FhirJsonWriter.Serialize(patched.Resource!), null);
    }

    private static FhirJsonReaderOptions ReaderOptions(ServerContext context) => new() { MaxDepth = context.Options.MaxJsonDepth };
}
