namespace Fhir.Server;

/// <summary>
/// The share of time in which at least one request was in progress, between two samples: with <see cref="CpuLoad"/>,
/// how background work tells whether requests are waiting for it. A server can be busy without using its cores: on
/// SQLite the requests then wait for the one writer, which background work would hold from them.
/// </summary>
internal sealed class ServerActivity(TimeProvider clock)
{
    private readonly Lock _gate = new();
    private int _inProgress;
    private long _busySince; // when the requests in progress went from none to one
    private long _busyTicks; // time with requests in progress, intervals that have ended
    private long _sampledAt = clock.GetTimestamp();
    private long _sampledBusy;

    /// <summary>A request starts.</summary>
    public void Enter()
    {
        lock (_gate)
        {
            if (_inProgress++ == 0) _busySince = clock.GetTimestamp();
        }
    }

    /// <summary>A request has been answered.</summary>
    public void Exit()
    {
        lock (_gate)
        {
            if (--_inProgress == 0) _busyTicks += clock.GetTimestamp() - _busySince;
        }
    }

    /// <summary>The share of the time since the previous sample (or since this was made) with a request in progress, 0 to 1.</summary>
    public double Sample()
    {
        lock (_gate)
        {
            var now = clock.GetTimestamp();
            var busy = _busyTicks + (_inProgress > 0 ? now - _busySince : 0);
            var share = now > _sampledAt ? (busy - _sampledBusy) / (double)(now - _sampledAt) : 0;
            _sampledAt = now;
            _sampledBusy = busy;
            return Math.Clamp(share, 0, 1);
        }
    }
}
