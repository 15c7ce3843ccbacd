using Fhir.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fhir.Server;

/// <summary>Creates or migrates the schema when the host starts, before the server takes requests.</summary>
internal sealed class StoreInitializer(ServerContext context, StorageOptions storage, ILogger<StoreInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await context.Store.InitializeAsync(cancellationToken);
        logger.LogDebug("FHIR R4 server storage ready ({Provider})", storage.Provider);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
