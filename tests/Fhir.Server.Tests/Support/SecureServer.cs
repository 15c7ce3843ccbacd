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
    public static IEnumerable<KeyValuePair<string, string>> SecureSettings()
    {
        yield return new("Auth:Mode", "Smart");
        yield return new("Audit:Enabled", "true");
        var n = 0;
        foreach (var (client, scopes) in Scopes)
        {
            var prefix = $"Auth:Clients:{n++}:";
            yield return new(prefix + "ClientId", client);
            yield return new(prefix + "Scopes", scopes);
            switch (client)
            {
                case RsaBackend:
                    yield return new(prefix + "Jwks", RsaJwks());
                    break;
                case EcBackend:
                    yield return new(prefix + "Jwks", EcJwks());
                    break;
                default:
                    yield return new(prefix + "ClientSecret", Secret(client));
                    break;
            }
            if (client == PatientApp)
            {
                yield return new(prefix + "Patient", LaunchPatient);
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
