using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Server.Http;
using Fhir.Server.Outcomes;
using Fhir.Server.Pipeline;

namespace Fhir.Server.Interactions.Operations;

/// <summary>
/// <c>$validate</c> (FHIR R4 Resource §6.1.0.7 / OperationDefinition Resource-validate):
/// <c>POST [type]/$validate</c> and <c>POST|GET [type]/[id]/$validate</c>. The body is the resource,
/// or a Parameters resource with <c>resource</c>, <c>profile</c> and <c>mode</c>; <c>?profile=</c> and
/// <c>?mode=</c> work too. Validates exactly as a write would (base, declared and required profiles,
/// plus the asked-for profile) and answers 200 with the OperationOutcome; nothing is stored.
/// </summary>
internal static class ValidateOperation
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, CancellationToken ct)
    {
        var type = request.ResourceType!;
        var profile = request.QueryValue("profile");
        var mode = request.QueryValue("mode");
        ElementNode? resource = null;
        if (!request.Body.IsEmpty)
        {
            if (!ResourceBody.TryParse(request with { ResourceType = null }, context, null, out var body, out var error))
            {
                return error;
            }
            if (body.Type.Name == "Parameters" && type != "Parameters")
            {
                foreach (var parameter in body.ChildrenNamed("parameter"))
                {
                    switch (parameter.GetString("name"))
                    {
                        case "resource":
                            resource = parameter.ChildrenNamed("resource").FirstOrDefault() is { } inner ? Bundles.EntryRequest.Reroot(inner) : null;
                            break;
                        case "profile":
                            profile ??= parameter.GetString("valueUri") ?? parameter.GetString("valueCanonical");
                            break;
                        case "mode":
                            mode ??= parameter.GetString("valueCode");
                            break;
                    }
                }
            }
            else
            {
                resource = body;
            }
        }
        if (mode is not (null or "create" or "update" or "delete"))
        {
            return FhirResponse.Error(400, IssueType.Invalid, $"mode must be create, update or delete, not '{mode}'.", "Parameters.parameter('mode')");
        }

        if (mode == "delete" || (resource is null && request.Id is not null))
        {
            // Validate what is stored (instance level); deleting is allowed whenever the resource exists.
            if (request.Id is null)
            {
                return FhirResponse.Error(400, IssueType.Required, "mode=delete validates a stored resource: use [type]/[id]/$validate.");
            }
            var current = await request.Reader.ReadAsync(type, request.Id, ct);
            if (current is null || current.IsDeleted)
            {
                return FhirResponse.NotFound(type, request.Id);
            }
            if (mode == "delete")
            {
                return Outcome([Issue.Information(IssueType.Informational, $"{type}/{request.Id} can be deleted.")]);
            }
            resource = FhirJsonReader.Parse(current.Json.Span, definitions: context.Definitions).Resource;
        }
        if (resource is null)
        {
            return FhirResponse.Error(400, IssueType.Required, "$validate needs a resource: the body, or a Parameters resource with a 'resource' parameter.");
        }
        if (resource.Type.Name != type)
        {
            return FhirResponse.Error(400, IssueType.Invalid, $"The resource is a {resource.Type.Name}, but the URL is for {type}.", resource.Type.Name);
        }
        if (mode == "update" && request.Id is not null && resource.GetString("id") != request.Id)
        {
            return Outcome([Issue.Error(IssueType.Invalid, $"For an update of {type}/{request.Id} the resource must have that id.", $"{type}.id")]);
        }
        var result = context.Validation.Validate(resource, profile is null ? null : [profile]);
        // Under lenient intake, what a write would drop is said too (nothing is stored, so nothing needs keeping).
        IReadOnlyList<Issue> issues = [.. request.Intake.Dropped, .. result.Issues];
        return Outcome(issues.Count == 0 ? [Issue.Information(IssueType.Informational, "No issues: the resource is valid.")] : issues);
    }

    private static FhirResponse Outcome(IReadOnlyList<Issue> issues) => new(200) { Body = OperationOutcomes.Serialize(issues) };
}
