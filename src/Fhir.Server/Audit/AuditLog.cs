using System.Text;
using System.Text.Json;
using System.Threading.Channels;
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
/// sent (<see cref="RecordAsync"/>), grouped with concurrent ones into one transaction so that reads
/// do not each pay for a commit.
/// </summary>
internal sealed class AuditLog : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private readonly ServerContext _context;
    private readonly ILogger<AuditLog> _logger;
    private readonly Channel<(AuditContext Audit, int Status, TaskCompletionSource Done)> _queue =
        Channel.CreateUnbounded<(AuditContext, int, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;

    public AuditLog(ServerContext context, AuditOptions options, ILogger<AuditLog> logger)
    {
        _context = context;
        _logger = logger;
        Enabled = options.Enabled;
        _writer = Enabled ? Task.Run(WriteBatchesAsync) : Task.CompletedTask;
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
        await _queue.Writer.WriteAsync((audit, status, done));
        await done.Task;
        audit.Recorded = true;
    }

    private async Task WriteBatchesAsync()
    {
        var batch = new List<(AuditContext Audit, int Status, TaskCompletionSource Done)>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }
            try
            {
                await WriteUnit.RunAsync(_context, null, async (session, ct) =>
                {
                    foreach (var (audit, status, _) in batch)
                    {
                        await StoreAsync(session, audit, status, ct);
                    }
                    return new Http.FhirResponse(200);
                }, CancellationToken.None);
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
            batch.Clear();
        }
    }

    // The record goes to the outbox: one small row in the same transaction; AuditIndexer makes it a resource later.
    private async Task StoreAsync(WriteSession session, AuditContext audit, int status, CancellationToken ct)
    {
        await session.AppendAuditAsync(BuildJson(audit, status, _context.Clock.GetUtcNow()), ct);
        Appended?.Invoke();
    }

    /// <summary>Raised when a record was appended (committed or about to be): the indexer's cue to look for work.</summary>
    public event Action? Appended;

    /// <summary>The AuditEvent of one request, as FHIR JSON.</summary>
    internal static byte[] BuildJson(AuditContext audit, int status, DateTimeOffset recorded)
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

    private static string Action(AuditContext audit) => audit.Interaction switch
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
        _queue.Writer.TryComplete();
        await _writer;
    }
}
