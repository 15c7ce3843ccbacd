using System.CommandLine;
using Fhir.Storage.Security;

namespace Fhir.Cli.Commands;

/// <summary>
/// <c>fhir auth hash-password</c> reads a password from standard input (one line) and prints its hash for
/// <c>Auth:Users:&lt;n&gt;:PasswordHash</c>; the password never appears on the command line or in shell history.
/// </summary>
internal static class AuthCommand
{
    public static Command Create()
    {
        var hash = new Command("hash-password", "Read a password from standard input and print its PBKDF2 hash for Auth:Users:<n>:PasswordHash.");
        hash.SetAction(_ => Run(Console.In, Console.Out, Console.Error));
        return new Command("auth", "Sign-in tools.") { hash };
    }

    /// <summary>Hashes the first line of <paramref name="input"/>.</summary>
    public static int Run(TextReader input, TextWriter output, TextWriter error)
    {
        var password = input.ReadLine();
        if (string.IsNullOrEmpty(password))
        {
            error.WriteLine("No password on standard input (for example: read -rs p; printf '%s\\n' \"$p\" | fhir auth hash-password).");
            return ExitCodes.UnusableArguments;
        }
        output.WriteLine(PasswordHash.Create(password));
        return 0;
    }
}
