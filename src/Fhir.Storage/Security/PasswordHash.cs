using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Fhir.Storage.Security;

/// <summary>
/// Salted, slow password hashes for the built-in sign-in (<c>Auth:Users:&lt;n&gt;:PasswordHash</c>): PBKDF2 with
/// HMAC-SHA256, a 16-byte random salt and 600,000 iterations (OWASP's 2023 figure), written as
/// <c>pbkdf2-sha256$iterations$salt$hash</c> (base64). Made by <c>fhir auth hash-password</c>; shared by the CLI and the
/// server so that both read one format.
/// </summary>
public static class PasswordHash
{
    /// <summary>The format's prefix.</summary>
    public const string Scheme = "pbkdf2-sha256";

    /// <summary>Iterations of new hashes.</summary>
    public const int DefaultIterations = 600_000;

    private const int SaltBytes = 16, HashBytes = 32;

    /// <summary>A new hash of <paramref name="password"/> with a fresh salt.</summary>
    public static string Create(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>Whether <paramref name="password"/> matches <paramref name="stored"/>; false for a malformed hash (constant time in the hash compare).</summary>
    public static bool Verify(string password, string? stored)
    {
        ArgumentNullException.ThrowIfNull(password);
        var parts = (stored ?? "").Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1)
        {
            return false;
        }
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        if (expected.Length == 0)
        {
            return false;
        }
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>Whether <paramref name="stored"/> is in this format (for start-up checks of the configuration).</summary>
    public static bool IsWellFormed(string? stored)
    {
        var parts = (stored ?? "").Split('$');
        return parts.Length == 4 && parts[0] == Scheme && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i >= 1;
    }
}
