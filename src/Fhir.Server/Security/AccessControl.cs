using Fhir.Core.Outcomes;
using Fhir.Server.Http;
using Fhir.Storage.Access;

namespace Fhir.Server.Security;

/// <summary>
/// Runs an HTTP interaction under the request's grant: the type-level permissions of the interaction first
/// (<see cref="InteractionAccess"/>), then the interaction itself, whose every read and write passes the request's
/// <see cref="AccessGate"/>. Refusals the gate raises from inside an interaction become its response here
/// (<see cref="GuardAsync"/>); Bundle entries are guarded one by one the same way (Transaction).
/// </summary>
internal static class AccessControl
{
    private const string PatientCompartment = "Patient";

    public static async Task<FhirResponse> RunAsync(
        FhirRequest request, ServerContext context, Func<FhirRequest, CancellationToken, Task<FhirResponse>> interaction, CancellationToken ct)
    {
        // The capability statement is public; a Bundle's entries are checked one by one (Transaction).
        if (request.RelativeUrl == "metadata" || (request.ResourceType is null && request.Method == "POST" && request.RelativeUrl.Length == 0))
        {
            return await GuardAsync(request.Gate, () => interaction(request, ct));
        }
        if (request.Audit is { } audit && request.ResourceType is { } type && request.Id is { } id)
        {
            audit.AddEntity($"{type}/{id}");
        }
        var denied = Check(request, context);
        if (denied is not null)
        {
            return denied;
        }
        var response = await GuardAsync(request.Gate, () => interaction(request, ct));
        if (request.Audit is { } written && request.Id is null && response.Location is { } location)
        {
            // A create's new resource (without its version: the trail is searched by resource).
            var history = location.IndexOf("/_history/", StringComparison.Ordinal);
            written.AddEntity(history < 0 ? location : location[..history]);
        }
        return response;
    }

    /// <summary>
    /// The type-level refusal of <paramref name="request"/>, or null: the permissions its URL needs and, for a grant
    /// confined to a patient, a URL type that can never be in a patient's compartment. Used for HTTP requests and for
    /// each Bundle entry alike.
    /// </summary>
    public static FhirResponse? Check(FhirRequest request, ServerContext context)
    {
        var (decision, denied) = InteractionAccess.Check(request);
        if (denied is not null)
        {
            return denied;
        }
        if (decision == AccessDecision.PatientCompartment && request.ResourceType is { } type
            && type != PatientCompartment && context.Compartments.Parameters(PatientCompartment, type) is null)
        {
            return FhirResponse.Error(403, IssueType.Forbidden,
                $"The token is confined to Patient/{request.Access.PatientId}; {type} resources are never in a patient's compartment.");
        }
        return null;
    }

    /// <summary>Runs <paramref name="interaction"/>, answering the gate's refusals it raises with their responses.</summary>
    public static async Task<FhirResponse> GuardAsync(AccessGate gate, Func<Task<FhirResponse>> interaction)
    {
        try
        {
            return await interaction();
        }
        catch (AccessDeniedException denied)
        {
            return denied.Response;
        }
        catch (ScopeViolationException violation)
        {
            return gate.Refusal(violation);
        }
    }
}
