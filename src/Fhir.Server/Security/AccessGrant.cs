namespace Fhir.Server.Security;

/// <summary>
/// What one request may do: who asks (the client), the SMART scopes of its token and, for
/// <c>patient/</c> scopes, the patient they are confined to. Built once per request from the
/// token; every check goes through <see cref="Decide"/>.
/// </summary>
internal sealed class AccessGrant
{
    /// <summary>The resource type of the audit trail.</summary>
    public const string AuditEventType = "AuditEvent";

    private readonly IReadOnlyList<SmartScope> _scopes;
    private readonly bool _unrestricted;

    private AccessGrant(string clientId, string scopeText, IReadOnlyList<SmartScope> scopes, string? patientId, bool unrestricted)
    {
        ClientId = clientId;
        ScopeText = scopeText;
        _scopes = scopes;
        PatientId = patientId;
        _unrestricted = unrestricted;
    }

    /// <summary>No access at all: the default of a request nobody authorised (fail closed).</summary>
    public static AccessGrant Nobody { get; } = new("", "", [], null, unrestricted: false);

    /// <summary>Everything, for <c>Auth:Mode=None</c> on loopback and for the server's own work.</summary>
    public static AccessGrant Unrestricted(string who) => new(who, "*", [], null, unrestricted: true);

    /// <summary>The grant of a token: its client, its scopes and its launch patient (if any).</summary>
    public static AccessGrant FromToken(string clientId, string? scopes, string? patientId) =>
        new(clientId, scopes ?? "", SmartScope.ParseAll(scopes), string.IsNullOrEmpty(patientId) ? null : patientId, unrestricted: false);

    /// <summary>The client (OAuth <c>client_id</c> or the token's subject).</summary>
    public string ClientId { get; }

    /// <summary>The scopes as granted, for the audit trail.</summary>
    public string ScopeText { get; }

    /// <summary>The launch patient of <c>patient/</c> scopes.</summary>
    public string? PatientId { get; }

    /// <summary>True for the grant of <c>Auth:Mode=None</c> and of the server's own work: everything is allowed.</summary>
    public bool IsUnrestricted => _unrestricted;

    /// <summary>Whether <paramref name="permissions"/> on <paramref name="resourceType"/> are allowed, and how far.</summary>
    public AccessDecision Decide(string resourceType, Permissions permissions)
    {
        if (_unrestricted)
        {
            return AccessDecision.Allowed;
        }
        Permissions wide = Permissions.None, patient = Permissions.None;
        foreach (var scope in _scopes)
        {
            // The audit trail is not part of "all resources": reading it takes a scope that names it.
            if (scope.ResourceType != resourceType && (scope.ResourceType != "*" || resourceType == AuditEventType))
            {
                continue;
            }
            if (scope.Context == ScopeContext.Patient)
            {
                patient |= scope.Permissions;
            }
            else
            {
                wide |= scope.Permissions;
            }
        }
        if ((wide & permissions) == permissions)
        {
            return AccessDecision.Allowed;
        }
        // patient/ scopes count only with a launch patient; together with wide scopes the
        // request is confined to the patient, which is the narrower of the two.
        return PatientId is not null && ((wide | patient) & permissions) == permissions
            ? AccessDecision.PatientCompartment
            : AccessDecision.Denied;
    }

}

/// <summary>The answer to an access question.</summary>
internal enum AccessDecision
{
    /// <summary>Not allowed.</summary>
    Denied,

    /// <summary>Allowed only on resources in the compartment of the grant's patient.</summary>
    PatientCompartment,

    /// <summary>Allowed.</summary>
    Allowed,
}
