using Fhir.Core.Outcomes;
using Fhir.Server.Http;

namespace Fhir.Server.Security;

/// <summary>
/// The type-level check every interaction passes before it touches data, over HTTP and for each
/// entry of a batch or transaction: which SMART permission the request needs on which type.
/// What a <see cref="AccessDecision.PatientCompartment"/> grant may see is checked again on the
/// resources themselves (<see cref="PatientCompartment"/>).
/// </summary>
internal static class AccessGate
{
    /// <summary>The decision for <paramref name="request"/>, or a 403 response when it is denied.</summary>
    public static (AccessDecision Decision, FhirResponse? Denied) Check(FhirRequest request)
    {
        var grant = request.Access;
        var (type, permissions) = Required(request);
        if (type is null)
        {
            // System-wide reads (history, search over all types) need the permission on every type,
            // the audit trail included.
            var all = grant.Decide("*", permissions) == AccessDecision.Allowed && grant.Decide(AccessGrant.AuditEventType, permissions) == AccessDecision.Allowed;
            return all ? (AccessDecision.Allowed, null) : (AccessDecision.Denied, Forbidden(grant, "all resource types", permissions));
        }
        if (type == AccessGrant.AuditEventType && (permissions & (Permissions.Create | Permissions.Update | Permissions.Delete)) != 0)
        {
            return (AccessDecision.Denied, FhirResponse.Error(403, IssueType.Forbidden, "AuditEvents are written by the server only; they cannot be created, changed or deleted through the API."));
        }
        var decision = grant.Decide(type, permissions);
        return decision == AccessDecision.Denied ? (decision, Forbidden(grant, type, permissions)) : (decision, null);
    }

    /// <summary>The permissions an interaction needs, from its method, URL and conditions.</summary>
    public static (string? Type, Permissions Permissions) Required(FhirRequest request)
    {
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
        return (request.ResourceType, permissions);
    }

    /// <summary>403 with what was missing; the message names the scopes, never data.</summary>
    public static FhirResponse Forbidden(AccessGrant grant, string what, Permissions permissions) =>
        FhirResponse.Error(403, IssueType.Forbidden,
            $"The token's scopes ({(grant.ScopeText.Length == 0 ? "none" : grant.ScopeText)}) do not allow {Describe(permissions)} on {what}.");

    private static string Describe(Permissions permissions) =>
        string.Join(" and ", Enum.GetValues<Permissions>()
            .Where(p => p is not (Permissions.None or Permissions.All) && permissions.HasFlag(p))
            .Select(p => p.ToString().ToLowerInvariant()));
}
