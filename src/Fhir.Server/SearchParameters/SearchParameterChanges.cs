using System.Text.Json;
using Fhir.Core.Definitions;
using Fhir.Search.Parameters;
using Fhir.Server.Jobs;
using Fhir.Storage.Jobs;
using Fhir.Storage;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.SearchParameters;

/// <summary>
/// Keeps the catalog in step with the SearchParameter resources written through the REST API:
/// after a write commits, its parameters are in force for the next write at once, and the
/// resources stored before are queued for a reindex of exactly the changed parameters.
/// </summary>
internal sealed class SearchParameterChanges(SearchParameterCatalog catalog, FhirDefinitions definitions, JobQueue jobs, ILogger<SearchParameterChanges> logger)
{
    /// <summary>
    /// Called after writes of SearchParameter resources commit: puts them in force and queues the
    /// reindex of the resources stored before; returns that job (null when nothing changed).
    /// </summary>
    public async Task<JobRecord?> CommittedAsync(IReadOnlyList<ResourceWrite> writes, CancellationToken ct)
    {
        var changed = Apply(writes);
        // The write is committed whatever happens here: the job must be queued even if the client went away.
        return changed.Count == 0 ? null : await jobs.EnqueueReindexAsync(changed, CancellationToken.None);
    }

    /// <summary>Applies writes of SearchParameter resources to the catalog; returns the (type, code) pairs whose definition changed.</summary>
    public IReadOnlyList<(string ResourceType, string Code)> Apply(IEnumerable<ResourceWrite> writes)
    {
        var changed = new List<(string, string)>();
        foreach (var write in writes)
        {
            changed.AddRange(Apply(write.Id, write.Method == WriteMethod.Delete ? null : write.Json));
        }
        return [.. changed.Distinct()];
    }

    /// <summary>Applies the current state of one stored SearchParameter (null JSON: deleted).</summary>
    public IReadOnlyList<(string ResourceType, string Code)> Apply(string id, ReadOnlyMemory<byte>? json)
    {
        var source = SearchParameterResources.Source(id);
        if (json is null || json.Value.IsEmpty)
        {
            return catalog.Remove(source);
        }
        using var doc = JsonDocument.Parse(json.Value);
        var parameters = SearchParameterResources.Read(doc.RootElement, definitions, out var issues);
        if (issues.Count > 0)
        {
            // Creates and updates are checked before they are stored; a patch may still produce one.
            logger.LogWarning("SearchParameter/{Id} is not usable and is not in force: {Issues}", id, string.Join("; ", issues.Select(i => i.Message)));
        }
        return catalog.Set(source, parameters);
    }
}
