using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Serialization;
using Fhir.Core.Json;
using Fhir.Validation;
using Fhir.Validation.Conformance;

namespace Fhir.Bench.Validation;

/// <summary>
/// Verdicts (errors or none) of this validator and Firely's on the same cases, against what is expected of them: HL7's
/// validator test cases (the Java reference's recorded verdict per step) and the trial profiles' examples (valid ones
/// must pass, invalid ones fail). Printed as the comparison table of bench/README.md.
/// </summary>
internal static class Verdicts
{
    private sealed record Case(string Name, bool Expected, bool Ours, bool Firely, string? FirelyError);

    public static void Print()
    {
        Report("HL7 validator test cases (shared/suites/validator), each step against the Java reference", Suite());
        Report("trial profiles' examples (valid: no error; invalid: an error)", TrialExamples());
    }

    private static void Report(string title, List<Case> cases)
    {
        Console.WriteLine();
        Console.WriteLine($"{title}: {cases.Count} steps");
        if (cases.Count == 0)
        {
            return;
        }
        string Share(int n) => $"{n}/{cases.Count} ({100.0 * n / cases.Count:F1}%)";
        Console.WriteLine($"| agreement with the expected verdict | this validator {Share(cases.Count(c => c.Ours == c.Expected))} | Firely 3.6.0 {Share(cases.Count(c => c.Firely == c.Expected))} | the two agree with each other {Share(cases.Count(c => c.Ours == c.Firely))} |");
        foreach (var c in cases.Where(c => c.Ours != c.Firely))
        {
            Console.WriteLine($"  differ: {c.Name}: expected {(c.Expected ? "errors" : "none")}, ours {(c.Ours ? "errors" : "none")}, Firely {(c.Firely ? "errors: " + c.FirelyError : "none")}");
        }
    }

    private static string? SuiteRoot()
    {
        var configured = Environment.GetEnvironmentVariable("FHIR_SUITES");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var given = System.IO.Path.Combine(configured, "validator");
            return File.Exists(System.IO.Path.Combine(given, "manifest.json")) ? given : null;
        }
        // As the tests find it: the first shared/suites above the repository.
        for (var dir = new DirectoryInfo(Repository.Root); dir is not null; dir = dir.Parent)
        {
            var folder = System.IO.Path.Combine(dir.FullName, "shared", "suites", "validator");
            if (File.Exists(System.IO.Path.Combine(folder, "manifest.json")))
            {
                return folder;
            }
        }
        return null;
    }

    private static List<Case> Suite()
    {
        var cases = new List<Case>();
        if (SuiteRoot() is not { } root)
        {
            Console.WriteLine("validator suite not found (set FHIR_SUITES)");
            return cases;
        }
        var files = System.IO.Path.Combine(root, "files");
        var manifest = JsonNode.Parse(File.ReadAllBytes(System.IO.Path.Combine(root, "manifest.json")))!;
        foreach (var item in manifest["test-cases"]!.AsArray())
        {
            var c = item!.AsObject();
            var expected = c["_computed"]!["javaExpected"]!;
            var definitions = Strings(c["supporting"]).Concat(Strings(c["profiles"])).ToList();
            var packages = Strings(c["packages"]).Select(p => System.IO.Path.Combine(files, p)).ToList();
            var options = new ValidationOptions { AllowExampleUrls = c["examples"]?.GetValue<bool>() ?? true };
            var name = c["name"]!.GetValue<string>();
            var instance = File.ReadAllText(System.IO.Path.Combine(files, c["file"]!.GetValue<string>()));
            cases.Add(Step(name + " base", instance, files, definitions, packages, null, expected["base"]!["errorCount"]!.GetValue<int>() > 0, options));
            if (c["profile"] is JsonObject profile && expected["profile"] is { } profileExpected)
            {
                var source = profile["source"]!.GetValue<string>();
                cases.Add(Step(name + " profile", instance, files, [.. definitions, .. Strings(profile["supporting"]), source], packages, source,
                    profileExpected["errorCount"]!.GetValue<int>() > 0, options));
            }
        }
        return cases;
    }

    private static IEnumerable<string> Strings(JsonNode? node) => node is JsonArray a ? a.Select(n => n!.GetValue<string>()) : [];

    private static Case Step(string name, string instance, string files, List<string> definitions, List<string> packages, string? profileFile,
        bool expected, ValidationOptions options)
    {
        // Firely reads XML itself; ours gets the XML definitions as JSON through Firely's serialiser (it reads JSON only).
        var firelyDefinitions = new List<Hl7.Fhir.Model.Resource>();
        var temp = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "vbench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(temp);
        var builder = new ConformanceSetBuilder();
        string? profileUrl = null;
        try
        {
            foreach (var definition in definitions)
            {
                var path = System.IO.Path.Combine(files, definition);
                var xml = path.EndsWith(".xml", StringComparison.OrdinalIgnoreCase);
                var resource = xml ? FirelyRunner.ParseXml(File.ReadAllText(path)) : FirelyRunner.Parse(File.ReadAllText(path));
                if (resource is not null)
                {
                    firelyDefinitions.Add(resource);
                }
                if (xml && resource is not null)
                {
                    path = System.IO.Path.Combine(temp, System.IO.Path.GetFileNameWithoutExtension(path) + ".json");
                    File.WriteAllText(path, new Hl7.Fhir.Serialization.FhirJsonSerializer().SerializeToString(resource));
                }
                builder.AddDefinitions(path);
                if (definition == profileFile)
                {
                    profileUrl = (resource as Hl7.Fhir.Model.StructureDefinition)?.Url;
                }
            }
            foreach (var package in packages)
            {
                builder.AddPackage(package);
            }
            firelyDefinitions.AddRange(FirelyRunner.Definitions(null, packages));
            var parsed = FhirJsonReader.Parse(System.Text.Encoding.UTF8.GetBytes(instance));
            var ours = parsed.Resource is not { } node || parsed.Issues.Any(i => i.IsError)
                || new ResourceValidator(builder.Build(), options).Validate(node, profileUrl is null ? null : [profileUrl]).HasErrors;
            var poco = FirelyRunner.Parse(instance);
            var (firely, error) = poco is null ? (true, "not readable") : new FirelyRunner(firelyDefinitions).Validate(poco, profileUrl);
            return new Case(name, expected, ours, firely, error);
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static List<Case> TrialExamples()
    {
        var profiles = System.IO.Path.Combine(Repository.Root, "profiles");
        var set = new ConformanceSetBuilder().AddDefinitions(profiles).Build();
        var ours = new ResourceValidator(set);
        var firely = new FirelyRunner(FirelyRunner.Definitions(profiles, Directory.GetFiles(System.IO.Path.Combine(profiles, "packages"), "*.tgz")));
        var cases = new List<Case>();
        foreach (var folder in new[] { "examples", System.IO.Path.Combine("examples", "questionnaire-responses") })
        {
            foreach (var file in Directory.GetFiles(System.IO.Path.Combine(profiles, folder, "valid"), "*.json").Order(StringComparer.Ordinal))
            {
                cases.Add(Example(file, expected: false, profile: null, ours, firely));
            }
            var manifest = System.IO.Path.Combine(profiles, folder, "invalid", "expected-issues.ndjson");
            foreach (var line in File.ReadLines(manifest).Where(l => l.Trim().Length > 0))
            {
                using var entry = JsonDocument.Parse(line);
                var profile = entry.RootElement.TryGetProperty("profile", out var p) ? p.GetString() : null;
                var file = System.IO.Path.Combine(profiles, folder, "invalid", entry.RootElement.GetProperty("file").GetString()!);
                cases.Add(Example(file, expected: true, profile, ours, firely));
            }
        }
        return cases;
    }

    private static Case Example(string file, bool expected, string? profile, ResourceValidator ours, FirelyRunner firely)
    {
        var json = File.ReadAllText(file);
        var node = FhirJsonReader.Parse(System.Text.Encoding.UTF8.GetBytes(json)).Resource!;
        var ourVerdict = ours.Validate(node, profile is null ? null : [profile]).HasErrors;
        var (theirs, error) = FirelyRunner.Parse(json) is { } poco ? firely.Validate(poco, profile) : (true, "not readable");
        return new Case(System.IO.Path.GetFileName(file), expected, ourVerdict, theirs, error);
    }
}
