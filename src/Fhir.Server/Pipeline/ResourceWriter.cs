using System.Globalization;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Storage;

namespace Fhir.Server.Pipeline;

/// <summary>
/// The one write path every create, update, patch and delete goes through, over HTTP or inside a
/// Bundle: stamp id and meta → validate → index → serialise → store, inside the caller's write
/// session. Validation against profiles, authorisation and audit join here.
/// </summary>
internal sealed class ResourceWriter(ServerContext context)
{
    /// <summary>Writes <paramref name="resource"/> as version <paramref name="versionId"/> of <paramref name="id"/>.</summary>
    public async Task<ResourceVersion> WriteAsync(
        IWriteSession session, ElementNode resource, string id, int versionId, WriteMethod method, CancellationToken ct)
    {
        var lastUpdated = Now();
        StampMeta(resource, id, versionId, lastUpdated);
        var index = context.Indexer.Extract(resource);
        var json = FhirJsonWriter.Serialize(resource);
        var version = new ResourceVersion(resource.Type.Name, id, versionId, lastUpdated, method, json);
        await session.WriteAsync(new ResourceWrite(version.Type, id, versionId, lastUpdated, method, json, index), ct);
        return version;
    }

    /// <summary>Writes the tombstone version <paramref name="versionId"/> that a delete leaves.</summary>
    public async Task<ResourceVersion> DeleteAsync(IWriteSession session, string type, string id, int versionId, CancellationToken ct)
    {
        var lastUpdated = Now();
        await session.WriteAsync(new ResourceWrite(type, id, versionId, lastUpdated, WriteMethod.Delete, ReadOnlyMemory<byte>.Empty, []), ct);
        return new ResourceVersion(type, id, versionId, lastUpdated, WriteMethod.Delete, ReadOnlyMemory<byte>.Empty);
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
