using Fhir.Core.Json;
using Fhir.Server.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Audit;

/// <summary>
/// Turns the audit outbox into AuditEvent resources (id, meta, search index, patient compartments), a batch per
/// transaction that also removes the batch from the outbox, so each record becomes exactly one resource whichever node
/// takes it. The request path only appends a small row (durable before the response leaves); this is where the cost of
/// a resource is paid, off that path: in the background, when requests leave the server idle (and, once the backlog
/// reaches <see cref="AuditOptions.IndexBacklog"/>, in small batches taking at most about half of one core even when
/// they do not), and at once, in full, before a request that may read AuditEvents runs (<see cref="CatchUpAsync"/>),
/// so that an auditor always finds every event of every request answered before its own. Measured on SQLite (issue 18):
/// storing records while requests wait cost a quarter of a mixed load's throughput at 16 clients, even with spare cores,
/// because each batch holds the one writer the requests wait for.
/// </summary>
internal sealed class AuditIndexer : BackgroundService
{
    // A catch-up's batches are large (fewer transactions); a busy server's are small, so that each holds the writer from
    // the requests only briefly (a batch of 500 held SQLite's writer ~50 ms: the p99 of the requests).
    private const int CatchUpBatch = 500;
    private const int BusyBatch = 100;
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <summary>The load above which the server counts as busy: the background indexer then leaves the CPU and the writer to requests.</summary>
    internal const double BusyShare = 0.75;

    // How long a busy server is watched before the load is sampled again.
    private static readonly TimeSpan LoadSample = TimeSpan.FromMilliseconds(250);

    private readonly ServerContext _context;
    private readonly AuditLog _log;
    private readonly ILogger<AuditIndexer> _logger;
    private readonly SemaphoreSlim _draining = new(1, 1);
    private readonly SemaphoreSlim _cue = new(0, 1);

    private readonly long _backlogBound;

    public AuditIndexer(ServerContext context, AuditLog log, AuditOptions options, ILogger<AuditIndexer> logger)
    {
        _context = context;
        _log = log;
        _logger = logger;
        _backlogBound = options.IndexBacklog;
        var cpu = new CpuLoad(context.Clock);
        Load = () => Math.Max(cpu.Sample(), context.Activity.Sample());
        log.Appended += Cue;
    }

    /// <summary>
    /// The server's load since the previous call, 0 to 1: the busier of its cores (<see cref="CpuLoad"/>) and its requests
    /// (<see cref="ServerActivity"/>: on SQLite, requests that wait for the writer leave cores idle, and a batch would
    /// hold the writer from them). Tests put a load of their own.
    /// </summary>
    internal Func<double> Load { get; set; }

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
        if (!_log.Enabled || await _context.Store.PendingAuditAsync(ct) == 0)
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

    // Batches until the outbox is empty. In the background (paced), each batch first waits for CPU the requests leave,
    // unless the backlog has reached its bound: then it runs regardless and is followed by a pause as long as it took,
    // so that the backlog stops growing at the cost of about half of one core. A catch-up runs at full speed.
    private async Task DrainAsync(bool paced, CancellationToken ct)
    {
        while (true)
        {
            var overBound = paced && await WaitForSpareCapacityAsync(ct);
            var started = _context.Clock.GetTimestamp();
            var limit = overBound ? BusyBatch : CatchUpBatch;
            int taken;
            // One batch at a time on this node, so that a catch-up's last batch comes after the background's.
            await _draining.WaitAsync(ct);
            try
            {
                taken = await StoreBatchAsync(limit, ct);
            }
            finally
            {
                _draining.Release();
            }
            if (taken < limit)
            {
                return;
            }
            if (overBound)
            {
                await Task.Delay(_context.Clock.GetElapsedTime(started), _context.Clock, ct);
            }
        }
    }

    // True when the backlog has reached its bound (the batch runs although the server is busy), false when there is
    // spare CPU.
    private async Task<bool> WaitForSpareCapacityAsync(CancellationToken ct)
    {
        while (true)
        {
            if (Load() < BusyShare)
            {
                return false;
            }
            if (await _context.Store.PendingAuditAsync(ct) >= _backlogBound)
            {
                return true;
            }
            await Task.Delay(LoadSample, _context.Clock, ct);
        }
    }

    private async Task<int> StoreBatchAsync(int limit, CancellationToken ct)
    {
        var taken = 0;
        await WriteUnit.RunAsync(_context, null, async (session, token) =>
        {
            var records = await session.TakeAuditAsync(limit, token);
            taken = records.Count;
            var writer = new ResourceWriter(_context);
            foreach (var json in records)
            {
                if (ReadAuditEvent(json.Span) is not { } resource)
                {
                    // Built by this server; should one not read back, it is kept as logged text rather than lost silently.
                    _logger.LogError("An audit record could not be read as an AuditEvent and was dropped: {Record}", System.Text.Encoding.UTF8.GetString(json.Span));
                    continue;
                }
                await writer.WriteAuditAsync(session, resource, token);
            }
            return new Http.FhirResponse(200);
        }, ct);
        return taken;
    }

    private Fhir.Core.Model.ElementNode? ReadAuditEvent(ReadOnlySpan<byte> record)
    {
        try
        {
            return FhirJsonReader.Parse(AuditLog.ToAuditEvent(record), definitions: _context.Definitions).Resource;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null; // not a record this server wrote: dropped below, with the record logged, rather than retried forever
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
