using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Fhir.Server.Security;

/// <summary>
/// The RSA key that signs the built-in token endpoint's access tokens. Created on first start and
/// kept in a file readable by the server's user only (<see cref="AuthOptions.SigningKeyPath"/>), so
/// tokens survive restarts and no key is ever part of the repository.
/// </summary>
internal sealed class SigningKey
{
    private SigningKey(RsaSecurityKey key)
    {
        Key = key;
        Credentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256);
    }

    /// <summary>The key, with its key id (the RFC 7638 thumbprint).</summary>
    public RsaSecurityKey Key { get; }

    /// <summary>RS256 credentials over <see cref="Key"/>.</summary>
    public SigningCredentials Credentials { get; }

    /// <summary>The public half as a JWKS document, for <c>/auth/jwks</c>.</summary>
    public string PublicJwks()
    {
        var parameters = Key.Rsa.ExportParameters(includePrivateParameters: false);
        return JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", alg = "RS256", kid = Key.KeyId, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
            },
        });
    }

    /// <summary>Loads the key from <paramref name="path"/>, creating it there (owner-only) when absent.</summary>
    public static SigningKey LoadOrCreate(string path)
    {
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            rsa.KeySize = 2048;
            var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
            }
            else
            {
                CreateOwnerOnlyFolder(folder);
            }
            var pem = rsa.ExportPkcs8PrivateKeyPem();
            // Written to a temporary name with owner-only rights, then moved: never readable by others, never half-written.
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            using (var stream = new FileStream(temporary, create))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(pem);
            }
            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
                File.Delete(temporary);
                rsa.ImportFromPem(File.ReadAllText(path));
            }
        }
        var key = new RsaSecurityKey(rsa);
        key.KeyId = Base64UrlEncoder.Encode(key.ComputeJwkThumbprint());
        return new SigningKey(key);
    }

    // The folder, and each missing parent (such as the data folder), is the server user's only.
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void CreateOwnerOnlyFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            return;
        }
        if (System.IO.Path.GetDirectoryName(folder) is { } parent)
        {
            CreateOwnerOnlyFolder(parent);
        }
        Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
