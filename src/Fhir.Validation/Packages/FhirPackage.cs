using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;
using Fhir.Core.Outcomes;

namespace Fhir.Validation.Packages;

/// <summary>
/// A FHIR package in npm format (a <c>.tgz</c> whose <c>package/package.json</c> names it, its version and its
/// dependencies): its resources (<c>package/*.json</c>) and its examples (<c>package/example/*.json</c>), read into memory.
/// </summary>
public sealed class FhirPackage
{
    private FhirPackage(string name, string version, IReadOnlyDictionary<string, string> dependencies, string filePath,
        IReadOnlyList<PackageResource> resources, IReadOnlyList<PackageResource> examples)
    {
        Name = name;
        Version = version;
        Dependencies = dependencies;
        FilePath = filePath;
        Resources = resources;
        Examples = examples;
    }

    /// <summary>The package name (<c>hl7.fhir.uv.genomics-reporting</c>).</summary>
    public string Name { get; }

    /// <summary>The package version (<c>3.0.0</c>).</summary>
    public string Version { get; }

    /// <summary>The packages this one depends on: name to version, as declared.</summary>
    public IReadOnlyDictionary<string, string> Dependencies { get; }

    /// <summary>The .tgz file it was read from.</summary>
    public string FilePath { get; }

    /// <summary>The resources of the package (conformance resources and any other resource in <c>package/</c>).</summary>
    public IReadOnlyList<PackageResource> Resources { get; }

    /// <summary>The example instances shipped in <c>package/example/</c>.</summary>
    public IReadOnlyList<PackageResource> Examples { get; }

    /// <summary><c>name#version</c>, the usual way to name a package.</summary>
    public override string ToString() => $"{Name}#{Version}";

    /// <summary>
    /// Reads the package at <paramref name="path"/>; null when it is not a readable FHIR package, with the reason
    /// in <paramref name="issues"/>. Files that are not JSON resources are skipped; a malformed JSON file is a warning.
    /// </summary>
    public static FhirPackage? Read(string path, ICollection<Issue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        if (!File.Exists(path))
        {
            issues.Add(Issue.Error(IssueType.NotFound, $"Package file '{path}' does not exist."));
            return null;
        }
        try
        {
            return ReadArchive(path, issues);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException or JsonException)
        {
            issues.Add(Issue.Error(IssueType.Invalid, $"Package file '{path}' is not a readable .tgz package: {e.Message}"));
            return null;
        }
    }

    /// <summary>Reads only <c>package/package.json</c> of a .tgz: its name and version, or null.</summary>
    internal static (string Name, string Version)? ReadManifest(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                if (NormalizeName(entry.Name) == "package/package.json" && entry.DataStream is { } data)
                {
                    using var doc = JsonDocument.Parse(data);
                    return Text(doc.RootElement, "name") is { } name && Text(doc.RootElement, "version") is { } version ? (name, version) : null;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException or JsonException)
        {
            // Not a package: the caller treats it as unavailable.
        }
        return null;
    }

    private static FhirPackage? ReadArchive(string path, ICollection<Issue> issues)
    {
        string? name = null, version = null;
        var dependencies = new Dictionary<string, string>(StringComparer.Ordinal);
        var resources = new List<PackageResource>();
        var examples = new List<PackageResource>();
        using (var file = File.OpenRead(path))
        using (var gzip = new GZipStream(file, CompressionMode.Decompress))
        using (var tar = new TarReader(gzip))
        {
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    continue;
                }
                var entryName = NormalizeName(entry.Name);
                if (!entryName.StartsWith("package/", StringComparison.Ordinal) || !entryName.EndsWith(".json", StringComparison.Ordinal))
                {
                    continue;
                }
                var bytes = new byte[entry.Length];
                entry.DataStream.ReadExactly(bytes);
                if (entryName == "package/package.json")
                {
                    using var doc = JsonDocument.Parse(bytes);
                    name = Text(doc.RootElement, "name");
                    version = Text(doc.RootElement, "version");
                    if (doc.RootElement.TryGetProperty("dependencies", out var deps) && deps.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var dep in deps.EnumerateObject())
                        {
                            dependencies[dep.Name] = dep.Value.GetString() ?? "";
                        }
                    }
                    continue;
                }
                var folder = entryName[..entryName.LastIndexOf('/')];
                var target = folder switch
                {
                    "package" => resources,
                    "package/example" or "package/examples" => examples,
                    _ => null, // package/other, package/openapi, ...: not resources
                };
                if (target is null || entryName.EndsWith(".index.json", StringComparison.Ordinal))
                {
                    continue;
                }
                if (Index(entryName, bytes, path, issues) is { } resource)
                {
                    target.Add(resource);
                }
            }
        }
        if (name is null || version is null)
        {
            issues.Add(Issue.Error(IssueType.Invalid, $"Package file '{path}' has no package/package.json with a name and a version."));
            return null;
        }
        return new FhirPackage(name, version, dependencies, path, resources, examples);
    }

    private static PackageResource? Index(string entryName, byte[] bytes, string path, ICollection<Issue> issues)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || Text(root, "resourceType") is not { } type)
            {
                return null;
            }
            return new PackageResource(entryName, type, Text(root, "id"), Text(root, "url"), Text(root, "version"), bytes);
        }
        catch (JsonException e)
        {
            issues.Add(Issue.Warning(IssueType.Invalid, $"'{entryName}' in package '{path}' is not valid JSON and was skipped: {e.Message}"));
            return null;
        }
    }

    // npm tarballs normally use "package/..." but some tools write "./package/...".
    private static string NormalizeName(string name) => name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name;

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
