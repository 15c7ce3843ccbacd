using Fhir.Server.Security;

namespace Fhir.Server.Tests.Security;

public sealed class SigningKeyTests
{
    [Fact]
    public void Issue12_item24_the_key_file_and_every_folder_made_for_it_are_owner_only()
    {
        if (OperatingSystem.IsWindows()) return;
        var root = Directory.CreateTempSubdirectory("fhir-key-");
        try
        {
            var path = System.IO.Path.Combine(root.FullName, "data", "keys", "token-signing-key.pem");

            var key = SigningKey.LoadOrCreate(path);

            Assert.NotNull(key.Key.KeyId);
            const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(Folder, File.GetUnixFileMode(System.IO.Path.Combine(root.FullName, "data", "keys")));
            Assert.Equal(Folder, File.GetUnixFileMode(System.IO.Path.Combine(root.FullName, "data")));
            // The same key comes back on the next start.
            Assert.Equal(key.Key.KeyId, SigningKey.LoadOrCreate(path).Key.KeyId);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
