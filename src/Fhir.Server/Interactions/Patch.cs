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
/// the patched resource must still be valid (FHIR R4 RESTful API §3.1.0.6). The request body limit applies to the
/// patched resource as well, checked as each operation applies (<see cref="Limits"/>): a small patch that copies the
/// resource into itself a few dozen times would otherwise build gigabytes.
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

        var (json, error) = IsFhirPathPatch(request) ? ApplyFhirPathPatch(request, context, current) : ApplyJsonPatch(request, context, current);
        if (error is not null)
        {
            return error;
        }
        if (json.Length > context.Options.MaxRequestBodyBytes)
        {
            // The estimate while applying leaves out JSON escapes; the serialised result is what counts.
            return FhirResponse.Error(413, IssueType.TooCostly,
                $"The patched resource is {json.Length} bytes; the limit is {context.Options.MaxRequestBodyBytes} (Fhir:MaxRequestBodyBytes).", type);
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

    /// <summary>What a patch may build: the request body limit, the element limit and the JSON depth limit.</summary>
    internal static PatchLimits Limits(ServerContext context) => new()
    {
        MaxBytes = context.Options.MaxRequestBodyBytes,
        MaxNodes = context.Options.MaxPatchElements,
        MaxDepth = context.Options.MaxJsonDepth,
    };

    private static (byte[] Json, FhirResponse? Error) ApplyJsonPatch(FhirRequest request, ServerContext context, ResourceVersion current)
    {
        var document = JsonNode.Parse(current.Json.Span)!;
        var patched = JsonPatch.Apply(document, request.Body.Span, Limits(context));
        if (patched.ErrorKind is JsonPatchErrorKind.TooLarge or JsonPatchErrorKind.TooDeep)
        {
            var tooLarge = patched.ErrorKind == JsonPatchErrorKind.TooLarge;
            return ([], FhirResponse.Error(tooLarge ? 413 : 422, tooLarge ? IssueType.TooCostly : IssueType.Processing,
                $"JSON Patch {char.ToLowerInvariant(patched.Error![0])}{patched.Error[1..]} (Fhir:{(tooLarge ? "MaxRequestBodyBytes, Fhir:MaxPatchElements" : "MaxJsonDepth")})",
                PointerExpression(current.Type, patched.Path)));
        }
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
        var patched = FhirPathPatch.Apply(resource, parameters, context.Definitions, Limits(context));
        if (patched.IsTooLarge)
        {
            return ([], FhirResponse.Error(413, IssueType.TooCostly,
                $"FHIRPath Patch {patched.Error} (Fhir:MaxRequestBodyBytes, Fhir:MaxPatchElements, Fhir:MaxJsonDepth)", patched.Location));
        }
        if (!patched.IsSuccess)
        {
            return ([], FhirResponse.Error(patched.IsMalformed ? 400 : 422, patched.IsMalformed ? IssueType.Invalid : IssueType.Processing,
                patched.OperationIndex >= 0 ? $"FHIRPath Patch {patched.Error}" : patched.Error!, patched.Location));
        }
        return (FhirJsonWriter.Serialize(patched.Resource!), null);
    }

    /// <summary>
    /// A JSON Pointer into the resource as a FHIRPath expression, for the OperationOutcome: <c>/name/0/given/-</c> in a
    /// Patient is <c>Patient.name[0].given</c> (<c>-</c>, the end of an array, names the array).
    /// </summary>
    internal static string? PointerExpression(string type, string? pointer)
    {
        if (pointer is null)
        {
            return null;
        }
        var expression = new System.Text.StringBuilder(type);
        foreach (var token in pointer.Split('/').Skip(1))
        {
            var name = token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (name == "-")
            {
                continue;
            }
            if (name.Length > 0 && name.All(char.IsAsciiDigit))
            {
                expression.Append('[').Append(name).Append(']');
            }
            else
            {
                expression.Append('.').Append(name);
            }
        }
        return expression.ToString();
    }

    private static FhirJsonReaderOptions ReaderOptions(ServerContext context) => new() { MaxDepth = context.Options.MaxJsonDepth };
}
