using Fhir.Search.Queries;
using Fhir.Server.Http;
using Fhir.Server.Security;
using Fhir.Storage;

namespace Fhir.Server.Pipeline;

/// <summary>
/// The server's write session: one database transaction (opened only when first used, so that parsing, indexing and
/// serialising happen before it is taken — on SQLite, the single writer's lock), seen through the request's
/// <see cref="AccessGate"/>. Conditional matches search only what the gate lets the request see; the current version
/// of a resource a confined grant may not read cannot be read, replaced or deleted through it (404, as for a read), and
/// one it shares with other patients only read (403); every version written passes <see cref="AccessGate.CheckWrite"/>.
/// </summary>
/// <param name="store">The store.</param>
/// <param name="gate">The request's access gate.</param>
/// <param name="mayRollBack">The caller may end the session without committing after it wrote (see <see cref="IFhirStore.BeginWriteAsync(bool, CancellationToken)"/>).</param>
internal sealed class WriteSession(IFhirStore store, AccessGate gate, bool mayRollBack = false) : IAsyncDisposable
{
    private IWriteSession? _inner;
    private List<ResourceWrite>? _searchParameterWrites;
    private List<ResourceWrite>? _conformanceWrites;

    /// <summary>The gate of the request the session writes for.</summary>
    public AccessGate Gate => gate;

    /// <summary>The SearchParameter resources written in this session: they change the search parameters once committed.</summary>
    public IReadOnlyList<ResourceWrite> SearchParameterWrites => _searchParameterWrites ?? [];

    /// <summary>
    /// The StructureDefinitions, ValueSets, CodeSystems and Questionnaires written (or deleted) in this session: validation
    /// uses them once committed.
    /// </summary>
    public IReadOnlyList<ResourceWrite> ConformanceWrites => _conformanceWrites ?? [];

    private async ValueTask<IWriteSession> InnerAsync(CancellationToken ct) => _inner ??= await store.BeginWriteAsync(mayRollBack, ct);

    /// <summary>
    /// The current version of a resource (a tombstone when deleted), locked against concurrent writers; null when
    /// it never existed. Outside the gate's scope it throws <see cref="AccessDeniedException"/> (404).
    /// </summary>
    public async Task<ResourceVersion?> ReadForUpdateAsync(string type, string id, CancellationToken ct = default)
    {
        var inner = await InnerAsync(ct);
        var current = await inner.ReadForUpdateAsync(type, id, ct);
        if (current is not null && gate.ConfinedTo(type) is { } patient && !(await inner.CurrentPatientsAsync(type, id, ct)).Contains(patient))
        {
            throw new AccessDeniedException(FhirResponse.NotFound(type, id));
        }
        return current;
    }

    /// <summary>Serialises sessions that evaluate the same condition, across every process sharing the database.</summary>
    public async Task LockConditionAsync(string key, CancellationToken ct = default) =>
        await (await InnerAsync(ct)).LockConditionAsync(key, ct);

    /// <summary>Ids of current resources the gate lets this request search that match <paramref name="query"/>, as seen in this session.</summary>
    public async Task<IReadOnlyList<string>> SearchIdsAsync(SearchQuery query, int limit, CancellationToken ct = default) =>
        await (await InnerAsync(ct)).SearchIdsAsync(query, gate.Scope, limit, ct);

    /// <summary>Writes one version the gate allows (see <see cref="AccessGate.CheckWrite"/>); <paramref name="resource"/> is the version's content (null for a delete).</summary>
    public async Task WriteAsync(ResourceWrite write, Fhir.Core.Model.ElementNode? resource, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var inner = await InnerAsync(ct);
        if (gate.ConfinedTo(write.Type) is { } patient)
        {
            // What is there now must be the grant's alone to replace or delete, whichever interaction got here: another
            // patient's resource does not exist for it, and one shared with other patients is theirs too.
            if (write.VersionId > 1 && await inner.CurrentPatientsAsync(write.Type, write.Id, ct) is var current && !(current.Count == 1 && current[0] == patient))
            {
                throw new AccessDeniedException(current.Contains(patient)
                    ? FhirResponse.Error(403, Fhir.Core.Outcomes.IssueType.Forbidden, $"{write.Type}/{write.Id} is in other patients' compartments too: a token confined to Patient/{patient} may read it, not change it.")
                    : FhirResponse.NotFound(write.Type, write.Id));
            }
            if (write.Method != WriteMethod.Delete && resource is not null
                && gate.CheckWrite(write.Type, write.Patients, PatientReferences.In(resource)) is { } refused)
            {
                throw new AccessDeniedException(refused);
            }
        }
        await WriteUncheckedAsync(inner, write, ct);
    }

    /// <summary>Writes one of the server's own records of the request (its AuditEvent, the body lenient intake keeps and its Provenance), outside what the client may write.</summary>
    public async Task WriteAuditAsync(ResourceWrite write, CancellationToken ct = default) =>
        await WriteUncheckedAsync(await InnerAsync(ct), write, ct);

    /// <summary>Appends a request's audit record to the outbox, in this transaction (see Audit/AuditIndexer).</summary>
    public async Task AppendAuditAsync(ReadOnlyMemory<byte> json, CancellationToken ct = default) =>
        await (await InnerAsync(ct)).AppendAuditAsync(json, ct);

    /// <summary>Takes up to <paramref name="limit"/> audit records from the outbox, to be stored as resources in this transaction.</summary>
    public async Task<IReadOnlyList<ReadOnlyMemory<byte>>> TakeAuditAsync(int limit, CancellationToken ct = default) =>
        await (await InnerAsync(ct)).TakeAuditAsync(limit, ct);

    private async Task WriteUncheckedAsync(IWriteSession inner, ResourceWrite write, CancellationToken ct)
    {
        await inner.WriteAsync(write, ct);
        if (write.Type == "SearchParameter")
        {
            (_searchParameterWrites ??= []).Add(write);
        }
        else if (Validation.ServerValidation.ChangesValidation(write.Type))
        {
            (_conformanceWrites ??= []).Add(write);
        }
    }

    /// <summary>
    /// Records a job's progress in this transaction, so that what the job wrote and where it resumes commit together;
    /// false when the runner no longer owns the job (then the session must not be committed).
    /// </summary>
    public async Task<bool> CheckpointJobAsync(Fhir.Storage.Jobs.JobCheckpoint checkpoint, DateTimeOffset now, CancellationToken ct = default) =>
        await (await InnerAsync(ct)).CheckpointJobAsync(checkpoint, now, ct);

    /// <summary>
    /// Commits the transaction (nothing to do when nothing was read or written). Writes of SearchParameters and conformance
    /// resources go into the change log in the same transaction, so that every other server process on the database
    /// takes them into use too (<see cref="Cluster.SharedDefinitions"/>).
    /// </summary>
    public async Task CommitAsync(CancellationToken ct = default)
    {
        if (_inner is null)
        {
            return;
        }
        if (_searchParameterWrites is not null || _conformanceWrites is not null)
        {
            await _inner.RecordChangesAsync([.. SearchParameterWrites.Concat(ConformanceWrites).Select(w => (w.Type, w.Id))], ct);
        }
        await _inner.CommitAsync(ct);
    }

    public ValueTask DisposeAsync() => _inner?.DisposeAsync() ?? ValueTask.CompletedTask;
}
