using System.Text.Json;

namespace Fhir.Validation.Tests.Support;

/// <summary>
/// The example instances of the official package <c>hl7.fhir.r4.examples</c> 4.0.1 (the Core tests' <c>Data/r4-examples.zip</c>),
/// without the conformance resources the archive also holds.
/// </summary>
internal static class R4Examples
{
    /// <summary>
    /// The resource types of the archive's 91 conformance resources (concept maps, capability statements and implementation
    /// guides); the other 729 files are the example instances.
    /// </summary>
    private static readonly HashSet<string> ConformanceTypes = ["ConceptMap", "CapabilityStatement", "ImplementationGuide"];

    private static readonly Lazy<IReadOnlyList<(string File, byte[] Json)>> _all = new(Load);

    public static IReadOnlyList<(string File, byte[] Json)> All => _all.Value;

    public static byte[] Read(string file) => All.First(e => e.File == file).Json;

    private static IReadOnlyList<(string File, byte[] Json)> Load()
    {
        var result = new List<(string, byte[])>();
        foreach (var (file, bytes) in ExamplesArchive.ReadAll())
        {
            using var doc = JsonDocument.Parse(bytes);
            if (!ConformanceTypes.Contains(doc.RootElement.GetProperty("resourceType").GetString()!))
            {
                result.Add((file, bytes));
            }
        }
        return result;
    }
}
