using Fhir.Server.Tests.Support;
using Fhir.Storage.Security;

namespace Fhir.Server.Tests.Security;

/// <summary>The people of the sign-in tests: a read-only researcher, a writer and a patient-confined user (passwords made per run).</summary>
public static class TestUsers
{
    public const string Reader = "rita";
    public const string Writer = "walter";
    public const string PatientUser = "pat";

    public static readonly IReadOnlyDictionary<string, string> Scopes = new Dictionary<string, string>
    {
        [Reader] = "user/*.rs",
        [Writer] = "user/*.cruds",
        [PatientUser] = "patient/*.rs",
    };

    private static readonly Dictionary<string, string> Passwords = Scopes.Keys.ToDictionary(k => k, _ => Guid.NewGuid().ToString("N"));

    public static string Password(string user) => Passwords[user];

    /// <summary>Auth:Users settings; the hashes use few iterations so that the tests stay quick (the format carries the count).</summary>
    public static IEnumerable<KeyValuePair<string, string>> Settings()
    {
        var n = 0;
        foreach (var (user, scopes) in Scopes)
        {
            var prefix = $"Auth:Users:{n++}:";
            yield return new(prefix + "UserName", user);
            yield return new(prefix + "PasswordHash", PasswordHash.Create(Password(user), 1_000));
            yield return new(prefix + "Scopes", scopes);
            if (user == PatientUser)
            {
                yield return new(prefix + "Patient", TestClients.LaunchPatient);
            }
        }
    }
}

/// <summary>A SQLite server in SMART mode with the clients of <see cref="TestClients"/> and the users of <see cref="TestUsers"/>.</summary>
public sealed class SignInServer : SqliteServer
{
    protected override IEnumerable<KeyValuePair<string, string>> Settings => TestClients.SecureSettings().Concat(TestUsers.Settings());
}
