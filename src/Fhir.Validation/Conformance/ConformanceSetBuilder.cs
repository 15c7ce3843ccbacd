using System.Text.Json;
using Fhir.Core.Outcomes;
using Fhir.Validation.Packages;

namespace Fhir.Validation.Conformance;

/// <summary>
/// Assembles a <see cref="ConformanceSet"/>: the server adds <c>Fhir:ProfilesPath</c> and each of <c>Fhir:Packages</c>,
/// the CLI its <c>--definitions</c> and <c>--package</c> arguments. Nothing is read until <see cref="Build"/>.
/// </summary>
/// <example><code>
/// var set = new ConformanceSetBuilder().AddDefinitions("profiles").AddPackage("extra.tgz").Build();
/// foreach (var issue in set.LoadIssues) log(issue);
/// </code></example>
public sealed class ConformanceSetBuilder
{
    private readonly List<string> _definitions = [];
    private readonly List<string> _packages = [];
    private readonly List<string> _packageSources = [];
    private CoreConformanceSource _core = CoreConformanceSource.R4;

    /// <summary>
    /// Adds a JSON file or a folder (searched recursively) of conformance resources: StructureDefinition, ValueSet,
    /// CodeSystem, SearchParameter... also inside Bundles; other resources (examples) are skipped. A <c>.tgz</c> met in
    /// a folder is loaded as a FHIR package, so that <c>profiles/packages/</c> comes with <c>profiles/</c>.
    /// </summary>
    public ConformanceSetBuilder AddDefinitions(string fileOrFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileOrFolder);
        _definitions.Add(fileOrFolder);
        return this;
    }

    /// <summary>Adds a FHIR package (<c>.tgz</c>); its dependencies are looked for among the package sources and the <c>.tgz</c> files beside it.</summary>
    public ConformanceSetBuilder AddPackage(string packageFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(packageFile);
        _packages.Add(packageFile);
        return this;
    }

    /// <summary>Adds a package file, or a folder of them, that may satisfy dependencies but is not loaded unless needed.</summary>
    public ConformanceSetBuilder AddPackageSource(string fileOrFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(fileOrFolder);
        _packageSources.Add(fileOrFolder);
        return this;
    }

    /// <summary>Uses other core definitions than the built-in R4 (tests).</summary>
    public ConformanceSetBuilder UseCore(CoreConformanceSource core)
    {
        _core = core ?? throw new ArgumentNullException(nameof(core));
        return this;
    }

    /// <summary>Reads everything added, generates the missing snapshots and returns the set; problems are in <see cref="ConformanceSet.LoadIssues"/>.</summary>
    public ConformanceSet Build()
    {
        var issues = new List<Issue>();
        var records = new List<ConformanceRecord>();
        var packageFiles = new List<string>(_packages);
        foreach (var path in _definitions)
        {
            if (File.Exists(path))
            {
                if (path.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase))
                {
                    packageFiles.Add(path);
                }
                else
                {
                    ReadFile(path, records, issues);
                }
            }
            else if (Directory.Exists(path))
            {
                foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    if (file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                    {
                        ReadFile(file, records, issues);
                    }
                    else if (file.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase))
                    {
                        packageFiles.Add(file);
                    }
                }
            }
            else
            {
                issues.Add(Issue.Error(IssueType.NotFound, $"Definitions path '{path}' does not exist."));
            }
        }

        IReadOnlyList<FhirPackage> packages = [];
        if (packageFiles.Count > 0)
        {
            var available = _packageSources.SelectMany(s => Directory.Exists(s) ? Directory.EnumerateFiles(s, "*.tgz") : [s])
                .Concat(packageFiles.Select(System.IO.Path.GetFullPath).Select(System.IO.Path.GetDirectoryName).OfType<string>()
                    .Distinct(StringComparer.Ordinal).SelectMany(d => Directory.EnumerateFiles(d, "*.tgz")));
            var resolution = PackageResolver.Resolve(packageFiles, available);
            issues.AddRange(resolution.Issues);
            packages = resolution.Packages;
            foreach (var package in packages)
            {
                foreach (var resource in package.Resources)
                {
                    if (resource.Url is not null && ConformanceTypes(resource.ResourceType))
                    {
                        records.Add(new ConformanceRecord(ConformanceLayer.Packages, $"{package}/{resource.FileName}", resource.ResourceType,
                            resource.Url, resource.Version, resource.Json));
                    }
                }
            }
        }

        var state = new ConformanceState(records);
        foreach (var record in state.Records)
        {
            issues.AddRange(state.SnapshotIssues(record));
        }
        return new ConformanceSet(_core, state, packages, issues);
    }

    private static bool ConformanceTypes(string resourceType) => ConformanceSet.ConformanceTypes.Contains(resourceType);

    private static void ReadFile(string file, List<ConformanceRecord> records, List<Issue> issues)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "resourceType") is not { } type)
            {
                return; // not a resource (PROVENANCE.json, package.json...)
            }
            if (type == "Bundle")
            {
                if (root.TryGetProperty("entry", out var entries) && entries.ValueKind == JsonValueKind.Array)
                {
                    var i = 0;
                    foreach (var entry in entries.EnumerateArray())
                    {
                        if (entry.TryGetProperty("resource", out var resource))
                        {
                            Add(resource, JsonSerializer.SerializeToUtf8Bytes(resource), $"{file}#entry[{i}]", records, issues);
                        }
                        i++;
                    }
                }
                return;
            }
            Add(root, bytes, file, records, issues);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            issues.Add(Issue.Warning(IssueType.Invalid, $"'{file}' is not readable JSON and was skipped: {e.Message}"));
        }
    }

    private static void Add(JsonElement resource, byte[] json, string source, List<ConformanceRecord> records, List<Issue> issues)
    {
        if (Text(resource, "resourceType") is not { } type || !ConformanceTypes(type))
        {
            return;
        }
        if (Text(resource, "url") is not { } url)
        {
            issues.Add(Issue.Error(IssueType.Required, $"{source}: the {type} has no url, so nothing can refer to it; it was skipped."));
            return;
        }
        var record = new ConformanceRecord(ConformanceLayer.Files, source, type, url, Text(resource, "version"), json);
        // Loose files are the trial's own: read them strictly now, so that a mistake is reported with its file at start-up.
        var parsed = Fhir.Core.Json.FhirJsonReader.Parse(json);
        foreach (var issue in parsed.Issues.Where(i => i.IsError))
        {
            issues.Add(issue with { Message = $"{source}: {issue.Message}" });
        }
        records.Add(record);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
