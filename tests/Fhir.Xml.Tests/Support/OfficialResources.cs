using Fhir.Core.Definitions;

namespace Fhir.Xml.Tests.Support;

/// <summary>
/// The official R4 resources the round trips run over: the 820 examples of <c>hl7.fhir.r4.examples</c> 4.0.1
/// (<c>Data/r4-examples.zip</c>) and the 4,486 core conformance resources the definitions hold, grouped by resource type.
/// </summary>
internal static class OfficialResources
{
    public const string Examples = "examples";

    private static readonly Lazy<IReadOnlyList<(string File, byte[] Json)>> _examples = new(ExamplesArchive.ReadAll);

    public static IReadOnlyList<string> Groups =>
        [Examples, .. FhirDefinitions.R4.Entries.Select(e => e.ResourceType).Distinct().Order(StringComparer.Ordinal)];

    public static IEnumerable<(string File, byte[] Json)> Group(string group) =>
        group == Examples
            ? _examples.Value
            : FhirDefinitions.R4.Entries.Where(e => e.ResourceType == group).Select(e => (e.File, FhirDefinitions.R4.ReadJson(e)));
}
