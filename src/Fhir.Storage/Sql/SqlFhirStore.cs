using Fhir.Search.Queries;
using Fhir.Storage.Access;

namespace Fhir.Storage.Sql;

/// <summary>What the two stores share: every read runs the same SQL on a lent connection.</summary>
internal abstract partial class SqlFhirStore(SqlDialect dialect) : IFhirStore
{
    /// <summary>The dialect of this store's database.</summary>
    protected SqlDialect Dialect { get; } = dialect;

    /// <summary>Lends a connection for one read, outside any transaction.</summary>
    protected internal abstract ValueTask<DbLease> LeaseForReadAsync(CancellationToken ct);

    /// <summary>A connection for searches, counts, includes and history: statements whose best plan depends on their values.</summary>
    protected internal virtual ValueTask<DbLease> LeaseForSearchAsync(CancellationToken ct) => LeaseForReadAsync(ct);

    public abstract Task InitializeAsync(CancellationToken ct = default);

    public abstract Task<IWriteSession> BeginWriteAsync(bool mayRollBack = false, CancellationToken ct = default);

    public abstract ValueTask DisposeAsync();

    // Nothing by default: PostgreSQL's caches are the database server's.
    public virtual Task TrimMemoryAsync(CancellationToken ct = default) => Task.CompletedTask;

    public IResourceReader Reader(ReadScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        return new ScopedReader(this, scope);
    }

    /// <summary>The reads of one scope: every statement carries its limits (ScopeSql, ScopeCheck).</summary>
    private sealed partial class ScopedReader(SqlFhirStore store, ReadScope scope) : IResourceReader
    {
        public ReadScope Scope => scope;

        public async Task<ResourceVersion?> ReadAsync(string type, string id, CancellationToken ct = default)
        {
            var lease = await store.LeaseForReadAsync(ct);
            await using (lease) return await StoreQueries.ReadCurrentAsync(lease, type, id, scope, ct);
        }

        public async Task<ResourceVersion?> ReadVersionAsync(string type, string id, int versionId, CancellationToken ct = default)
        {
            var lease = await store.LeaseForReadAsync(ct);
            await using (lease) return await StoreQueries.ReadVersionAsync(lease, type, id, versionId, scope, ct);
        }

        public async Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken ct = default)
        {
            ArgumentNullException.ThrowIfNull(query);
            var lease = await store.LeaseForSearchAsync(ct);
            await using (lease) return await StoreQueries.HistoryAsync(lease, query, scope, ct);
        }

        public async Task<SearchPage> SearchAsync(SearchQuery query, CancellationToken ct = default)
        {
            ArgumentNullException.ThrowIfNull(query);
            var lease = await store.LeaseForSearchAsync(ct);
            await using (lease) return await StoreQueries.SearchAsync(lease, query, scope, ct);
        }
    }
}
