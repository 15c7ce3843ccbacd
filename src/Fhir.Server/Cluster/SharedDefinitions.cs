using Fhir.Core.Definitions;
using Fhir.Server.SearchParameters;
using Fhir.Server.Validation;
using Fhir.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Cluster;

/// <summary>
/// Keeps what the REST API can change about the server itself, its SearchParameters and the conformance resources
/// validation uses (StructureDefinition, ValueSet, CodeSystem, Questionnaire), the same on every server process that
/// shares the database. At start, before requests are served, every stored one is put in force; then the change log
/// (<see cref="Storage.Changes.IChangeLogStore"/>), which each write of such a resource appends to in its own
/// transaction, is read every <see cref="FhirServerOptions.NodeSyncMilliseconds"/> and what another process wrote is
/// taken into use here. The writing process applies its own writes at once (<see cref="Pipeline.WriteUnit"/>) and queues
/// the reindex they need; the others only take the definitions in (the reindex job is in the database too, and any
/// process's job runner may run it). This works alike on SQLite (several processes on one file) and PostgreSQL.
/// </summary>
internal sealed class SharedDefinitions(
    IFhirStore store, SearchParameterChanges searchParameters, ServerValidation validation, FhirDefinitions definitions, FhirServerOptions options,
    ILogger<SharedDefinitions> logger) : IHostedService
{
    /// <summary>The conformance types read at start, in an order that lets most StructureDefinitions find their bases.</summary>
    private static readonly string[] ConformanceTypes = ["CodeSystem", "ValueSet", "StructureDefinition", "Questionnaire"];

    // The versions already in force here, so that a process's own writes coming back through the log change nothing.
    private readonly Dictionary<(string Type, string Id), int> _versions = [];
    // Never disposed: it holds no timer, and the host may stop the service again after the container is gone.
    private readonly CancellationTokenSource _stopping = new();
    private long _last;
    private Task? _loop;

    /// <summary>Stored SearchParameters put in force at start.</summary>
    public int SearchParametersAtStart { get; private set; }

    /// <summary>Stored conformance resources put in force at start.</summary>
    public int ConformanceAtStart { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Where to follow from, read before the current state: a change made in between is applied twice, never missed.
        _last = await store.LastChangeAsync(cancellationToken);
        await LoadSearchParametersAsync(cancellationToken);
        await LoadConformanceAsync(cancellationToken);
        _loop = Task.Run(() => FollowAsync(_stopping.Token), CancellationToken.None);
    }

    /// <summary>Notes that this process applied a version itself, so that reading it back from the log does nothing.</summary>
    public void Applied(string type, string id, int versionId)
    {
        lock (_versions)
        {
            _versions[(type, id)] = versionId;
        }
    }

    /// <summary>Reads the change log once and applies what is new (the loop's step; tests call it to skip the wait).</summary>
    internal async Task CatchUpAsync(CancellationToken ct)
    {
        var now = await store.LastChangeAsync(ct);
        while (_last < now)
        {
            var through = Math.Min(now, _last + 500);
            var changes = await store.ReadChangesAsync(_last, through, ct);
            // Each resource once, in its current state (the log has each change; the state is the latest).
            foreach (var change in changes.DistinctBy(c => (c.Type, c.Id)))
            {
                lock (_versions)
                {
                    if (change.VersionId > 0 && _versions.TryGetValue((change.Type, change.Id), out var applied) && applied == change.VersionId)
                    {
                        continue;
                    }
                    _versions[(change.Type, change.Id)] = change.VersionId;
                }
                if (change.Type == "SearchParameter")
                {
                    searchParameters.Apply(change.Id, change.Json);
                }
                else if (ServerValidation.ChangesValidation(change.Type))
                {
                    validation.Apply(change.Type, change.Id, change.Json, definitions);
                }
                logger.LogInformation("{Type}/{Id} was {What} by another server process and is in force here", change.Type, change.Id,
                    change.Json is null ? "deleted" : "written");
            }
            _last = through;
        }
    }

    private async Task FollowAsync(CancellationToken ct)
    {
        var interval = TimeSpan.FromMilliseconds(options.NodeSyncMilliseconds);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, ct);
                await CatchUpAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database may be down for a while: the next round starts again from the last change applied.
                logger.LogWarning(e, "Changes made by other server processes could not be read; retrying");
            }
        }
    }

    private async Task LoadSearchParametersAsync(CancellationToken ct)
    {
        await foreach (var sp in ReadAllAsync("SearchParameter", ct))
        {
            searchParameters.Apply(sp.Id, sp.Json);
            SearchParametersAtStart++;
        }
    }

    private async Task LoadConformanceAsync(CancellationToken ct)
    {
        var pending = new List<(string Type, string Id, ReadOnlyMemory<byte> Json)>();
        foreach (var type in ConformanceTypes)
        {
            await foreach (var resource in ReadAllAsync(type, ct))
            {
                pending.Add((type, resource.Id, resource.Json));
            }
        }
        // A profile may be based on another stored one that comes later: repeat while something new fits, then log what never did.
        while (pending.Count > 0)
        {
            var failed = pending.Where(p => !validation.Apply(p.Type, p.Id, p.Json, definitions, quiet: true)).ToList();
            ConformanceAtStart += pending.Count - failed.Count;
            if (failed.Count == pending.Count)
            {
                foreach (var (type, id, json) in failed)
                {
                    validation.Apply(type, id, json, definitions);
                }
                break;
            }
            pending = failed;
        }
    }

    private async IAsyncEnumerable<CurrentResource> ReadAllAsync(string type, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        for (long key = 0; ;)
        {
            var batch = await store.ReadCurrentAsync(type, key, 500, ct);
            foreach (var resource in batch)
            {
                yield return resource;
            }
            if (batch.Count < 500)
            {
                yield break;
            }
            key = batch[^1].Key;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }
    }
}
