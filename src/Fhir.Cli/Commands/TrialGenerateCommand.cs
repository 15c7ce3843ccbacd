using System.CommandLine;
using System.Globalization;
using Fhir.Trials.Generation;

namespace Fhir.Cli.Commands;

/// <summary>
/// <c>fhir trial generate --patients N --seed S [--out DIR]</c> writes the transaction Bundles of a synthetic basket
/// trial (the study first, then one per patient) that conform to <c>profiles/</c>; the same seed gives the same files.
/// Without <c>--out</c> they go to <see cref="DefaultOutput"/> under the working directory, a folder the repository's
/// <c>.gitignore</c> covers, so that generated data never lands among the sources.
/// </summary>
internal static class TrialGenerateCommand
{
    /// <summary>Where the Bundles go without <c>--out</c>, relative to the working directory.</summary>
    public static readonly string DefaultOutput = System.IO.Path.Combine("out", "trial");

    public static Command Create()
    {
        var patients = new Option<int>("--patients", "-n")
        {
            Description = "Patients screened (default 40).",
            DefaultValueFactory = _ => 40,
        };
        var seed = new Option<int>("--seed", "-s")
        {
            Description = "The random seed; the same seed gives byte-identical files (default 1).",
            DefaultValueFactory = _ => 1,
        };
        var output = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = "The folder to write the Bundles into (created if needed; default ./out/trial, which git ignores).",
            DefaultValueFactory = _ => new DirectoryInfo(DefaultOutput),
        };
        var generate = new Command("generate", "Write transaction Bundles for a synthetic basket trial.")
        {
            patients,
            seed,
            output,
        };
        generate.SetAction(parsed => Run(parsed.GetValue(patients), parsed.GetValue(seed), parsed.GetValue(output)!.FullName, Console.Out, Console.Error));
        return new Command("trial", "Clinical trial tools.") { generate };
    }

    /// <summary>Generates and writes the trial; prints a short summary.</summary>
    public static int Run(int patients, int seed, string directory, TextWriter output, TextWriter error)
    {
        var options = new TrialGeneratorOptions { Patients = patients, Seed = seed };
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                error.WriteLine(problem);
            }
            return ExitCodes.UnusableArguments;
        }
        GeneratedTrial trial;
        try
        {
            trial = TrialGenerator.Write(options, directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"Cannot write to '{directory}': {e.Message}");
            return ExitCodes.UnusableArguments;
        }
        var s = trial.Summary;
        var culture = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(culture, $"Wrote {trial.Bundles.Count} transaction bundles ({s.Resources} resources) to {System.IO.Path.GetFullPath(directory)}"));
        output.WriteLine(string.Create(culture, $"Study {s.StudyIdentifier}, data cut-off {s.DataCutoff:yyyy-MM-dd}; registry-based study {s.RegistryStudyIdentifier} shares {s.RegistryParticipants} of its patients"));
        output.WriteLine(string.Create(culture, $"Screened {s.Screened}, enrolled {s.Enrolled}, treated {s.Treated}, confirmed responders {s.ConfirmedResponders}, progressed {s.Progressed}, deaths {s.Deaths}, adverse events {s.AdverseEvents}"));
        output.WriteLine($"Load {TrialGenerator.StudyFileName} first: the patient bundles refer to the studies and the laboratory by their identifiers.");
        return ExitCodes.Ok;
    }
}
