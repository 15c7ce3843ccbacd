using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Fhir.Core.Json;
using Fhir.Core.Outcomes;
using Fhir.Validation.Conformance;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Suite;

/// <summary>
/// HL7's validator test cases (<c>shared/suites/validator/manifest.json</c>): each case's steps run through this
/// project's validator, and what it finds compared with the verdict the HL7 Java reference validator recorded.
/// A case has a base step (the instance against the base definitions and what it declares, with the case's
/// supporting definitions and packages loaded) and may have a profile step (the same, also against the profile the
/// case names, with that profile's own supporting definitions).
/// </summary>
internal static partial class ValidatorSuite
{
    public const string Folder = "validator";

    private static readonly Lazy<IReadOnlyList<SuiteStep>?> _steps = new(LoadSteps);

    /// <summary>Every step of every case, in manifest order; null when the suite is not there.</summary>
    public static IReadOnlyList<SuiteStep>? Steps => _steps.Value;

    private static readonly Dictionary<string, StepOutcome> Outcomes = [];

    /// <summary>Runs a step once (later calls answer from memory).</summary>
    public static StepOutcome Run(SuiteStep step)
    {
        lock (Outcomes)
        {
            if (Outcomes.TryGetValue(step.Id, out var done))
            {
                return done;
            }
        }
        var outcome = Execute(step);
        lock (Outcomes)
        {
            Outcomes[step.Id] = outcome;
        }
        return outcome;
    }

    private static IReadOnlyList<SuiteStep>? LoadSteps()
    {
        if (Suites.Find(Folder + "/manifest.json") is not { } manifestPath)
        {
            return null;
        }
        var root = System.IO.Path.GetDirectoryName(manifestPath)!;
        var manifest = JsonNode.Parse(File.ReadAllBytes(manifestPath))!;
        var steps = new List<SuiteStep>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var item in manifest["test-cases"]!.AsArray())
        {
            var c = item!.AsObject();
            var name = c["name"]!.GetValue<string>();
            seen[name] = seen.GetValueOrDefault(name) + 1;
            var key = seen[name] == 1 ? name : $"{name}#{seen[name]}";
            var expected = c["_computed"]!["javaExpected"]!;
            var definitions = Strings(c["supporting"]).Concat(Strings(c["profiles"])).ToList();
            var packages = Strings(c["packages"]).ToList();
            var file = c["file"]!.GetValue<string>();
            // The reference's options that this validator has too.
            var options = new ValidationOptions { AllowExampleUrls = c["examples"]?.GetValue<bool>() ?? true };
            steps.Add(new SuiteStep(key, "base", root, file, definitions, packages, null, Expected(root, expected["base"]!)) { Options = options });
            if (c["profile"] is JsonObject profile && expected["profile"] is { } profileExpected)
            {
                var profileDefinitions = definitions.Concat(Strings(profile["supporting"])).Append(profile["source"]!.GetValue<string>()).ToList();
                steps.Add(new SuiteStep(key, "profile", root, file, profileDefinitions, packages, profile["source"]!.GetValue<string>(),
                    Expected(root, profileExpected)) { Options = options });
            }
        }
        return steps;
    }

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n!.GetValue<string>()) : [];

    private static ReferenceOutcome Expected(string root, JsonNode expected)
    {
        var errors = expected["errorCount"]!.GetValue<int>();
        var locations = new List<string?>();
        if (expected["outcomeFile"]?.GetValue<string>() is { } outcomeFile && File.Exists(System.IO.Path.Combine(root, outcomeFile)))
        {
            var outcome = JsonNode.Parse(File.ReadAllBytes(System.IO.Path.Combine(root, outcomeFile)))!;
            foreach (var issue in outcome["issue"]?.AsArray() ?? [])
            {
                if (issue!["severity"]?.GetValue<string>() is "error" or "fatal")
                {
                    locations.Add(issue["expression"] is JsonArray { Count: > 0 } e ? Normalise(e[0]!.GetValue<string>()) : null);
                }
            }
        }
        return new ReferenceOutcome(errors, locations);
    }

    private static StepOutcome Execute(SuiteStep step)
    {
        var files = System.IO.Path.Combine(step.Root, "files");
        var builder = new ConformanceSetBuilder();
        using var temp = new TempFolder();
        foreach (var definition in step.Definitions)
        {
            var path = System.IO.Path.Combine(files, definition);
            if (path.EndsWith(".xml", StringComparison.OrdinalIgnoreCase))
            {
                var json = System.IO.Path.Combine(temp.Path, System.IO.Path.GetFileNameWithoutExtension(path) + ".json");
                File.WriteAllText(json, FirelyXml.ToJson(File.ReadAllText(path)));
                path = json;
            }
            builder.AddDefinitions(path);
        }
        foreach (var package in step.Packages)
        {
            builder.AddPackage(System.IO.Path.Combine(files, package));
        }
        var set = builder.Build();
        var issues = new List<Issue>();
        var parsed = FhirJsonReader.Parse(File.ReadAllBytes(System.IO.Path.Combine(files, step.File)));
        issues.AddRange(parsed.Issues);
        if (parsed.Resource is { } resource)
        {
            string[]? extra = null;
            if (step.Profile is { } profileFile)
            {
                var profileJson = profileFile.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)
                    ? FirelyXml.ToJson(File.ReadAllText(System.IO.Path.Combine(files, profileFile)))
                    : File.ReadAllText(System.IO.Path.Combine(files, profileFile));
                extra = [JsonNode.Parse(profileJson)!["url"]!.GetValue<string>()];
            }
            issues.AddRange(new ResourceValidator(set, step.Options).Validate(resource, extra).Issues);
        }
        else if (!issues.Any(i => i.IsError))
        {
            issues.Add(Issue.Error(IssueType.Invalid, "The file does not hold a resource."));
        }
        return new StepOutcome(step, issues);
    }

    /// <summary>
    /// The reference's FHIRPath in this project's style: no <c>/*Type/id*/</c> comments, no <c>[url='...']</c>
    /// qualifiers, and <c>value.ofType(Coding)</c> as the JSON name <c>valueCoding</c>.
    /// </summary>
    public static string Normalise(string expression)
    {
        var s = CommentPattern().Replace(expression, "");
        s = QualifierPattern().Replace(s, "");
        s = OfTypePattern().Replace(s, m => m.Groups[1].Value + char.ToUpperInvariant(m.Groups[2].Value[0]) + m.Groups[2].Value[1..]);
        return s.Replace("..", ".", StringComparison.Ordinal).TrimEnd('.');
    }

    [GeneratedRegex(@"/\*.*?\*/")]
    private static partial Regex CommentPattern();

    [GeneratedRegex(@"\[[a-z]+='[^']*'\]")]
    private static partial Regex QualifierPattern();

    [GeneratedRegex(@"([A-Za-z]+)\.ofType\(([A-Za-z]+)\)")]
    private static partial Regex OfTypePattern();

    /// <summary>The step's issues as text, for failure messages.</summary>
    public static string Show(IEnumerable<Issue> issues)
    {
        var sb = new StringBuilder();
        foreach (var i in issues)
        {
            sb.Append("  ").Append(i.Severity).Append(" @ ").Append(i.Expression).Append(": ").AppendLine(i.Message);
        }
        return sb.ToString();
    }
}

/// <summary>One step of one case.</summary>
/// <param name="Key">The case name (with <c>#2</c> for a second case of the same name).</param>
/// <param name="Name"><c>base</c> or <c>profile</c>.</param>
internal sealed record SuiteStep(string Key, string Name, string Root, string File, IReadOnlyList<string> Definitions,
    IReadOnlyList<string> Packages, string? Profile, ReferenceOutcome Expected)
{
    public string Id => $"{Key} {Name}";

    /// <summary>The validator's options as the case sets the reference's.</summary>
    public ValidationOptions Options { get; init; } = ValidationOptions.Default;

    public override string ToString() => Id;
}

/// <summary>What the reference found: its error count and each error's location (null where it gave none).</summary>
internal sealed record ReferenceOutcome(int Errors, IReadOnlyList<string?> Locations);

/// <summary>What this project found on a step, compared with the reference.</summary>
internal sealed record StepOutcome(SuiteStep Step, IReadOnlyList<Issue> Issues)
{
    public IEnumerable<Issue> Errors => Issues.Where(i => i.IsError);

    /// <summary>Both find errors, or both find none.</summary>
    public bool VerdictAgrees => Errors.Any() == (Step.Expected.Errors > 0);

    /// <summary>
    /// The verdict agrees, and every location where the reference found an error has an error of ours at it or inside it
    /// (<c>Patient.identifier</c> for the reference's <c>Patient</c> is not inside; <c>Patient.name[0].given</c> for
    /// <c>Patient.name[0]</c> is).
    /// </summary>
    public bool LocationsAgree => VerdictAgrees && Step.Expected.Locations.All(l => l is null || Errors.Any(e => Within(e.Expression, l)));

    private static bool Within(string? ours, string reference) =>
        ours is not null && (ours == reference || ours.StartsWith(reference + ".", StringComparison.Ordinal) || ours.StartsWith(reference + "[", StringComparison.Ordinal));
}
