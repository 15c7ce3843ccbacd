using Fhir.Core.Json;
using Fhir.Core.Outcomes;
using Fhir.Server.Http;

namespace Fhir.Server.Security;

/// <summary>
/// Runs an HTTP interaction under the request's grant: the type-level gate first
/// (<see cref="AccessGate"/>), then, for a grant confined to one patient, the compartment checks on
/// the data itself: a resource outside the compartment is answered 404 (its existence is not
/// revealed), a write that would put a resource outside it is refused, and searches are narrowed to
/// the compartment.
/// </summary>
internal static class AccessControl
{
    public static async Task<FhirResponse> RunAsync(
        FhirRequest request, ServerContext context, Func<FhirRequest, CancellationToken, Task<FhirResponse>> interaction, CancellationToken ct)
    {
        // The capability statement is public; a Bundle's entries are checked one by one (Transaction).
        if (request.RelativeUrl == "metadata" || (request.ResourceType is null && request.Method == "POST"))
        {
            return await interaction(request, ct);
        }
        if (request.Audit is { } audit && request.ResourceType is { } type && request.Id is { } id)
        {
            audit.AddEntity($"{type}/{id}");
        }
        var (decision, denied) = AccessGate.Check(request);
        if (denied is not null)
        {
            return denied;
        }
        request = request with { Decision = decision };
        var response = decision == AccessDecision.PatientCompartment
            ? await RunInCompartmentAsync(request, context, interaction, ct)
            : await interaction(request, ct);
        if (request.Audit is { } written && request.Id is null && response.Location is { } location)
        {
            // A create's new resource (without its version: the trail is searched by resource).
            var history = location.IndexOf("/_history/", StringComparison.Ordinal);
            written.AddEntity(history < 0 ? location : location[..history]);
        }
        return response;
    }

    private static async Task<FhirResponse> RunInCompartmentAsync(
        FhirRequest request, ServerContext context, Func<FhirRequest, CancellationToken, Task<FhirResponse>> interaction, CancellationToken ct)
    {
        var compartment = context.Compartment;
        var patient = request.Access.PatientId!;
        var type = request.ResourceType!;
        if (compartment.ParametersOf(type).Count == 0 && type != "Patient")
        {
            return AccessGate.Forbidden(request.Access, type + " (no " + type + " is in a patient's compartment)", AccessGate.Required(request).Permissions);
        }

        switch (request.Method)
        {
            case "PATCH":
                // The patched result is only known inside the write; rather than check half of it, refuse.
                return FhirResponse.Error(403, IssueType.Forbidden, "PATCH is not available to patient-scoped tokens; use update (PUT).");
            case "POST" or "PUT" when request.Id is null && request.Query.Count > 0:
                return FhirResponse.Error(403, IssueType.Forbidden, "Conditional writes are not available to patient-scoped tokens.");
            case "DELETE" when request.Id is null:
                return FhirResponse.Error(403, IssueType.Forbidden, "Conditional deletes are not available to patient-scoped tokens.");
        }

        if (request.Id is { } id)
        {
            // Reads, history, update and delete of one resource: it must be in the compartment now.
            var current = await context.Store.ReadAsync(type, id, ct);
            if (current is { IsDeleted: false } && !InCompartment(context, compartment, current.Json, patient))
            {
                return FhirResponse.NotFound(type, id);
            }
            if (current is null or { IsDeleted: true } && request.Method == "GET")
            {
                return await interaction(request, ct);
            }
        }
        if (request.Method is "POST" or "PUT" && !request.Body.IsEmpty && !InCompartment(context, compartment, request.Body, patient))
        {
            return FhirResponse.Error(403, IssueType.Forbidden, $"The {type} would not be in the compartment of Patient/{patient}, which the token is confined to.");
        }
        if (request.Method == "GET" && request.VersionId is not null)
        {
            // An old version may have belonged to someone else.
            var response = await interaction(request, ct);
            return !response.IsError && !InCompartment(context, compartment, response.Body, patient) ? FhirResponse.NotFound(type, request.Id!) : response;
        }
        if (request.Method == "GET" && request.Id is null)
        {
            // Searches and type history: narrowed to the patient (the compartment's first parameter, a
            // subset of the compartment when a type has several: nothing outside it can show).
            var narrowing = type == "Patient"
                ? new KeyValuePair<string, string>("_id", patient)
                : new KeyValuePair<string, string>(compartment.ParametersOf(type)[0], "Patient/" + patient);
            if (request.RelativeUrl.EndsWith("_history", StringComparison.Ordinal))
            {
                return FhirResponse.Error(403, IssueType.Forbidden, "Type history is not available to patient-scoped tokens; use search or instance history.");
            }
            return await interaction(request with { Query = [.. request.Query, narrowing] }, ct);
        }
        return await interaction(request, ct);
    }

    private static bool InCompartment(ServerContext context, PatientCompartment compartment, ReadOnlyMemory<byte> json, string patient)
    {
        var parsed = FhirJsonReader.Parse(json.Span, definitions: context.Definitions);
        return parsed.Resource is { } resource && compartment.Contains(resource, patient);
    }
}
