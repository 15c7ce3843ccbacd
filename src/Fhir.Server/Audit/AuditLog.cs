using System.Text;
using System.Text.Json;
using System.Collections.Concurrent;
using Fhir.Core.Json;
using Fhir.Server.Pipeline;
using Fhir.Storage;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Audit;

/// <summary>
/// Writes the audit trail as R4 AuditEvent resources (after the IHE Basic Audit Log Patterns: a
/// RESTful-operation event with the client as requesting agent, the server as observer, the
/// resources touched and the query as entities). A write's event joins the write's own transaction
/// (<see cref="WriteInSessionAsync"/>); every other request's event is stored before its response is
/// sent (<see cref="RecordAsync"/>), grouped with concurrent ones into one append of the store's own
/// (<see cref="IFhirStore.AppendAuditAsync"/>) so that reads neither each pay for a commit nor wait for writes.
/// </summary>
internal sealed class AuditLog : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly ServerContext _context;
    private readonly ILogger<AuditLog> _logger;
    private readonly ConcurrentQueue<(AuditContext Audit, int Status, TaskCompletionSource Done)> _queue = new();
    private int _appending; // 1 while a request appends the queue's records for everyone waiting

    public AuditLog(ServerContext context, AuditOptions options, ILogger<AuditLog> logger)
    {
        _context = context;
        _logger = logger;
        Enabled = options.Enabled;
    }

    /// <summary>Whether requests are audited (<c>Audit:Enabled</c>).</summary>
    public bool Enabled { get; }

    /// <summary>
    /// Stores the request's AuditEvent in <paramref name="session"/>, the transaction of the write it
    /// describes; the caller marks it <see cref="AuditContext.Recorded"/> once that transaction commits.
    /// </summary>
    public Task WriteInSessionAsync(WriteSession session, AuditContext audit, int status, CancellationToken ct) =>
        !Enabled || audit.Recorded ? Task.CompletedTask : StoreAsync(session, audit, status, ct);

    /// <summary>Stores the request's AuditEvent on its own; returns once it is committed.</summary>
    public async Task RecordAsync(AuditContext audit, int status)
    {
        if (!Enabled || audit.Recorded)
        {
            return;
        }
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Enqueue((audit, status, done));
        await LeadAsync();
        await done.Task;
        audit.Recorded = true;
    }

    // Group commit with a leader: the request that finds no append running appends the records waiting, its own
    // included, on its own thread, in one transaction; those queued meanwhile wait for the next leader. A read thus
    // pays no hand-over to another thread unless it arrives while an append runs.
    private async Task LeadAsync()
    {
        if (Interlocked.CompareExchange(ref _appending, 1, 0) != 0)
        {
            return; // the leader looks at the queue again when it is done
        }
        try
        {
            await AppendWaitingAsync();
        }
        finally
        {
            // A full fence: a record queued before this is seen below, or its request finds the way free.
            Interlocked.Exchange(ref _appending, 0);
        }
        if (!_queue.IsEmpty)
        {
            // Their requests found an append running; this one's own record is stored, so it hands over and answers.
            _ = Task.Run(LeadAsync);
        }
    }

    private async Task AppendWaitingAsync()
    {
        var batch = new List<(AuditContext Audit, int Status, TaskCompletionSource Done)>();
        while (batch.Count < MaxBatch && _queue.TryDequeue(out var item))
        {
            batch.Add(item);
        }
        if (batch.Count == 0)
        {
            return;
        }
        try
        {
            var now = _context.Clock.GetUtcNow();
            await _context.Store.AppendAuditAsync([.. batch.Select(item => (ReadOnlyMemory<byte>)BuildRecord(item.Audit, item.Status, now))]);
            Appended?.Invoke();
            foreach (var item in batch)
            {
                item.Done.TrySetResult();
            }
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Writing {Count} audit events failed.", batch.Count);
            foreach (var item in batch)
            {
                item.Done.TrySetException(e);
            }
        }
    }

    // The record goes to the outbox: one small row in the same transaction; AuditIndexer makes it a resource later.
    private async Task StoreAsync(WriteSession session, AuditContext audit, int status, CancellationToken ct)
    {
        await session.AppendAuditAsync(BuildRecord(audit, status, _context.Clock.GetUtcNow()), ct);
        Appended?.Invoke();
    }

    /// <summary>Raised when a record was appended (committed or about to be): the indexer's cue to look for work.</summary>
    public event Action? Appended;

    /// <summary>The AuditEvent of one request, as FHIR JSON.</summary>
    internal static byte[] BuildJson(AuditContext audit, int status, DateTimeOffset recorded) => BuildJson(AuditFacts.Of(audit), status, recorded);

    /// <summary>
    /// The record of one request as it waits for the indexer: the request's own facts (about 300 bytes), which
    /// <see cref="ToAuditEvent"/> makes its AuditEvent. The AuditEvent itself is about 1.5 KB, mostly the same codes in
    /// every event; as the record, every request wrote it to the database (or the journal) once more.
    /// </summary>
    internal static byte[] BuildRecord(AuditContext audit, int status, DateTimeOffset recorded)
    {
        var facts = AuditFacts.Of(audit);
        using var buffer = new MemoryStream(384);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber(RecordTicks, recorded.UtcTicks);
            w.WriteNumber(RecordStatus, status);
            w.WriteString("interaction", facts.Interaction);
            w.WriteString("method", facts.Method);
            w.WriteString("path", facts.Path);
            w.WriteString("query", facts.Query);
            w.WriteString("client", facts.ClientId);
            w.WriteString("scopes", facts.Scopes);
            w.WriteString("remote", facts.RemoteAddress);
            w.WriteString("server", facts.ServerAddress);
            w.WriteStartArray("entities");
            foreach (var entity in facts.Entities) w.WriteStringValue(entity);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The AuditEvent of a stored record; a record stored before records were made small is one already.</summary>
    internal static byte[] ToAuditEvent(ReadOnlySpan<byte> stored)
    {
        using var document = JsonDocument.Parse(stored.ToArray());
        var root = document.RootElement;
        if (!root.TryGetProperty(RecordTicks, out var ticks))
        {
            return stored.ToArray();
        }
        static string? Text(JsonElement root, string name) => root.GetProperty(name).GetString();
        var facts = new AuditFacts(
            Text(root, "interaction"), Text(root, "method")!, Text(root, "path")!, Text(root, "query"), Text(root, "client")!,
            Text(root, "scopes")!, Text(root, "remote"), Text(root, "server"),
            [.. root.GetProperty("entities").EnumerateArray().Select(e => e.GetString()!)]);
        return BuildJson(facts, root.GetProperty(RecordStatus).GetInt32(), new DateTimeOffset(ticks.GetInt64(), TimeSpan.Zero));
    }

    private const string RecordTicks = "recordedTicks";
    private const string RecordStatus = "status";

    /// <summary>The AuditEvent of one request (its facts), as FHIR JSON.</summary>
    internal static byte[] BuildJson(AuditFacts audit, int status, DateTimeOffset recorded)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("resourceType", "AuditEvent");
            WriteCoding(w, "type", "http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation");
            w.WriteStartArray("subtype");
            WriteCodingValue(w, "http://hl7.org/fhir/restful-interaction", audit.Interaction ?? "unknown", null);
            w.WriteEndArray();
            w.WriteString("action", Action(audit));
            w.WriteString("recorded", ResourceWriter.FormatInstant(recorded));
            w.WriteString("outcome", status < 400 ? "0" : status < 500 ? "4" : "8");
            w.WriteString("outcomeDesc", $"HTTP {status}");

            w.WriteStartArray("agent");
            w.WriteStartObject();
            w.WriteStartObject("type");
            w.WriteStartArray("coding");
            WriteCodingValue(w, "http://dicom.nema.org/resources/ontology/DCM", "110153", "Source Role ID");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("who");
            w.WriteStartObject("identifier");
            w.WriteString("system", ClientIdSystem);
            w.WriteString("value", audit.ClientId);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteString("altId", audit.ClientId);
            if (audit.Scopes.Length > 0)
            {
                // The scopes the request ran under; R4 has no element for them (BALP uses an extension too).
                w.WriteStartArray("extension");
                w.WriteStartObject();
                w.WriteString("url", ScopesExtension);
                w.WriteString("valueString", audit.Scopes);
                w.WriteEndObject();
                w.WriteEndArray();
            }
            w.WriteBoolean("requestor", true);
            if (audit.RemoteAddress is { } remote)
            {
                w.WriteStartObject("network");
                w.WriteString("address", remote);
                w.WriteString("type", "2");
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteStartObject("type");
            w.WriteStartArray("coding");
            WriteCodingValue(w, "http://dicom.nema.org/resources/ontology/DCM", "110152", "Destination Role ID");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("who");
            w.WriteString("display", "fhir-server");
            w.WriteEndObject();
            w.WriteBoolean("requestor", false);
            if (audit.ServerAddress is { Length: > 0 } server)
            {
                w.WriteStartObject("network");
                w.WriteString("address", server);
                w.WriteString("type", "1");
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteEndArray();

            w.WriteStartObject("source");
            w.WriteStartObject("observer");
            w.WriteString("display", "fhir-server");
            w.WriteEndObject();
            w.WriteStartArray("type");
            WriteCodingValue(w, "http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server");
            w.WriteEndArray();
            w.WriteEndObject();

            w.WriteStartArray("entity");
            w.WriteStartObject();
            w.WriteStartObject("type");
            WriteCodingBody(w, "http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object");
            w.WriteEndObject();
            w.WriteString("description", $"{audit.Method} {audit.Path}");
            if (audit.Query is { Length: > 0 } query)
            {
                w.WriteString("query", Convert.ToBase64String(Encoding.UTF8.GetBytes(query)));
            }
            w.WriteEndObject();
            foreach (var entity in audit.Entities)
            {
                w.WriteStartObject();
                w.WriteStartObject("what");
                w.WriteString("reference", entity);
                w.WriteEndObject();
                w.WriteStartObject("type");
                WriteCodingBody(w, "http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object");
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The identifier system of client ids in <c>AuditEvent.agent.who</c>.</summary>
    public const string ClientIdSystem = "urn:fhir-server:client-id";

    /// <summary>The extension holding the request's scopes on the requesting agent.</summary>
    public const string ScopesExtension = "http://trials.example.org/fhir/StructureDefinition/audit-scopes";

    private static string Action(AuditFacts audit) => audit.Interaction switch
    {
        "create" => "C",
        "read" or "vread" or "history-instance" or "history-type" or "history-system" or "capabilities" => "R",
        "update" or "patch" => "U",
        "delete" => "D",
        _ => "E", // search, transaction, batch, operations, authentication
    };

    private static void WriteCoding(Utf8JsonWriter w, string name, string system, string code, string display)
    {
        w.WriteStartObject(name);
        WriteCodingBody(w, system, code, display);
        w.WriteEndObject();
    }

    private static void WriteCodingValue(Utf8JsonWriter w, string system, string code, string? display)
    {
        w.WriteStartObject();
        WriteCodingBody(w, system, code, display);
        w.WriteEndObject();
    }

    private static void WriteCodingBody(Utf8JsonWriter w, string system, string code, string? display)
    {
        w.WriteString("system", system);
        w.WriteString("code", code);
        if (display is not null)
        {
            w.WriteString("display", display);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Leaders hand over until the queue is empty; wait (a while) for the last of them.
        for (var waited = 0; waited < 1000 && (!_queue.IsEmpty || Volatile.Read(ref _appending) != 0); waited++)
        {
            await Task.Delay(10);
        }
    }
}

/// <summary>What an AuditEvent says of its request.</summary>
internal sealed record AuditFacts(
    string? Interaction, string Method, string Path, string? Query, string ClientId, string Scopes, string? RemoteAddress, string? ServerAddress,
    IReadOnlyList<string> Entities)
{
    public static AuditFacts Of(AuditContext audit) => new(
        audit.Interaction, audit.Method, audit.Path, audit.Query, audit.ClientId, audit.Scopes, audit.RemoteAddress, audit.ServerAddress, [.. audit.Entities]);
}
