using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Validation.Packages;

namespace Fhir.Validation.Conformance;

/// <summary>
/// The conformance resources validation runs against, looked up by canonical URL (<c>url</c> or <c>url|version</c>) in
/// priority order: resources added at run time, then loose files (<c>profiles/</c>, <c>--definitions</c>), then FHIR
/// packages, then the R4 core. StructureDefinitions without a snapshot get one generated at load; resources can be added
/// and replaced at run time from any thread, and <see cref="Version"/> / <see cref="Changed"/> tell caches to drop what they derived.
/// Made by <see cref="ConformanceSetBuilder"/>.
/// </summary>
public sealed class ConformanceSet : IConformanceSource
{
    /// <summary>
    /// The resource types the set holds (anything else in a definitions folder, such as an example instance, is skipped).
    /// Questionnaires are among them: a QuestionnaireResponse is validated against the one its <c>questionnaire</c> names.
    /// </summary>
    public static readonly IReadOnlySet<string> ConformanceTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "StructureDefinition", "ValueSet", "CodeSystem", "SearchParameter", "ConceptMap", "NamingSystem", "OperationDefinition",
        "CapabilityStatement", "CompartmentDefinition", "ImplementationGuide", "StructureMap", "GraphDefinition", "MessageDefinition",
        "Questionnaire",
    };

    private readonly CoreConformanceSource _core;
    private readonly Lock _writeGate = new();
    private volatile ConformanceState _state;
    private long _version;

    internal ConformanceSet(CoreConformanceSource core, ConformanceState state, IReadOnlyList<FhirPackage> packages, IReadOnlyList<Issue> loadIssues)
    {
        _core = core;
        _state = state;
        Packages = packages;
        LoadIssues = loadIssues;
    }

    /// <summary>
    /// What went wrong or was worth noting while loading: unreadable files, package version substitutions and missing
    /// dependencies, broken differentials (each naming its file and element id). Errors here mean a resource is unusable,
    /// not that the set is.
    /// </summary>
    public IReadOnlyList<Issue> LoadIssues { get; }

    /// <summary>The FHIR packages loaded, asked-for ones first, then dependencies.</summary>
    public IReadOnlyList<FhirPackage> Packages { get; }

    /// <summary>Grows by one at every change made at run time; anything derived from the set (validation plans) is stale when it moved.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Raised after every change made at run time (on the thread that made it).</summary>
    public event EventHandler? Changed;

    /// <inheritdoc />
    public ElementNode? Find(string canonical)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        var state = _state; // once: a record of one generation has no node in the next
        return state.FindRecord(canonical) is { } record ? state.Node(record) : _core.Find(canonical);
    }

    /// <summary>A StructureDefinition with its snapshot as JSON (for snapshot generation and its tests); callers must not modify it.</summary>
    internal System.Text.Json.Nodes.JsonObject? FindStructureJson(string canonical) => _state.FindStructure(canonical);

    /// <summary>
    /// True when <paramref name="canonical"/> is held by the set itself (run time, files or packages) rather than the core.
    /// </summary>
    public bool Contains(string canonical) => _state.FindRecord(canonical) is not null;

    /// <summary>
    /// The non-core resources of one type (e.g. <c>SearchParameter</c> to register custom search parameters), one per
    /// canonical URL and version, the highest-priority one where several layers define the same.
    /// </summary>
    public IEnumerable<ElementNode> Resources(string resourceType)
    {
        var state = _state;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in state.Records)
        {
            if (record.ResourceType == resourceType && seen.Add(record.Url + "|" + record.Version) && state.Node(record) is { } node)
            {
                yield return node;
            }
        }
    }

    /// <summary>How many resources of each type the definitions files gave (<see cref="ConformanceSetBuilder.AddDefinitions"/>, packages apart): for start-up reports.</summary>
    public IReadOnlyDictionary<string, int> FileCounts() => _state.Records.Where(r => r.Layer == ConformanceLayer.Files)
        .GroupBy(r => r.ResourceType, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>The SearchParameter resources loaded from files, packages and at run time (the core's are not included).</summary>
    public IEnumerable<ElementNode> SearchParameters => Resources("SearchParameter");

    /// <summary>
    /// Adds a conformance resource at run time (a StructureDefinition, ValueSet, CodeSystem... POSTed to the server), replacing
    /// one added earlier with the same <c>url</c> and <c>version</c>. A StructureDefinition without snapshot gets one; when its
    /// differential is broken nothing changes and the errors come back. Returns the issues (empty when all is well).
    /// </summary>
    public IReadOnlyList<Issue> Add(ElementNode resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var type = resource.Type.Name;
        var url = resource.GetString("url");
        if (!ConformanceTypes.Contains(type) || url is null)
        {
            return [Issue.Error(IssueType.NotSupported, $"Only conformance resources with a url can be added to the conformance set, not {type}.", type)];
        }
        var version = resource.GetString("version");
        var record = new ConformanceRecord(ConformanceLayer.Runtime, $"{type}/{resource.GetString("id") ?? url}", type, url, version,
            FhirJsonWriter.Serialize(resource));
        lock (_writeGate)
        {
            var current = _state;
            var next = new ConformanceState(current.Records
                .Where(r => !(r.Layer == ConformanceLayer.Runtime && r.Url == url && r.Version == version))
                .Prepend(record));
            var issues = next.SnapshotIssues(record).ToList();
            if (issues.Any(i => i.IsError))
            {
                return issues;
            }
            Publish(next);
            return issues;
        }
    }

    /// <summary>Removes a resource added at run time (all its versions when <paramref name="canonical"/> has none); false when there was none.</summary>
    public bool Remove(string canonical)
    {
        ArgumentNullException.ThrowIfNull(canonical);
        var bar = canonical.IndexOf('|');
        var url = bar < 0 ? canonical : canonical[..bar];
        var version = bar < 0 ? null : canonical[(bar + 1)..];
        lock (_writeGate)
        {
            var current = _state;
            bool Match(ConformanceRecord r) => r.Layer == ConformanceLayer.Runtime && r.Url == url && (version is null || r.Version == version);
            if (!current.Records.Any(Match))
            {
                return false;
            }
            Publish(new ConformanceState(current.Records.Where(r => !Match(r))));
            return true;
        }
    }

    private void Publish(ConformanceState next)
    {
        _state = next;
        Interlocked.Increment(ref _version);
        Changed?.Invoke(this, EventArgs.Empty);
    }
}
