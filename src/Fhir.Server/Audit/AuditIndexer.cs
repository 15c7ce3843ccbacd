using Fhir.Core.Json;
using Fhir.Server.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Audit;

/// <summary>
/// Turns the audit outbox into AuditEvent resources (id, meta, search index, patient compartments), a batch per
/// transaction that also removes the batch from the outbox, so each record becomes exactly one resource whichever node
/// takes it. The request path only appends a small row (durable before the response leaves); this is where the cost of
/// a resource is paid, off that path: in the background, at most about half of one core, and at once, in full, before a
/// request that may read AuditEvents runs (<see cref="CatchUpAsync"/>), so that an auditor always finds every event of
/// every request answered before its own.
/// </summary>
internal sealed class AuditIndexer : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    private readonly ServerContext _context;
    private readonly AuditLog _log;
    private readonly ILogger<AuditIndexer> _logger;
    private readonly SemaphoreSlim _draining = new(1, 1);
    private readonly SemaphoreSlim _cue = new(0, 1);

    public AuditIndexer(ServerContext context, AuditLog log, ILogger<AuditIndexer> logger)
    {
        _context = context;
        _log = log;
        _logger = logger;
        log.Appended += Cue;
    }

    private void Cue()
    {
        if (_cue.CurrentCount == 0)
        {
            try
            {
                _cue.Release();
            }
            catch (SemaphoreFullException)
            {
                // Cued already.
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="request"/> may read AuditEvents (its grant reaches them, and it names their type, or may
    /// reach every type: system-level requests, Bundles, or a parameter that names AuditEvent), so that the outbox must
    /// be stored before it runs.
    /// </summary>
    public static bool Concerns(Http.FhirRequest request)
    {
        if (request.Access.Decide(Security.AccessGrant.AuditEventType, Security.Permissions.Read) == Security.AccessDecision.Denied
            && request.Access.Decide(Security.AccessGrant.AuditEventType, Security.Permissions.Search) == Security.AccessDecision.Denied)
        {
            return false;
        }
        if (request.ResourceType == Security.AccessGrant.AuditEventType
            || request.Query.Any(q => q.Key.Contains(Security.AccessGrant.AuditEventType, StringComparison.Ordinal) || q.Value.Contains(Security.AccessGrant.AuditEventType, StringComparison.Ordinal)))
        {
            return true;
        }
        // System-level searches and history cover every type; a Bundle only when one of its entries names the type.
        return request.ResourceType is null
            && (request.Body.IsEmpty || request.Body.Span.IndexOf("AuditEvent"u8) >= 0);
    }

    /// <summary>Stores every record of the outbox (this node's and others') as a resource before it returns.</summary>
    public async Task CatchUpAsync(CancellationToken ct)
    {
        if (!_log.Enabled || !await _context.Store.HasPendingAuditAsync(ct))
        {
            return;
        }
        await DrainAsync(paced: false, ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_log.Enabled)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Woken by an append here, or by the poll for other nodes' records.
                await _cue.WaitAsync(Poll, stoppingToken);
                await DrainAsync(paced: true, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The records stay in the outbox; the next round takes them again.
                _logger.LogError(e, "Storing audit records as AuditEvent resources failed.");
            }
        }
    }

    // Batches until the outbox is empty. Paced, each batch is followed by a pause as long as it took, so that under load
    // the backlog waits (durably) rather than taking the requests' CPU; a catch-up runs at full speed.
    private async Task DrainAsync(bool paced, CancellationToken ct)
    {
        await _draining.WaitAsync(ct);
        try
        {
            while (true)
            {
                var started = _context.Clock.GetTimestamp();
                var taken = 0;
                await WriteUnit.RunAsync(_context, null, async (session, token) =>
                {
                    var records = await session.TakeAuditAsync(BatchSize, token);
                    taken = records.Count;
                    var writer = new ResourceWriter(_context);
                    foreach (var json in records)
                    {
                        var parsed = FhirJsonReader.Parse(json.Span, definitions: _context.Definitions);
                        if (parsed.Resource is not { } resource)
                        {
                            // Built by this server; should one not read back, it is kept as logged text rather than lost silently.
                            _logger.LogError("An audit record could not be read as an AuditEvent and was dropped: {Record}", System.Text.Encoding.UTF8.GetString(json.Span));
                            continue;
                        }
                        await writer.WriteAuditAsync(session, resource, token);
                    }
                    return new Http.FhirResponse(200);
                }, ct);
                if (taken < BatchSize)
                {
                    return;
                }
                if (paced)
                {
                    await Task.Delay(_context.Clock.GetElapsedTime(started), ct);
                }
            }
        }
        finally
        {
            _draining.Release();
        }
    }

    public override void Dispose()
    {
        _log.Appended -= Cue;
        _draining.Dispose();
        _cue.Dispose();
        base.Dispose();
    }
}
