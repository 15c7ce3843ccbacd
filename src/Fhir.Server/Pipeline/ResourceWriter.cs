using System.Globalization;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Server.Http;
using Fhir.Search.Indexing;
using Fhir.Storage;

namespace Fhir.Server.Pipeline;

/// <summary>
/// The one write path every create, update, patch and delete goes through, over HTTP or inside a
/// Bundle: stamp id and meta → validate → index → serialise (<see cref="Prepare"/>, CPU work done
/// before the database transaction is opened where possible) → store (<see cref="StoreAsync"/>,
/// inside the caller's write session). Validation against profiles, authorisation and audit join here.
/// </summary>
internal sealed class ResourceWriter(ServerContext context)
{
    /// <summary>A version ready to store: its JSON, its index values and the patients whose compartment it is in.</summary>
    public sealed record Prepared(ElementNode Resource, ResourceVersion Version, IReadOnlyList<IndexValue> Index, IReadOnlyList<string> Patients);

    /// <summary>
    /// Validates a resource about to be written (base definition, declared and required profiles):
    /// errors make a 422 with the whole OperationOutcome; otherwise the warnings and notes come back
    /// for the response (<c>Prefer: return=OperationOutcome</c>).
    /// </summary>
    public FhirResponse? Validate(ElementNode resource, out IReadOnlyList<Issue> notes)
    {
        var result = context.Validation.Validate(resource);
        notes = result.Issues;
        return result.HasErrors ? FhirResponse.Error(422, result.Issues) : null;
    }

    /// <summary>Stamps <paramref name="resource"/> as version <paramref name="versionId"/> of <paramref name="id"/>, indexes and serialises it.</summary>
    public Prepared Prepare(ElementNode resource, string id, int versionId, WriteMethod method)
    {
        var lastUpdated = Now();
        StampMeta(resource, id, versionId, lastUpdated);
        var index = context.Indexer.Extract(resource);
        var json = FhirJsonWriter.Serialize(resource);
        var patients = context.Compartments.Members("Patient", resource.Type.Name, id, index);
        return new Prepared(resource, new ResourceVersion(resource.Type.Name, id, versionId, lastUpdated, method, json), index, patients);
    }

    /// <summary>The same prepared write as another version number (the index does not depend on it).</summary>
    public Prepared Restamp(Prepared prepared, int versionId, WriteMethod method)
    {
        if (prepared.Version.VersionId == versionId)
        {
            return prepared with { Version = prepared.Version with { Method = method } };
        }
        var lastUpdated = Now();
        StampMeta(prepared.Resource, prepared.Version.Id, versionId, lastUpdated);
        var json = FhirJsonWriter.Serialize(prepared.Resource);
        return prepared with { Version = prepared.Version with { VersionId = versionId, LastUpdated = lastUpdated, Method = method, Json = json } };
    }

    /// <summary>Stores a prepared version in the session, as far as the session's access gate allows.</summary>
    public static async Task<ResourceVersion> StoreAsync(WriteSession session, Prepared prepared, CancellationToken ct)
    {
        await session.WriteAsync(ToWrite(prepared), prepared.Resource, ct);
        return prepared.Version;
    }

    /// <summary>Prepares and stores in one step, for paths where the version is only known inside the session.</summary>
    public Task<ResourceVersion> WriteAsync(WriteSession session, ElementNode resource, string id, int versionId, WriteMethod method, CancellationToken ct) =>
        StoreAsync(session, Prepare(resource, id, versionId, method), ct);

    /// <summary>Stores the server's own record of a request (its AuditEvent), which no client grant limits.</summary>
    public async Task WriteAuditAsync(WriteSession session, ElementNode resource, CancellationToken ct) =>
        await session.WriteAuditAsync(ToWrite(Prepare(resource, ServerContext.NewId(), 1, WriteMethod.Create)), ct);

    /// <summary>Stores another of the server's own records of a request (the body lenient intake keeps, its Provenance) as version 1 of <paramref name="id"/>.</summary>
    public async Task WriteRecordAsync(WriteSession session, ElementNode resource, string id, CancellationToken ct) =>
        await session.WriteAuditAsync(ToWrite(Prepare(resource, id, 1, WriteMethod.Create)), ct);

    /// <summary>Writes the tombstone version <paramref name="versionId"/> that a delete leaves.</summary>
    public async Task<ResourceVersion> DeleteAsync(WriteSession session, string type, string id, int versionId, CancellationToken ct)
    {
        var lastUpdated = Now();
        await session.WriteAsync(new ResourceWrite(type, id, versionId, lastUpdated, WriteMethod.Delete, ReadOnlyMemory<byte>.Empty, [], []), null, ct);
        return new ResourceVersion(type, id, versionId, lastUpdated, WriteMethod.Delete, ReadOnlyMemory<byte>.Empty);
    }

    private static ResourceWrite ToWrite(Prepared prepared)
    {
        var v = prepared.Version;
        return new ResourceWrite(v.Type, v.Id, v.VersionId, v.LastUpdated, v.Method, v.Json, prepared.Index, prepared.Patients);
    }

    // FHIR instants carry milliseconds at most here, so that what we store is what we report.
    private DateTimeOffset Now()
    {
        var now = context.Clock.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    private static void StampMeta(ElementNode resource, string id, int versionId, DateTimeOffset lastUpdated)
    {
        resource.SetPrimitive("id", id);
        var meta = resource.GetOrAddComplex("meta");
        meta.SetPrimitive("versionId", versionId.ToString(CultureInfo.InvariantCulture));
        meta.SetPrimitive("lastUpdated", FormatInstant(lastUpdated));
    }

    /// <summary>An instant in FHIR form with milliseconds and Z: <c>2024-05-01T10:00:00.123Z</c>.</summary>
    public static string FormatInstant(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
