using System.CommandLine;
using Fhir.Cli;
using Fhir.Cli.Commands;

namespace Fhir.Trials.Tests.Generation;

/// <summary><c>fhir trial generate</c>: writes the bundles, prints a summary, and exits with 2 on unusable arguments.</summary>
public sealed class TrialGenerateCommandTests : IDisposable
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "trialgen-cli-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Generate_writes_one_file_per_bundle_and_prints_a_summary()
    {
        var output = new StringWriter();
        var exit = TrialGenerateCommand.Run(40, 7, _folder, output, new StringWriter());
        Assert.Equal(0, exit);
        Assert.Equal(41, Directory.GetFiles(_folder, "*.json").Length);
        Assert.Contains("Wrote 41 transaction bundles", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Screened 40, enrolled ", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_line_parses_into_the_same_files_as_the_code()
    {
        var root = new RootCommand { TrialGenerateCommand.Create() };
        Assert.Equal(0, CommandLineRunner.Run(root, ["trial", "generate", "--patients", "5", "--seed", "3", "--out", _folder]));
        var expected = Fhir.Trials.Generation.TrialGenerator.Generate(new() { Patients = 5, Seed = 3 });
        Assert.All(expected.Bundles, b => Assert.Equal(b.Json, File.ReadAllBytes(System.IO.Path.Combine(_folder, b.FileName))));
    }

    [Theory]
    [InlineData("trial", "generate", "--patients", "0", "--out", "x")]
    [InlineData("trial", "generate", "--patients", "many", "--out", "x")]
    [InlineData("trial", "generate", "--out", "x", "--colour", "red")]
    public void Unusable_arguments_exit_with_2_and_write_nothing(params string[] args)
    {
        var root = new RootCommand { TrialGenerateCommand.Create() };
        var adjusted = args.Select(a => a == "x" ? _folder : a).ToArray();
        Assert.Equal(2, CommandLineRunner.Run(root, adjusted));
        Assert.False(Directory.Exists(_folder) && Directory.GetFiles(_folder).Length > 0);
    }

    [Fact]
    public void Issue16_item5_without_out_the_bundles_go_under_out_trial_which_git_ignores()
    {
        var root = new RootCommand { TrialGenerateCommand.Create() };
        var parsed = root.Parse(["trial", "generate", "--patients", "5"]);
        Assert.Empty(parsed.Errors);
        var folder = parsed.GetValue<DirectoryInfo>("--out");
        Assert.Equal(System.IO.Path.GetFullPath(System.IO.Path.Combine("out", "trial")), folder!.FullName);

        // Run from the repository's root (as the README does), the default folder is ignored by git, not a new source folder.
        var git = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("git", ["check-ignore", "-q", "out/trial/Bundle-study.json"])
        {
            WorkingDirectory = Fhir.Testing.Repository.Root,
            UseShellExecute = false,
        })!;
        git.WaitForExit();
        Assert.Equal(0, git.ExitCode);
    }

    [Fact]
    public void The_summary_names_the_full_path_it_wrote_to()
    {
        var output = new StringWriter();
        Assert.Equal(0, TrialGenerateCommand.Run(3, 1, _folder, output, new StringWriter()));
        Assert.Contains($"to {System.IO.Path.GetFullPath(_folder)}", output.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
