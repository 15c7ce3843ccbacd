using System.Text.Json.Nodes;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Validation.Conformance;
using Fhir.Validation.Snapshots;

namespace Fhir.Validation.Validation;

internal sealed partial class ValidationRun
{
    /// <summary>
    /// A StructureDefinition that comes with a differential and no snapshot is checked the way it would be loaded: its
    /// snapshot is generated from its base, and what the generator refuses (a path that is not in the base, a fixed
    /// value changed, slices out of the base's order...) is an error of the resource. A base that is not available is a
    /// warning: the differential could not be checked.
    /// </summary>
    private void StructureDefinition(ElementNode definition)
    {
        if (definition.Child("snapshot") is not null || definition.Child("differential") is null
            || definition.Child("baseDefinition") is not { Value: string baseUrl } baseDefinition)
        {
            return;
        }
        var find = StructureFinder();
        if (find(baseUrl) is null)
        {
            Add(IssueSeverity.Warning, IssueType.NotFound,
                $"The base definition '{baseUrl}' is not available, so the differential could not be checked.", baseDefinition);
            return;
        }
        if (JsonNode.Parse(FhirJsonWriter.SerializeToString(definition)) is not JsonObject json)
        {
            return;
        }
        var result = new SnapshotGenerator(find).Generate(json);
        var root = definition.Location;
        foreach (var issue in result.Issues)
        {
            var at = issue.Expression is { } e && e.StartsWith("StructureDefinition", StringComparison.Ordinal)
                ? root + e["StructureDefinition".Length..]
                : root;
            _issues.Add(issue with { Expression = at });
        }
    }

    /// <summary>StructureDefinitions as JSON for the snapshot generator: from the conformance set when it is one, else serialised from the source.</summary>
    private Func<string, JsonObject?> StructureFinder()
    {
        if (_core.Source is ConformanceSet set)
        {
            return set.FindStructureJson;
        }
        var source = _core.Source;
        return url => source.Find(url) is { } node && node.Type.Name == "StructureDefinition"
            ? JsonNode.Parse(FhirJsonWriter.SerializeToString(node)) as JsonObject
            : CoreStructures.Find(url);
    }
}
