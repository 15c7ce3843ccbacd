using System.Text.Json.Nodes;
using Fhir.Core.Outcomes;

namespace Fhir.Validation.Snapshots;

/// <summary>A StructureDefinition with its generated snapshot (null when the differential is broken), and the problems found.</summary>
internal sealed record SnapshotResult(JsonObject? StructureDefinition, IReadOnlyList<Issue> Issues)
{
    public bool HasErrors => Issues.Any(i => i.IsError);
}
