using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Search.Indexing;
using Fhir.Server.Http;
using Fhir.Storage;

namespace Fhir.Server.Security;

/// <summary>
/// Runs an HTTP interaction under the request's grant: the type-level gate first
/// (<see cref="AccessGate"/>), the types that chained and <c>_has</c> parameters reach into, then,
/// for a grant confined to one patient, the compartment checks on the data itself: a resource
/// outside the compartment is answered 404 (its existence is not revealed), a write that would put a
/// resource outside it is refused, and searches are confined to it. Resources a search adds
/// (<c>_include</c>, <c>$everything</c>) pass <see cref="CanSee"/>.
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
            return await interaction(request, ct);
        }
        if (request.Audit is { } audit && request.ResourceType is { } type && request.Id is { } id)
        {
            audit.AddEntity($"{type}/{id}");
        }
        var (decision, denied) = AccessGate.Check(request);
        denied ??= CheckSearchReach(request, context);
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

    /// <summary>Whether the grant may read <paramref name="version"/> (a resource a search adds to its matches).</summary>
    public static bool CanSee(FhirRequest request, ResourceVersion version, ServerContext context) =>
        request.Access.Decide(version.Type, Permissions.Read) switch
        {
            AccessDecision.Allowed => true,
            AccessDecision.PatientCompartment => InCompartment(context, version.Json, request.Access.PatientId!),
            _ => false,
        };

    /// <summary>
    /// Chained parameters and <c>_has</c> search other types: a client must be allowed to search those
    /// too, or it could learn what they hold from which matches come back.
    /// </summary>
    private static FhirResponse? CheckSearchReach(FhirRequest request, ServerContext context)
    {
        if (request.Method is not ("GET" or "POST"))
        {
            return null;
        }
        // A system-level search reaches from each type it names (without _type no parameter chains).
        IReadOnlyList<string> types = request.ResourceType is { } type ? [type]
            : AccessGate.IsSystemSearch(request) ? AccessGate.SystemSearchListedTypes(request) : [];
        foreach (var (key, _) in request.Query)
        {
            foreach (var from in types)
            {
                foreach (var reached in ReachedTypes(from, key, context))
                {
                    if (request.Access.Decide(reached, Permissions.Search) == AccessDecision.Denied)
                    {
                        return AccessGate.Forbidden(request.Access, reached + $" (reached by '{key}')", Permissions.Search);
                    }
                }
            }
        }
        return null;
    }

    private static IEnumerable<string> ReachedTypes(string type, string key, ServerContext context)
    {
        if (key.StartsWith("_has:", StringComparison.Ordinal))
        {
            // _has:Observation:patient:_has:AuditEvent:entity:code — every second-level type is searched.
            var parts = key.Split(':');
            for (var i = 1; i + 1 < parts.Length; i += 3)
            {
                yield return parts[i];
                if (i + 3 >= parts.Length || parts[i + 2] != "_has")
                {
                    yield break;
                }
            }
            yield break;
        }
        var links = key.Split('.');
        var types = new List<string> { type };
        for (var i = 0; i < links.Length - 1; i++)
        {
            var colon = links[i].IndexOf(':');
            var code = colon < 0 ? links[i] : links[i][..colon];
            var next = new List<string>();
            foreach (var current in types)
            {
                if (colon >= 0)
                {
                    next.Add(links[i][(colon + 1)..]);
                }
                else if (context.SearchParameters.Find(current, code) is { } parameter)
                {
                    next.AddRange(parameter.Targets);
                }
            }
            types = next.Distinct().ToList();
            foreach (var reached in types)
            {
                yield return reached;
            }
        }
    }

    private static async Task<FhirResponse> RunInCompartmentAsync(
        FhirRequest request, ServerContext context, Func<FhirRequest, CancellationToken, Task<FhirResponse>> interaction, CancellationToken ct)
    {
        var patient = request.Access.PatientId!;
        var type = request.ResourceType ?? "";
        if (AccessGate.IsSystemSearch(request))
        {
            return AccessGate.PatientScopedSystemSearch(request.Access);
        }
        if (type.Length == 0 || context.Compartments.Parameters(PatientCompartment, type) is null)
        {
            return FhirResponse.Error(403, IssueType.Forbidden, $"The token is confined to Patient/{patient}; '{request.RelativeUrl}' is not within a patient's compartment.");
        }
        if (request.Query.Any(q => q.Key is "_include" or "_revinclude" || q.Key.StartsWith("_include:", StringComparison.Ordinal) || q.Key.StartsWith("_revinclude:", StringComparison.Ordinal)) && request.Id is not null)
        {
            // Instance-level reads take no includes; searches filter them (CanSee).
            return FhirResponse.Error(400, IssueType.NotSupported, "_include is not supported on this interaction.");
        }

        switch (request.Method)
        {
            case "PATCH":
                // The patched result is only known inside the write; rather than check half of it, refuse.
                return FhirResponse.Error(403, IssueType.Forbidden, "PATCH is not available to patient-scoped tokens; use update (PUT).");
            case "POST" or "PUT" when request.Id is null && request.Query.Count > 0 && !request.RelativeUrl.EndsWith("/_search", StringComparison.Ordinal):
                return FhirResponse.Error(403, IssueType.Forbidden, "Conditional writes are not available to patient-scoped tokens.");
            case "DELETE" when request.Id is null:
                return FhirResponse.Error(403, IssueType.Forbidden, "Conditional deletes are not available to patient-scoped tokens.");
        }

        if (request.Id is { } id)
        {
            // Reads, history, compartment searches, update and delete of one resource: it must be in the compartment now.
            var current = await context.Store.ReadAsync(type, id, ct);
            if (current is { IsDeleted: false } && !InCompartment(context, current.Json, patient))
            {
                return FhirResponse.NotFound(type, id);
            }
        }
        if (request.Method is "POST" or "PUT" && !request.Body.IsEmpty && !InCompartment(context, request.Body, patient))
        {
            return FhirResponse.Error(403, IssueType.Forbidden, $"The {type} would not be in the compartment of Patient/{patient}, which the token is confined to.");
        }
        if (request.Method == "GET" && request.VersionId is not null)
        {
            // An old version may have belonged to someone else.
            var response = await interaction(request, ct);
            return !response.IsError && !InCompartment(context, response.Body, patient) ? FhirResponse.NotFound(type, request.Id!) : response;
        }
        if (request.Id is null && (request.Method == "GET" || request.RelativeUrl.EndsWith("/_search", StringComparison.Ordinal)))
        {
            if (request.RelativeUrl.Split('?')[0].EndsWith("_history", StringComparison.Ordinal))
            {
                return FhirResponse.Error(403, IssueType.Forbidden, "Type history is not available to patient-scoped tokens; use search or instance history.");
            }
            return await interaction(request with { Confinement = context.Compartments.Filter(PatientCompartment, patient, type) }, ct);
        }
        return await interaction(request, ct);
    }

    private static bool InCompartment(ServerContext context, ReadOnlyMemory<byte> json, string patient)
    {
        var resource = FhirJsonReader.Parse(json.Span, definitions: context.Definitions).Resource;
        if (resource is null)
        {
            return false;
        }
        var type = resource.Type.Name;
        if (type == "Patient" && resource.GetString("id") == patient)
        {
            return true;
        }
        if (context.Compartments.Parameters(PatientCompartment, type) is not { Count: > 0 } parameters)
        {
            return false;
        }
        foreach (var value in context.Indexer.Extract(resource))
        {
            if (value is ReferenceIndexValue { TargetType: "Patient" } reference && reference.TargetId == patient && parameters.Contains(value.Code))
            {
                return true;
            }
        }
        return false;
    }
}
