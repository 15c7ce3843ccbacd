using System.Text.Json;
using Fhir.Core.Json;
using Fhir.Core.Model;

namespace Fhir.Trials.Tests.Profiles;

/// <summary>The repository's <c>profiles/</c> folder: its conformance resources and its examples.</summary>
internal static class ProfilesFolder
{
    public const string Base = "http://trials.example.org/fhir";

    public static string Root { get; } = Repository.Profiles;

    /// <summary>The conformance resources (top level of the folder), by file name.</summary>
    public static IReadOnlyList<string> ConformanceFiles { get; } =
        [.. Directory.GetFiles(Root, "*.json", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal)];

    public static IReadOnlyList<string> ValidExamples { get; } =
        [.. Directory.GetFiles(System.IO.Path.Combine(Root, "examples", "valid"), "*.json").Order(StringComparer.Ordinal)];

    public static IReadOnlyList<string> InvalidExamples { get; } =
        [.. Directory.GetFiles(System.IO.Path.Combine(Root, "examples", "invalid"), "*.json").Order(StringComparer.Ordinal)];

    /// <summary>
    /// Every FHIR R4 JSON file under the folder, relative to it: not the packages, nor the SQL on FHIR ViewDefinitions of
    /// <c>views/</c> (a logical model of their own, tested by <c>Fhir.Views.Tests</c>).
    /// </summary>
    public static IEnumerable<object[]> AllJsonFiles() =>
        Directory.GetFiles(Root, "*.json", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{System.IO.Path.DirectorySeparatorChar}packages{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !System.IO.Path.GetRelativePath(Root, f).StartsWith("views" + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => new object[] { System.IO.Path.GetRelativePath(Root, f) });

    public static JsonDocument ReadJson(string path) => JsonDocument.Parse(File.ReadAllBytes(path));

    /// <summary>The resource in the file, read by the strict reader; the test fails on any error.</summary>
    public static ElementNode ReadResource(string path)
    {
        var result = FhirJsonReader.Parse(File.ReadAllBytes(path));
        Assert.True(result.IsSuccess, $"{path}: {string.Join("; ", result.Issues.Select(i => $"{i.Expression}: {i.Message}"))}");
        return result.Resource!;
    }

    /// <summary>The conformance resources, keyed by canonical URL.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Canonicals { get; } = ConformanceFiles
        .Select(f => ReadJson(f).RootElement.Clone())
        .Where(r => r.TryGetProperty("url", out _))
        .ToDictionary(r => r.GetProperty("url").GetString()!, StringComparer.Ordinal);
}
