using Fhir.Server.Security;

namespace Fhir.Server.Pipeline;

/// <summary>The intake mode of each request: its client's (<c>Auth:Clients:&lt;n&gt;:Intake</c>) when set, else the server's (<c>Fhir:Intake</c>).</summary>
internal sealed class IntakePolicy
{
    private readonly IntakeMode _default;
    private readonly Dictionary<string, IntakeMode> _byClient;

    public IntakePolicy(FhirServerOptions options, AuthOptions auth)
    {
        _default = options.Intake;
        _byClient = auth.Clients.Where(c => c.Intake is not null).ToDictionary(c => c.ClientId, c => c.Intake!.Value, StringComparer.Ordinal);
    }

    public IntakeMode For(AccessGrant grant) => _byClient.GetValueOrDefault(grant.ClientId, _default);
}
