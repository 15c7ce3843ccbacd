using Fhir.Core.Definitions;
using Fhir.Storage;
using Fhir.Storage.Jobs;

namespace Fhir.Server.Jobs;

/// <summary>Queues jobs in the store (any process's runner may take them) and wakes this process's runner.</summary>
internal sealed class JobQueue(IFhirStore store, FhirDefinitions definitions, JobSignal signal, TimeProvider clock)
{
    /// <summary>The status URL of a job, relative to the FHIR base.</summary>
    public static string StatusPath(string jobId) => "_jobs/" + jobId;

    /// <summary>Queues a reindex of <paramref name="codes"/> (all parameters when null) of every resource of <paramref name="types"/>.</summary>
    public Task<JobRecord> EnqueueReindexAsync(IReadOnlyList<string> types, IReadOnlyList<string>? codes, CancellationToken ct) =>
        EnqueueAsync(new ReindexRequest(types, codes), ct);

    private Task<JobRecord> EnqueueAsync(ReindexRequest request, CancellationToken ct) => EnqueueAsync(ReindexRequest.Kind, request.ToJson(), ct);

    /// <summary>Queues a job of <paramref name="kind"/> with its request JSON (a bulk export or import).</summary>
    public async Task<JobRecord> EnqueueAsync(string kind, string request, CancellationToken ct)
    {
        var job = await store.EnqueueJobAsync(kind, request, clock.GetUtcNow(), ct);
        signal.Notify();
        return job;
    }

    /// <summary>Queues the reindex that changed search parameters need: their codes, on their types (abstract bases expanded).</summary>
    public Task<JobRecord> EnqueueReindexAsync(IReadOnlyList<(string ResourceType, string Code)> changed, CancellationToken ct)
    {
        var types = changed.SelectMany(c => ConcreteTypes(c.ResourceType)).Distinct().Order(StringComparer.Ordinal).ToList();
        var codes = changed.Select(c => c.Code).Distinct().Order(StringComparer.Ordinal).ToList();
        return EnqueueAsync(new ReindexRequest(types, codes) { AfterChange = true }, ct);
    }

    /// <summary>The resource types that are <paramref name="type"/> or derive from it (every type for <c>Resource</c>).</summary>
    public IEnumerable<string> ConcreteTypes(string type) =>
        definitions.ResourceTypeNames.Where(t =>
        {
            for (var b = t; b is not null; b = definitions.BaseTypeName(b))
            {
                if (b == type) return true;
            }
            return false;
        });
}
