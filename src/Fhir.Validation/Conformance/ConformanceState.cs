using System.Text.Json.Nodes;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Validation.Snapshots;

namespace Fhir.Validation.Conformance;

/// <summary>
/// One immutable generation of the set's non-core resources: the index by canonical URL, and the snapshots generated
/// for StructureDefinitions that came without one (all generated when the state is made, so that their errors are known).
/// A change at run time makes a new state; readers keep using the one they started with.
/// </summary>
internal sealed class ConformanceState
{
    private readonly Dictionary<string, List<ConformanceRecord>> _byUrl = new(StringComparer.Ordinal);
    private readonly Dictionary<ConformanceRecord, Generated> _generated = [];
    private readonly HashSet<ConformanceRecord> _building = [];

    public ConformanceState(IEnumerable<ConformanceRecord> records)
    {
        Records = [.. records.OrderBy(r => r.Layer)]; // stable: within a layer, first loaded first
        foreach (var record in Records)
        {
            if (!_byUrl.TryGetValue(record.Url, out var list))
            {
                _byUrl[record.Url] = list = [];
            }
            list.Add(record);
        }
        foreach (var record in Records)
        {
            if (record.NeedsSnapshot)
            {
                Generate(record);
            }
        }
    }

    public IReadOnlyList<ConformanceRecord> Records { get; }

    /// <summary>The problems of generated snapshots, each naming its file.</summary>
    public IEnumerable<Issue> SnapshotIssues(ConformanceRecord record) =>
        _generated.TryGetValue(record, out var generated) ? generated.Issues : [];

    public ConformanceRecord? FindRecord(string canonical)
    {
        var bar = canonical.IndexOf('|');
        var url = bar < 0 ? canonical : canonical[..bar];
        if (!_byUrl.TryGetValue(url, out var list))
        {
            return null;
        }
        if (bar < 0)
        {
            return list[0];
        }
        var version = canonical[(bar + 1)..];
        return list.Find(r => r.Version == version);
    }

    /// <summary>The resource (a StructureDefinition with its snapshot), or null when not held here or not readable.</summary>
    public ElementNode? Find(string canonical) => FindRecord(canonical) is { } record ? Node(record) : null;

    public ElementNode? Node(ConformanceRecord record) =>
        record.NeedsSnapshot ? (_generated.TryGetValue(record, out var g) ? g.Node.Value : null) : record.Parsed;

    /// <summary>A StructureDefinition with snapshot as JSON, from this state or else the core, for snapshot generation.</summary>
    public JsonObject? FindStructure(string canonical)
    {
        if (FindRecord(canonical) is { ResourceType: "StructureDefinition" } record)
        {
            return record.NeedsSnapshot ? Generate(record).StructureDefinition : record.JsonObjectValue;
        }
        return CoreStructures.Find(canonical);
    }

    private Generated Generate(ConformanceRecord record)
    {
        if (_generated.TryGetValue(record, out var done))
        {
            return done;
        }
        if (!_building.Add(record))
        {
            return new Generated(null, [Issue.Error(IssueType.Structure, $"{record.Source}: {record.Url} derives from itself (a circular baseDefinition chain).")]);
        }
        SnapshotResult result;
        if (record.JsonObjectValue is not { } json)
        {
            result = new SnapshotResult(null, [Issue.Error(IssueType.Structure, $"{record.Url} is not a JSON object.")]);
        }
        else
        {
            result = new SnapshotGenerator(FindStructure).Generate(json);
        }
        _building.Remove(record);
        var issues = result.Issues.Select(i => i with { Message = $"{record.Source}: {i.Message}" }).ToList();
        var generated = new Generated(result.StructureDefinition, issues);
        _generated[record] = generated;
        return generated;
    }

    private sealed class Generated(JsonObject? structureDefinition, IReadOnlyList<Issue> issues)
    {
        public JsonObject? StructureDefinition { get; } = structureDefinition;

        public IReadOnlyList<Issue> Issues { get; } = issues;

        public Lazy<ElementNode?> Node { get; } = new(() => structureDefinition is null ? null : ConformanceRecord.Parse(structureDefinition));
    }
}
