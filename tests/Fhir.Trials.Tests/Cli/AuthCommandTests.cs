using Fhir.Cli.Commands;
using Fhir.Storage.Security;

namespace Fhir.Trials.Tests.Cli;

public sealed class AuthCommandTests
{
    [Fact]
    public void Hash_password_prints_a_hash_of_the_first_line_of_standard_input()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, AuthCommand.Run(new StringReader("s3cret pass\nignored\n"), output, error));
        var hash = output.ToString().Trim();
        Assert.True(PasswordHash.Verify("s3cret pass", hash));
        Assert.False(PasswordHash.Verify("ignored", hash));
        Assert.Empty(error.ToString());
    }

    [Fact]
    public void Hash_password_without_input_is_an_unusable_argument()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(2, AuthCommand.Run(new StringReader(""), output, error));
        Assert.Empty(output.ToString());
        Assert.Contains("hash-password", error.ToString(), StringComparison.Ordinal);
    }
}
