using Fhir.Core.Outcomes;
using Fhir.Server.Http;

namespace Fhir.Server.Security;

/// <summary>
/// The type-level check every interaction passes before it runs, over HTTP and for each entry of a batch or
/// transaction: which SMART permission the request needs on the types its URL names. What it may then see of the
/// stored data (which types a search traverses, which patient's compartment) is decided by the <see cref="AccessGate"/>
/// on every read, whatever the interaction.
/// </summary>
internal static class InteractionAccess
{
    // What the trial operations read: they compute from all of a study's participants' data.
    private static readonly string[] TrialTypes = ["ResearchStudy", "ResearchSubject", "Patient", "Observation", "AdverseEvent", "MedicationAdministration", "Encounter"];

    /// <summary>The decision for <paramref name="request"/>, or a 403 response when it is denied.</summary>
    public static (AccessDecision Decision, FhirResponse? Denied) Check(FhirRequest request)
    {
        var grant = request.Access;
        var decision = AccessDecision.Allowed;
        foreach (var (type, permissions) in Required(request))
        {
            if (type == AccessGrant.AuditEventType && (permissions & (Permissions.Create | Permissions.Update | Permissions.Delete)) != 0)
            {
                return (AccessDecision.Denied, FhirResponse.Error(403, IssueType.Forbidden, "AuditEvents are written by the server only; they cannot be created, changed or deleted through the API."));
            }
            // "*" stands for every type, the audit trail included.
            var decided = type == "*"
                ? Min(grant.Decide("*", permissions), grant.Decide(AccessGrant.AuditEventType, permissions))
                : grant.Decide(type, permissions);
            if (decided == AccessDecision.Denied)
            {
                return (AccessDecision.Denied, Forbidden(grant, type == "*" ? "all resource types" : type, permissions));
            }
            decision = Min(decision, decided);
        }
        return (decision, null);
    }

    /// <summary>The permissions an interaction needs on each type, from its method, URL and conditions.</summary>
    public static IReadOnlyList<(string Type, Permissions Permissions)> Required(FhirRequest request)
    {
        var segments = request.RelativeUrl.Split('?')[0].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var operation = segments.FirstOrDefault(s => s.StartsWith('$'));
        if (operation is not null)
        {
            return operation switch
            {
                // The focal resource is read; what comes back is filtered to what the grant can read.
                "$everything" => [(segments[0], Permissions.Read)],
                "$eligibility" or "$endpoints" or "$subject-outcomes" or "$candidates" => [.. TrialTypes.Select(t => (t, Permissions.Read | Permissions.Search))],
                // Reindexing rewrites the search index of the types it covers: an administrator's task.
                "$reindex" => [("SearchParameter", Permissions.Update)],
                // Validating stores nothing; at instance level it reads the stored resource.
                "$validate" => [(segments[0], Permissions.Read)],
                // Bulk Data export: the Group or study read for its members; which types come out is settled by the kick-off
                // (403 for a _type the grant may not read), and what of them by the gate the job reads through.
                "$export" => segments.Length == 3 ? [(segments[0], Permissions.Read)] : [],
                // Bulk import writes through the client's gate: each resource needs what its create or update would (the job
                // checks them one by one, the kick-off the types it is told of).
                "$import" => [],
                // A view reads its resource type through the gate (the operation checks read and search on it).
                "$run" => [],
                _ => [(request.ResourceType ?? "*", Permissions.All)],
            };
        }
        if (IsSystemSearch(request))
        {
            // With _type every listed type is searched; without it the search covers what the grant
            // may search (SystemSearchTypes), so nothing is required up front.
            return [.. SystemSearchListedTypes(request).Select(t => (t, Permissions.Search))];
        }
        if (request.ResourceType is null && segments is ["_history"])
        {
            // System history covers the types the grant may read: the gate filters its rows type by type (and version
            // by version, for a patient), so nothing is required up front.
            return [];
        }
        if (segments.Length > 0 && segments[0] == "_bulk")
        {
            // A bulk job's status and files belong to the client that started it (checked by the operation): others get 404.
            return [];
        }
        if (segments.Length > 0 && segments[0] == "_jobs")
        {
            return [("SearchParameter", request.Method == "DELETE" ? Permissions.Update : Permissions.Read)];
        }
        if (segments.Length >= 3 && segments[2] != "_history")
        {
            // A compartment search (Patient/1/Observation): the focal resource is read, the target searched.
            return [(segments[0], Permissions.Read), (segments[2], Permissions.Search)];
        }
        var conditional = request.Query.Count > 0 || request.Conditions.IfNoneExist is not null;
        var permissions = request.Method switch
        {
            "GET" or "HEAD" => request.Id is null ? Permissions.Search : Permissions.Read,
            "POST" when request.RelativeUrl.EndsWith("/_search", StringComparison.Ordinal) => Permissions.Search,
            "POST" => Permissions.Create | (request.Conditions.IfNoneExist is not null ? Permissions.Search : Permissions.None),
            "PUT" or "PATCH" => Permissions.Update | (request.Id is null && conditional ? Permissions.Search : Permissions.None),
            "DELETE" => Permissions.Delete | (request.Id is null && conditional ? Permissions.Search : Permissions.None),
            _ => Permissions.All,
        };
        return [(request.ResourceType ?? "*", permissions)];
    }

    /// <summary>Whether <paramref name="request"/> is a system-level search: <c>GET [base]?params</c> or <c>POST [base]/_search</c>.</summary>
    public static bool IsSystemSearch(FhirRequest request) =>
        request.ResourceType is null && request.Method switch
        {
            "GET" or "HEAD" => request.RelativeUrl.TrimEnd('/').Length == 0,
            "POST" => request.RelativeUrl.TrimEnd('/') == "_search",
            _ => false,
        };

    /// <summary>The types a system-level search names with <c>_type</c> (none: all).</summary>
    public static IReadOnlyList<string> SystemSearchListedTypes(FhirRequest request) =>
        [.. request.Query.Where(q => q.Key == "_type")
            .SelectMany(q => q.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct(StringComparer.Ordinal)];

    private static AccessDecision Min(AccessDecision a, AccessDecision b) => a < b ? a : b;

    /// <summary>403 with what was missing; the message names the scopes, never data.</summary>
    public static FhirResponse Forbidden(AccessGrant grant, string what, Permissions permissions) =>
        FhirResponse.Error(403, IssueType.Forbidden,
            $"The token's scopes ({(grant.ScopeText.Length == 0 ? "none" : grant.ScopeText)}) do not allow {Describe(permissions)} on {what}.");

    private static string Describe(Permissions permissions) =>
        string.Join(" and ", Enum.GetValues<Permissions>()
            .Where(p => p is not (Permissions.None or Permissions.All) && permissions.HasFlag(p))
            .Select(p => p.ToString().ToLowerInvariant()));
}
