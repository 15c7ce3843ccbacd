using Fhir.Core.Definitions;

namespace Fhir.Testing;

/// <summary>
/// The resources of the official package <c>hl7.fhir.r4.examples</c> 4.0.1: the 820 examples in
/// <c>Data/r4-examples.zip</c> and the 4,486 conformance resources held by <see cref="FhirDefinitions.R4"/>.
/// </summary>
internal static class OfficialPackage
{
    public const string Examples = "examples";

    private static readonly Lazy<IReadOnlyList<(string File, byte[] Json)>> _examples = new(ExamplesArchive.ReadAll);

    /// <summary>The groups the round trip runs over: the examples, and the conformance resources by resource type.</summary>
    public static IReadOnlyList<string> Groups =>
        [Examples, .. FhirDefinitions.R4.Entries.Select(e => e.ResourceType).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>The files of one group, with their JSON.</summary>
    public static IEnumerable<(string File, byte[] Json)> Group(string group) =>
        group == Examples
            ? _examples.Value
            : FhirDefinitions.R4.Entries.Where(e => e.ResourceType == group).Select(e => (e.File, FhirDefinitions.R4.ReadJson(e)));
}
