using System.Globalization;
using System.Text.Json.Nodes;
using Fhir.Core.Json;
using Fhir.Server.Pipeline;
using Fhir.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fhir.Server.Audit;

/// <summary>
/// The audit trail of refused requests (no token or a bad one, too many requests, a refused Host or size): per source
/// (address and client) and interval (<see cref="AuditOptions.FailureIntervalSeconds"/>), the first refusal is recorded
/// in full at once and the others of that interval are folded into one AuditEvent carrying their count, their statuses
/// and their period, written when the interval ends. A flood of refused requests costs one event per source and
/// interval, not one per request, so it cannot fill the disk; what was refused, and how often, stays on record.
/// </summary>
internal sealed class FailureAudit(AuditLog log, ServerContext context, AuditOptions options, ILogger<FailureAudit> logger) : BackgroundService
{
    /// <summary>Sources tracked at once; beyond it, refusals from new sources share one window ("other sources").</summary>
    internal const int MaxSources = 10_000;

    private const string OverflowKey = "*";

    private readonly TimeSpan _interval = TimeSpan.FromSeconds(options.FailureIntervalSeconds);
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Whether a request with this outcome is recorded here rather than one event per request.</summary>
    public static bool Folds(AuditContext audit, int status) =>
        status is 429 || (status is >= 400 and < 500 && audit.ClientId == "anonymous");

    /// <summary>Records <paramref name="audit"/>: in full when it is its source's first refusal of the interval, else as one more in the count.</summary>
    public async Task RecordAsync(AuditContext audit, int status)
    {
        var now = context.Clock.GetUtcNow();
        var key = (audit.RemoteAddress ?? "unknown") + " " + audit.ClientId;
        Window? ended = null;
        bool first;
        lock (_windows)
        {
            if (!_windows.TryGetValue(key, out var window) && _windows.Count >= MaxSources)
            {
                key = OverflowKey;
                _windows.TryGetValue(key, out window);
            }
            if (window is null || now - window.Started >= _interval)
            {
                ended = window is { Count: > 0 } ? window : null;
                _windows[key] = new Window(now, key == OverflowKey ? null : audit.RemoteAddress);
                first = true;
            }
            else
            {
                window.Add(audit, status, now);
                first = false;
            }
        }
        if (ended is not null)
        {
            await WriteSummaryAsync(ended, CancellationToken.None);
        }
        if (first)
        {
            await log.RecordAsync(audit, status);
        }
        audit.Recorded = true;
    }

    /// <summary>Writes the count of every window that has ended by <paramref name="now"/> (every window when null) and forgets them.</summary>
    internal async Task FlushAsync(DateTimeOffset? now, CancellationToken ct)
    {
        List<Window> ended = [];
        lock (_windows)
        {
            foreach (var (key, window) in _windows.ToList())
            {
                if (now is null || now.Value - window.Started >= _interval)
                {
                    _windows.Remove(key);
                    if (window.Count > 0)
                    {
                        ended.Add(window);
                    }
                }
            }
        }
        foreach (var window in ended)
        {
            await WriteSummaryAsync(window, ct);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!log.Enabled)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Clamp(options.FailureIntervalSeconds / 4.0, 1, 15)), context.Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(context.Clock.GetUtcNow(), stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (log.Enabled)
        {
            await FlushAsync(null, cancellationToken); // nothing counted is lost at shutdown
        }
    }

    private async Task WriteSummaryAsync(Window window, CancellationToken ct)
    {
        try
        {
            var json = SummaryJson(window, context.Clock.GetUtcNow());
            await WriteUnit.RunAsync(context, null, async (session, token) =>
            {
                await session.AppendAuditAsync(json, token);
                return new Http.FhirResponse(201);
            }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "The AuditEvent of {Count} refused requests from {Source} could not be stored.", window.Count, window.Address ?? "other sources");
        }
    }

    /// <summary>
    /// The event of a window: built like a request's event from the first refusal it folded, then given the period,
    /// the count and the statuses of all of them.
    /// </summary>
    internal static byte[] SummaryJson(Window window, DateTimeOffset recorded)
    {
        var sample = window.Sample!;
        var node = JsonNode.Parse(AuditLog.BuildJson(sample, window.MostFrequentStatus, recorded))!.AsObject();
        var statuses = string.Join(", ", window.Statuses.OrderBy(s => s.Key).Select(s => $"HTTP {s.Key}: {s.Value.ToString(CultureInfo.InvariantCulture)}"));
        var source = window.Address ?? "sources beyond the first " + MaxSources.ToString(CultureInfo.InvariantCulture);
        node["period"] = new JsonObject
        {
            ["start"] = ResourceWriter.FormatInstant(window.First),
            ["end"] = ResourceWriter.FormatInstant(window.Last),
        };
        node["outcomeDesc"] = $"{window.Count.ToString(CultureInfo.InvariantCulture)} more refused requests from {source} ({statuses}); the first refusal of the interval is recorded in its own event.";
        var entity = node["entity"]!.AsArray()[0]!.AsObject();
        entity.Remove("query");
        entity["description"] = $"{window.Count.ToString(CultureInfo.InvariantCulture)} refused requests, the first {sample.Method} {sample.Path}";
        entity["detail"] = new JsonArray(
            new JsonObject { ["type"] = "count", ["valueString"] = window.Count.ToString(CultureInfo.InvariantCulture) },
            new JsonObject { ["type"] = "statuses", ["valueString"] = statuses });
        if (window.Address is null)
        {
            // Several sources: the agent's address would name only the first.
            node["agent"]!.AsArray()[0]!.AsObject().Remove("network");
        }
        return System.Text.Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    /// <summary>One source's interval: when it started, and the refusals after the first.</summary>
    internal sealed class Window(DateTimeOffset started, string? address)
    {
        public DateTimeOffset Started { get; } = started;

        /// <summary>The source's address; null for the window of sources beyond <see cref="MaxSources"/>.</summary>
        public string? Address { get; } = address;

        public int Count { get; private set; }
        public AuditContext? Sample { get; private set; }
        public DateTimeOffset First { get; private set; }
        public DateTimeOffset Last { get; private set; }
        public Dictionary<int, int> Statuses { get; } = [];

        public int MostFrequentStatus => Statuses.MaxBy(s => s.Value).Key;

        public void Add(AuditContext audit, int status, DateTimeOffset at)
        {
            if (Count++ == 0)
            {
                Sample = audit;
                First = at;
            }
            Last = at;
            Statuses[status] = Statuses.GetValueOrDefault(status) + 1;
        }
    }
}
