using System.CommandLine;

namespace Fhir.Cli;

/// <summary>Runs the root command: unusable arguments exit with 2, otherwise the verb's own exit code.</summary>
internal static class CommandLineRunner
{
    public static int Run(RootCommand root, string[] args)
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine(error.Message);
            }
            Console.Error.WriteLine($"Run '{root.Name} --help' for usage.");
            return ExitCodes.UnusableArguments;
        }
        return parsed.Invoke();
    }
}
