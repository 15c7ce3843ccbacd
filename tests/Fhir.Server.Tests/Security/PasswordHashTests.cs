using Fhir.Storage.Security;

namespace Fhir.Server.Tests.Security;

public sealed class PasswordHashTests
{
    [Fact]
    public void A_hash_is_salted_verifies_its_password_only_and_carries_its_iterations()
    {
        var one = PasswordHash.Create("correct horse", 1_000);
        var two = PasswordHash.Create("correct horse", 1_000);
        Assert.NotEqual(one, two);
        Assert.StartsWith("pbkdf2-sha256$1000$", one, StringComparison.Ordinal);
        Assert.True(PasswordHash.Verify("correct horse", one));
        Assert.True(PasswordHash.Verify("correct horse", two));
        Assert.False(PasswordHash.Verify("correct horse ", one));
        Assert.False(PasswordHash.Verify("", one));
        Assert.StartsWith($"pbkdf2-sha256${PasswordHash.DefaultIterations}$", PasswordHash.Create("x"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("correct horse")]
    [InlineData("md5$1$abc$def")]
    [InlineData("pbkdf2-sha256$0$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$1000$not base64$AAAA")]
    [InlineData("pbkdf2-sha256$1000$AAAA$")]
    public void Malformed_hashes_verify_nothing(string? stored)
    {
        Assert.False(PasswordHash.Verify("correct horse", stored));
    }
}
