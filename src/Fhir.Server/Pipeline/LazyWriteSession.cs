using Fhir.Search.Queries;
using Fhir.Storage;

namespace Fhir.Server.Pipeline;

/// <summary>
/// A write session that opens the database transaction only when first used, so that parsing,
/// indexing and serialising a resource happen before the transaction (on SQLite: the single
/// writer's lock) is taken, not while it is held.
/// </summary>
internal sealed class LazyWriteSession(IFhirStore store) : IWriteSession
{
    private IWriteSession? _inner;
    private List<ResourceWrite>? _searchParameterWrites;

    /// <summary>The SearchParameter resources written in this session: they change the search parameters once committed.</summary>
    public IReadOnlyList<ResourceWrite> SearchParameterWrites => _searchParameterWrites ?? [];

    private List<ResourceWrite>? _conformanceWrites;

    /// <summary>The StructureDefinitions, ValueSets, CodeSystems and Questionnaires written in this session: validation uses them once committed.</summary>
    public IReadOnlyList<ResourceWrite> ConformanceWrites => _conformanceWrites ?? [];

    private async ValueTask<IWriteSession> InnerAsync(CancellationToken ct) => _inner ??= await store.BeginWriteAsync(ct);

    public async Task<ResourceVersion?> ReadForUpdateAsync(string type, string id, CancellationToken ct = default) =>
        await (await InnerAsync(ct)).ReadForUpdateAsync(type, id, ct);

    public async Task LockConditionAsync(string key, CancellationToken ct = default) =>
        await (await InnerAsync(ct)).LockConditionAsync(key, ct);

    public async Task<IReadOnlyList<string>> SearchIdsAsync(SearchQuery query, int limit, CancellationToken ct = default) =>
        await (await InnerAsync(ct)).SearchIdsAsync(query, limit, ct);

    public async Task WriteAsync(ResourceWrite write, CancellationToken ct = default)
    {
        await (await InnerAsync(ct)).WriteAsync(write, ct);
        if (write.Type == "SearchParameter")
        {
            (_searchParameterWrites ??= []).Add(write);
        }
        else if (Validation.ServerValidation.ChangesValidation(write.Type) && write.Method != WriteMethod.Delete)
        {
            (_conformanceWrites ??= []).Add(write);
        }
    }

    public Task CommitAsync(CancellationToken ct = default) => _inner?.CommitAsync(ct) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _inner?.DisposeAsync() ?? ValueTask.CompletedTask;
}
