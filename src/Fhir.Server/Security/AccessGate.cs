using Fhir.Core.Outcomes;
using Fhir.Server.Http;
using Fhir.Storage;
using Fhir.Storage.Access;

namespace Fhir.Server.Security;

/// <summary>
/// The one gate every read of stored data passes, whatever asked for it: reads, version reads, history, searches
/// (with what their chains and <c>_has</c> traverse), includes, compartments, <c>$everything</c>, the conditional
/// matches of creates, updates, deletes, patches and references, Bundle entries and operations. It turns a request's
/// grant into one <see cref="ReadScope"/> that the store applies inside the SQL of every statement
/// (<see cref="Reader"/>, and the searches of <see cref="Pipeline.WriteSession"/>), and it judges what a write may put
/// into, or take out of, a patient's compartment (<see cref="CheckWrite"/>).
/// </summary>
/// <remarks>
/// Type permissions per interaction are checked before an interaction runs (<see cref="InteractionAccess"/>); what the
/// gate adds is the data side, which no interaction can bypass because the store has no other way in.
/// </remarks>
internal sealed class AccessGate
{
    private readonly ServerContext? context;
    private ReadScope? scope;
    private IResourceReader? reader;

    private AccessGate(AccessGrant grant, ServerContext? context)
    {
        Grant = grant;
        this.context = context;
    }

    /// <summary>A gate for <paramref name="grant"/> on <paramref name="context"/>'s store.</summary>
    public static AccessGate For(AccessGrant grant, ServerContext context) => new(grant, context);

    /// <summary>The gate of the server's own work (audit events, jobs): everything.</summary>
    public static AccessGate Server(ServerContext context) => new(AccessGrant.Unrestricted("server"), context);

    /// <summary>The gate of a request nobody opened: any read through it is a bug and throws.</summary>
    public static AccessGate Closed { get; } = new(AccessGrant.Nobody, null);

    /// <summary>The grant behind the gate.</summary>
    public AccessGrant Grant { get; }

    /// <summary>What this grant may see, as the store applies it.</summary>
    public ReadScope Scope => scope ??= BuildScope();

    /// <summary>The reads this grant may make; nothing outside <see cref="Scope"/> exists for them.</summary>
    public IResourceReader Reader => reader ??= (context ?? throw new InvalidOperationException("A read through a closed access gate.")).Store.Reader(Scope);

    /// <summary>The patient this grant is confined to for <paramref name="type"/>, or null.</summary>
    public string? ConfinedTo(string type) => Scope.Confines(type) ? Scope.Patient : null;

    /// <summary>
    /// Whether a version about to be written may be written under this grant (null) or the refusal: a grant confined to a
    /// patient writes only resources whose patient compartment is exactly that patient and that refer to no other
    /// Patient anywhere, and only over versions it could read (checked by the write session before it lets the
    /// current version be replaced).
    /// </summary>
    /// <param name="type">The resource type.</param>
    /// <param name="patients">The patients whose compartment the new version is in.</param>
    /// <param name="referencedPatients">Every Patient id the new version refers to, compartment or not.</param>
    public FhirResponse? CheckWrite(string type, IReadOnlyList<string> patients, IReadOnlyCollection<string> referencedPatients)
    {
        if (ConfinedTo(type) is not { } patient)
        {
            return null;
        }
        if (!patients.Contains(patient))
        {
            return FhirResponse.Error(403, IssueType.Forbidden,
                $"The token is confined to Patient/{patient}: the {type} it writes must be in that patient's compartment.");
        }
        if (patients.FirstOrDefault(p => p != patient) is { } another)
        {
            return FhirResponse.Error(403, IssueType.Forbidden,
                $"The token is confined to Patient/{patient}: the {type} it writes may not be in another patient's compartment (Patient/{another}).");
        }
        foreach (var other in referencedPatients)
        {
            if (other != patient)
            {
                return FhirResponse.Error(403, IssueType.Forbidden,
                    $"The token is confined to Patient/{patient}: the {type} it writes may not refer to another patient (Patient/{other}).");
            }
        }
        return null;
    }

    // The types of each permission, from the grant's decisions on every resource type; the patient limit applies to the
    // types the grant reaches only through patient/ scopes.
    private ReadScope BuildScope()
    {
        if (context is null)
        {
            return new ReadScope { ReadTypes = new HashSet<string>(), SearchTypes = new HashSet<string>() };
        }
        var types = context.Definitions.ResourceTypeNames;
        HashSet<string> read = new(StringComparer.Ordinal), search = new(StringComparer.Ordinal), free = new(StringComparer.Ordinal);
        var confined = false;
        foreach (var type in types)
        {
            var readDecision = Grant.Decide(type, Permissions.Read);
            var searchDecision = Grant.Decide(type, Permissions.Search);
            if (readDecision != AccessDecision.Denied) read.Add(type);
            if (searchDecision != AccessDecision.Denied) search.Add(type);
            if (readDecision == AccessDecision.PatientCompartment || searchDecision == AccessDecision.PatientCompartment)
            {
                confined = true;
            }
            else if (readDecision == AccessDecision.Allowed || searchDecision == AccessDecision.Allowed)
            {
                free.Add(type);
            }
        }
        var everyType = read.Count == types.Count && search.Count == types.Count;
        if (everyType && !confined)
        {
            return ReadScope.Everything;
        }
        return new ReadScope
        {
            ReadTypes = read.Count == types.Count ? null : read,
            SearchTypes = search.Count == types.Count ? null : search,
            Patient = confined ? Grant.PatientId : null,
            UnconfinedTypes = confined && free.Count > 0 ? free : null,
        };
    }

    /// <summary>The 403 for a search that reached a type the grant may not search.</summary>
    public FhirResponse Refusal(ScopeViolationException violation) =>
        InteractionAccess.Forbidden(Grant, $"{violation.Type} (reached by '{violation.Via}')", Permissions.Search);
}

/// <summary>
/// A request touched stored data the gate does not let it see or change; the response says so (404 where the data
/// must stay invisible, 403 otherwise). Thrown from deep inside an interaction (a write session's read of the current
/// version, a write) and turned into its response where the interaction was started (<see cref="AccessControl.GuardAsync"/>).
/// </summary>
internal sealed class AccessDeniedException(FhirResponse response) : Exception(response.Issues.FirstOrDefault()?.Message)
{
    /// <summary>The answer to give.</summary>
    public FhirResponse Response { get; } = response;
}
