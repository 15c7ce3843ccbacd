using System.Text.RegularExpressions;

namespace Fhir.Server.Tests.Deployment;

/// <summary>
/// Issue 16, "a README that is executed": <c>scripts/readme-check</c> runs the README's shell blocks (in CI, through
/// <c>.ci/run</c>); these tests hold the conventions it relies on, so that a new example breaks a test here before it
/// breaks a user's first run: outputs go under the git-ignored <c>out/</c>, a started server is waited for, and blocks are
/// left out only with the marker the script knows.
/// </summary>
public sealed partial class ReadmeTests
{
    private const string SkipMarker = "<!-- readme-check: skip -->";

    private static string Read(string file) => File.ReadAllText(System.IO.Path.Combine(Repository.Root, file));

    /// <summary>The README's shell blocks as the script reads them: (first line number, text, marked skip).</summary>
    private static List<(int Line, string Text, bool Skipped)> ShellBlocks()
    {
        var lines = Read("README.md").Split('\n');
        var blocks = new List<(int, string, bool)>();
        for (var i = 0; i < lines.Length; i++)
        {
            var open = Fence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }
            var end = i + 1;
            while (end < lines.Length && !lines[end].TrimStart().StartsWith(open.Groups[1].Value, StringComparison.Ordinal))
            {
                end++;
            }
            var before = i - 1;
            while (before >= 0 && lines[before].Trim().Length == 0)
            {
                before--;
            }
            if (open.Groups[2].Value is "sh" or "bash" or "shell")
            {
                blocks.Add((i + 1, string.Join('\n', lines[(i + 1)..end]), before >= 0 && lines[before].Trim() == SkipMarker));
            }
            i = end;
        }
        return blocks;
    }

    [Fact]
    public void Issue16_the_readme_check_runs_in_CI_and_counts_as_a_test()
    {
        var ci = Read(".ci/run");
        Assert.Contains("scripts/readme-check", ci, StringComparison.Ordinal);
        // The counts stay the last line: the README check is added to them before they are printed.
        Assert.True(ci.IndexOf("scripts/readme-check", StringComparison.Ordinal) < ci.IndexOf("passed, $failed failed", StringComparison.Ordinal));
        var script = Read("scripts/readme-check");
        Assert.Contains(SkipMarker, script, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.True((File.GetUnixFileMode(System.IO.Path.Combine(Repository.Root, "scripts", "readme-check")) & UnixFileMode.UserExecute) != 0);
        }
    }

    [Fact]
    public void Issue16_readme_blocks_run_but_a_few_marked_ones_and_start_no_server_without_waiting_for_it()
    {
        var blocks = ShellBlocks();
        Assert.True(blocks.Count(b => !b.Skipped) >= 10, "the README's examples run");
        Assert.True(blocks.Count(b => b.Skipped) <= 6, "blocks left out of the check are few: " + string.Join(", ", blocks.Where(b => b.Skipped).Select(b => b.Line)));
        foreach (var (line, text, _) in blocks.Where(b => !b.Skipped))
        {
            // A server started in the background is waited for in the same block (issue 16 item 2: no race with its start).
            if (text.Contains("--project src/Fhir.Server", StringComparison.Ordinal))
            {
                Assert.True(text.Contains("until curl", StringComparison.Ordinal) && text.Contains("/fhir/metadata", StringComparison.Ordinal),
                    $"README.md block at line {line} starts a server without waiting for /fhir/metadata");
            }
            // No placeholder to replace by hand (issue 16 item 4): Patient/<id>, <secret>...
            Assert.False(Placeholder().IsMatch(text), $"README.md block at line {line} has a placeholder: {Placeholder().Match(text).Value}");
        }
    }

    [Fact]
    public void Issue16_item5_readme_examples_write_their_outputs_under_the_ignored_out_folder()
    {
        Assert.Contains("out/", Read(".gitignore").Split('\n').Select(l => l.Trim()));
        foreach (var (line, text, _) in ShellBlocks().Where(b => !b.Skipped))
        {
            foreach (Match output in Output().Matches(Comment().Replace(text, "")))
            {
                var path = output.Groups[1].Value.Trim('"', '\'');
                Assert.True(path.StartsWith("out/", StringComparison.Ordinal) || path == "/dev/null",
                    $"README.md block at line {line} writes {path}, outside out/ (git-ignored)");
            }
        }
    }

    [GeneratedRegex(@"^\s*(```+|~~~+)\s*(\S*)")]
    private static partial Regex Fence();

    // Shell redirections and the output options of curl, dotnet pack and fhir.
    [GeneratedRegex(@"(?:\s-o|--out|--tool-path|\s\d?>)\s*(""[^""]+""|'[^']+'|[^\s|;&)]+)")]
    private static partial Regex Output();

    [GeneratedRegex(@"(^|\s)#.*$", RegexOptions.Multiline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"<(?:id|secret|token|client|job|import job|patient|file)>", RegexOptions.IgnoreCase)]
    private static partial Regex Placeholder();
}
