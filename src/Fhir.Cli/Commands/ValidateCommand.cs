using System.CommandLine;
using System.Text.Json;
using Fhir.Core.Json;
using Fhir.Core.Outcomes;
using Fhir.Validation;
using Fhir.Validation.Conformance;

namespace Fhir.Cli.Commands;

/// <summary>
/// <c>fhir validate &lt;files or folders...&gt; [--profile c] [--package tgz]... [--definitions path]... [--format text|json]</c>:
/// validates each instance against the base definitions, its declared <c>meta.profile</c>s and
/// <c>--profile</c>. Exit 0 when no resource has errors, 1 otherwise, 2 for unusable arguments.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Resource files (JSON) or folders of them.", Arity = ArgumentArity.OneOrMore };
        var profile = new Option<string?>("--profile") { Description = "A profile (canonical URL) every input is validated against too." };
        var packages = new Option<string[]>("--package") { Description = "FHIR packages (.tgz) to load; their dependencies are resolved leniently.", AllowMultipleArgumentsPerToken = false };
        var definitions = new Option<string[]>("--definitions") { Description = "Loose conformance resources (files or folders): StructureDefinitions, ValueSets, CodeSystems..." };
        var format = new Option<string>("--format") { Description = "text (default) or json: one JSON object per line per input file.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("validate", "Validate FHIR resources against the R4 base definitions and profiles.")
        {
            inputs, profile, packages, definitions, format,
        };
        command.SetAction(parsed => Run(
            parsed.GetValue(inputs) ?? [], parsed.GetValue(profile), parsed.GetValue(packages) ?? [], parsed.GetValue(definitions) ?? [],
            parsed.GetValue(format) == "json", Console.Out, Console.Error));
        return command;
    }

    /// <summary>Validates every input; returns the exit code.</summary>
    public static int Run(
        IReadOnlyList<string> inputs, string? profile, IReadOnlyList<string> packages, IReadOnlyList<string> definitions,
        bool json, TextWriter output, TextWriter error)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                files.AddRange(Directory.GetFiles(input, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(input))
            {
                files.Add(input);
            }
            else
            {
                error.WriteLine($"No such file or folder: {input}");
                return ExitCodes.UnusableArguments;
            }
        }
        foreach (var path in packages.Concat(definitions))
        {
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                error.WriteLine($"No such file or folder: {path}");
                return ExitCodes.UnusableArguments;
            }
        }

        var builder = new ConformanceSetBuilder();
        foreach (var path in definitions)
        {
            builder.AddDefinitions(path);
        }
        foreach (var package in packages)
        {
            builder.AddPackage(package);
        }
        var set = builder.Build();
        foreach (var issue in set.LoadIssues.Where(i => i.Severity <= IssueSeverity.Warning))
        {
            error.WriteLine($"{Severity(issue)}: {issue.Message}{(issue.Expression is null ? "" : " (" + issue.Expression + ")")}");
        }
        if (profile is not null && set.Find(profile) is null)
        {
            error.WriteLine($"Unknown profile: {profile} (load it with --definitions or --package).");
            return ExitCodes.UnusableArguments;
        }

        var validator = new ResourceValidator(set);
        var failed = false;
        foreach (var file in files)
        {
            var issues = Validate(file, validator, profile);
            var errors = issues.Count(i => i.IsError);
            var warnings = issues.Count(i => i.Severity == IssueSeverity.Warning);
            failed |= errors > 0;
            if (json)
            {
                output.WriteLine(JsonSerializer.Serialize<object>(new
                {
                    file,
                    errors,
                    warnings,
                    issues = issues.Select(i => new { severity = Severity(i), code = IssueTypes.ToCode(i.Code), expression = i.Expression, message = i.Message }),
                }, JsonLines));
            }
            else
            {
                output.WriteLine($"{file}: {(errors == 0 ? "valid" : "INVALID")} ({errors} errors, {warnings} warnings)");
                foreach (var issue in issues.Where(i => i.Severity <= IssueSeverity.Warning))
                {
                    output.WriteLine($"  {Severity(issue)} {issue.Expression}: {issue.Message}");
                }
            }
        }
        return failed ? ExitCodes.Failed : ExitCodes.Ok;
    }

    private static IReadOnlyList<Issue> Validate(string file, ResourceValidator validator, string? profile)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [Issue.Error(IssueType.Exception, $"Cannot read the file: {e.Message}")];
        }
        var parsed = FhirJsonReader.Parse(bytes);
        if (parsed.Resource is null || parsed.Issues.Any(i => i.IsError))
        {
            return parsed.Issues;
        }
        return [.. parsed.Issues, .. validator.Validate(parsed.Resource, profile is null ? null : [profile]).Issues];
    }

    // Messages quote FHIRPath ('...', `div`): keep them readable rather than \u-escaped.
    private static readonly JsonSerializerOptions JsonLines = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Severity(Issue issue) => issue.Severity.ToString().ToLowerInvariant();
}
