using System.Text.Json.Serialization;

namespace Fhir.Server.Security;

/// <summary>
/// The grant of a client's background work (a Bulk Data export, a bulk import): what the job's stored request keeps of
/// the token that started it (client, scopes, launch patient), and the grant and access gate rebuilt from that when the
/// job runs, on whichever node and after any restart. A job acting for a client reads and writes through this gate,
/// never as the server, so it sees and changes exactly what the client could over HTTP.
/// </summary>
/// <param name="ClientId">The client that asked (also the only client that may poll, cancel and download).</param>
/// <param name="Scopes">The scopes its token carried.</param>
/// <param name="Patient">The launch patient of its <c>patient/</c> scopes, if any.</param>
/// <param name="Unrestricted">True when it asked under <c>Auth:Mode=None</c> (the server was open to everyone on loopback).</param>
internal sealed record DelegatedGrant(
    [property: JsonPropertyName("clientId")] string ClientId,
    [property: JsonPropertyName("scopes")] string Scopes,
    [property: JsonPropertyName("patient")] string? Patient,
    [property: JsonPropertyName("unrestricted")] bool Unrestricted)
{
    /// <summary>What a job must keep of <paramref name="grant"/>.</summary>
    public static DelegatedGrant Of(AccessGrant grant) =>
        new(grant.ClientId, grant.ScopeText, grant.PatientId, grant.IsUnrestricted);

    /// <summary>The grant the client had.</summary>
    public AccessGrant ToGrant() => Unrestricted ? AccessGrant.Unrestricted(ClientId) : AccessGrant.FromToken(ClientId, Scopes, Patient);

    /// <summary>The gate the job reads and writes through: the client's view of <paramref name="context"/>'s store.</summary>
    public AccessGate Gate(ServerContext context) => AccessGate.For(ToGrant(), context);

    /// <summary>Whether <paramref name="grant"/> is the same client (the one that may see the job and its files).</summary>
    public bool IsClient(AccessGrant grant) => grant.ClientId == ClientId;
}
