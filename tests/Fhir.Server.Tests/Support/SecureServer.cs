using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Fhir.Server.Tests.Support;

/// <summary>
/// The clients of the security tests: the roles of the README (EHR integration, researcher,
/// administrator), an auditor, a patient-scoped app, and two SMART Backend Services clients with
/// key pairs. Secrets and keys are made afresh for each test run; none is in the repository.
/// </summary>
public static class TestClients
{
    public const string Ehr = "ehr";
    public const string Researcher = "researcher";
    public const string Admin = "admin";
    public const string Auditor = "auditor";
    public const string PatientApp = "patient-app";
    public const string Seeder = "seeder";
    public const string RsaBackend = "backend-rsa";
    public const string EcBackend = "backend-ec";

    /// <summary>The launch patient of <see cref="PatientApp"/>.</summary>
    public const string LaunchPatient = "p1";

    public static readonly IReadOnlyDictionary<string, string> Scopes = new Dictionary<string, string>
    {
        [Ehr] = "system/Patient.crus system/Observation.crus system/DiagnosticReport.crus system/AdverseEvent.crus system/Specimen.crus",
        [Researcher] = "system/*.rs",
        [Admin] = "system/StructureDefinition.cruds system/ValueSet.cruds system/CodeSystem.cruds system/SearchParameter.cruds",
        [Auditor] = "system/AuditEvent.rs",
        [PatientApp] = "patient/*.rs",
        [Seeder] = "system/*.cruds",
        [RsaBackend] = "system/*.rs",
        [EcBackend] = "system/Observation.rs",
    };

    public static readonly RSA RsaKey = RSA.Create(2048);
    public static readonly ECDsa EcKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    private static readonly Dictionary<string, string> Secrets = Scopes.Keys.ToDictionary(k => k, _ => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));

    public static string Secret(string client) => Secrets[client];

    public static RsaSecurityKey RsaSigningKey { get; } = new(RsaKey) { KeyId = "rsa-1" };
    public static ECDsaSecurityKey EcSigningKey { get; } = new(EcKey) { KeyId = "ec-1" };

    /// <summary>Configuration for a server with SMART authorisation and the audit trail on.</summary>
    public static IEnumerable<KeyValuePair<string, string>> SecureSettings() =>
        SmartSettings(Scopes.Select(c => new ClientSetting(c.Key, c.Value,
            c.Key switch { RsaBackend => ("Jwks", RsaJwks()), EcBackend => ("Jwks", EcJwks()), _ => ("ClientSecret", Secret(c.Key)) },
            c.Key == PatientApp ? LaunchPatient : null)));

    /// <summary>One client of a SMART-mode test server: its scopes, its credential (setting name and value) and its launch patient.</summary>
    public sealed record ClientSetting(string ClientId, string Scopes, (string Name, string Value) Credential, string? Patient);

    /// <summary>Configuration for a server with SMART authorisation, the audit trail on, and <paramref name="clients"/>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> SmartSettings(IEnumerable<ClientSetting> clients)
    {
        yield return new("Auth:Mode", "Smart");
        yield return new("Audit:Enabled", "true");
        var n = 0;
        foreach (var client in clients)
        {
            var prefix = $"Auth:Clients:{n++}:";
            yield return new(prefix + "ClientId", client.ClientId);
            yield return new(prefix + "Scopes", client.Scopes);
            yield return new(prefix + client.Credential.Name, client.Credential.Value);
            if (client.Patient is not null)
            {
                yield return new(prefix + "Patient", client.Patient);
            }
        }
    }

    private static string RsaJwks()
    {
        var p = RsaKey.ExportParameters(false);
        return JsonSerializer.Serialize(new { keys = new[] { new { kty = "RSA", kid = RsaSigningKey.KeyId, alg = "RS384", n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } } });
    }

    private static string EcJwks()
    {
        var p = EcKey.ExportParameters(false);
        return JsonSerializer.Serialize(new { keys = new[] { new { kty = "EC", kid = EcSigningKey.KeyId, alg = "ES384", crv = "P-384", x = Base64UrlEncoder.Encode(p.Q.X), y = Base64UrlEncoder.Encode(p.Q.Y) } } });
    }
}

/// <summary>A SQLite server with SMART authorisation and auditing on.</summary>
public sealed class SecureSqliteServer : SqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => TestClients.SecureSettings();
}

/// <summary>A PostgreSQL server with SMART authorisation and auditing on.</summary>
public sealed class SecurePostgresServer : PostgresServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => TestClients.SecureSettings();
}
