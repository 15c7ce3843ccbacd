using Fhir.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.SearchParameters;

/// <summary>
/// At start, before requests are served, puts the SearchParameter resources stored in the
/// database (written through the REST API earlier, by this or another process) in force.
/// </summary>
internal sealed class StoredSearchParameters(IFhirStore store, SearchParameterChanges changes, ILogger<StoredSearchParameters> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var loaded = 0;
        for (long key = 0; ;)
        {
            var batch = await store.ReadCurrentAsync("SearchParameter", key, 500, cancellationToken);
            foreach (var sp in batch)
            {
                changes.Apply(sp.Id, sp.Json);
                loaded++;
            }
            if (batch.Count < 500) break;
            key = batch[^1].Key;
        }
        logger.LogInformation("{Count} stored SearchParameter resources loaded", loaded);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
