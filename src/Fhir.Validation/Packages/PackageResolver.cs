using Fhir.Core.Definitions;
using Fhir.Core.Outcomes;

namespace Fhir.Validation.Packages;

/// <summary>
/// Loads FHIR packages and their dependencies, leniently: a dependency is taken in its exact version when that file is
/// available, else in the nearest available version (a warning says so); a dependency that is not available at all is
/// reported and skipped. <c>hl7.fhir.r4.core</c> is always satisfied by the built-in R4 definitions.
/// </summary>
public static class PackageResolver
{
    /// <summary>The package name of the R4 core, which the built-in definitions stand for.</summary>
    public const string CorePackageName = "hl7.fhir.r4.core";

    /// <summary>
    /// Loads <paramref name="packageFiles"/> and, recursively, their dependencies from <paramref name="availableFiles"/>
    /// (when null: every <c>.tgz</c> beside the requested files).
    /// </summary>
    public static PackageResolution Resolve(IEnumerable<string> packageFiles, IEnumerable<string>? availableFiles = null)
    {
        var roots = packageFiles.Select(System.IO.Path.GetFullPath).Distinct(StringComparer.Ordinal).ToList();
        var available = (availableFiles ?? roots.Select(System.IO.Path.GetDirectoryName).OfType<string>().Distinct(StringComparer.Ordinal)
                .Where(Directory.Exists).SelectMany(d => Directory.EnumerateFiles(d, "*.tgz")))
            .Select(System.IO.Path.GetFullPath).Concat(roots).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var issues = new List<Issue>();
        var loaded = new List<FhirPackage>();
        var byName = new Dictionary<string, FhirPackage>(StringComparer.Ordinal);
        Dictionary<string, List<(string Version, string File)>>? catalogue = null;
        // A package several others depend on is reported once, when it is missing, with everyone who asked for it.
        var missing = new Dictionary<string, List<(FhirPackage Dependent, string Version)>>(StringComparer.Ordinal);

        foreach (var root in roots)
        {
            if (FhirPackage.Read(root, issues) is { } package)
            {
                if (byName.TryAdd(package.Name, package))
                {
                    loaded.Add(package);
                }
                else
                {
                    issues.Add(Issue.Warning(IssueType.Duplicate, $"Package {package} from '{root}' is ignored: {byName[package.Name]} is already loaded."));
                }
            }
        }

        // Breadth first, so that a dependency asked for directly wins over the same package deeper down.
        for (var i = 0; i < loaded.Count; i++)
        {
            var dependent = loaded[i];
            foreach (var (name, version) in dependent.Dependencies.OrderBy(d => d.Key, StringComparer.Ordinal))
            {
                if (name == CorePackageName)
                {
                    if (version != FhirDefinitions.FhirVersion)
                    {
                        issues.Add(Issue.Warning(IssueType.NotSupported,
                            $"{dependent} depends on {name}#{version}; the built-in {name}#{FhirDefinitions.FhirVersion} is used instead."));
                    }
                    continue;
                }
                if (byName.TryGetValue(name, out var present))
                {
                    if (present.Version != version)
                    {
                        issues.Add(Issue.Information(IssueType.Informational,
                            $"{dependent} depends on {name}#{version}; {present} is already loaded and used instead."));
                    }
                    continue;
                }
                catalogue ??= Catalogue(available);
                var candidates = catalogue.GetValueOrDefault(name) ?? [];
                var chosen = PackageVersion.Nearest(version, candidates.Select(c => c.Version));
                if (chosen is null)
                {
                    if (!missing.TryGetValue(name, out var wanted))
                    {
                        missing[name] = wanted = [];
                    }
                    wanted.Add((dependent, version));
                    continue;
                }
                if (chosen != version)
                {
                    issues.Add(Issue.Warning(IssueType.NotFound,
                        $"{dependent} depends on {name}#{version}, which is not available; the nearest available version {name}#{chosen} is used instead."));
                }
                if (FhirPackage.Read(candidates.First(c => c.Version == chosen).File, issues) is { } dependency)
                {
                    byName[dependency.Name] = dependency;
                    loaded.Add(dependency);
                }
            }
        }
        foreach (var (name, wanted) in missing)
        {
            var who = string.Join(" and ", wanted.Select((w, i) => $"{w.Dependent}{(i == 0 ? " depends" : "")} on {name}#{w.Version}"));
            issues.Add(Issue.Warning(IssueType.NotFound,
                $"{who}, which {(wanted.Count == 1 ? "is" : "are")} not available; resources defined only there will not resolve."));
        }
        return new PackageResolution(loaded, issues);
    }

    private static Dictionary<string, List<(string Version, string File)>> Catalogue(IEnumerable<string> files)
    {
        var catalogue = new Dictionary<string, List<(string, string)>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (FhirPackage.ReadManifest(file) is { } manifest)
            {
                if (!catalogue.TryGetValue(manifest.Name, out var list))
                {
                    catalogue[manifest.Name] = list = [];
                }
                list.Add((manifest.Version, file));
            }
        }
        return catalogue;
    }
}
