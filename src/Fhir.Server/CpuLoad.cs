using System.Globalization;

namespace Fhir.Server;

/// <summary>
/// How busy the machine's cores were between two samples, from 0 (idle) to 1 (every core busy): how background work
/// tells whether the requests leave it any CPU. The whole machine, not this process, so that a database or a client on
/// the same host counts: on Linux from <c>/proc/stat</c>, elsewhere this process's own CPU time.
/// </summary>
internal sealed class CpuLoad
{
    private const string ProcStat = "/proc/stat";

    private readonly TimeProvider _clock;
    private readonly bool _machineWide = File.Exists(ProcStat);
    private (double Busy, double Total) _last;

    public CpuLoad(TimeProvider clock)
    {
        _clock = clock;
        _last = Read();
    }

    /// <summary>The share used since the previous sample (or since this gauge was made). Not thread-safe: one sampler.</summary>
    public double Sample()
    {
        var now = Read();
        var total = now.Total - _last.Total;
        var busy = now.Busy - _last.Busy;
        _last = now;
        return total <= 0 ? 0 : Math.Clamp(busy / total, 0, 1);
    }

    // Busy and total time in any one unit: clock ticks of all cores from /proc/stat, or this process's CPU against
    // the wall time of all cores.
    private (double Busy, double Total) Read()
    {
        if (_machineWide && TryReadProcStat() is { } machine)
        {
            return machine;
        }
        var wall = _clock.GetTimestamp() / (double)_clock.TimestampFrequency * Environment.ProcessorCount;
        return (Environment.CpuUsage.TotalTime.TotalSeconds, wall);
    }

    // "cpu  user nice system idle iowait irq softirq steal ...": idle and iowait are the time nothing ran.
    private static (double Busy, double Total)? TryReadProcStat()
    {
        try
        {
            using var reader = new StreamReader(ProcStat);
            var line = reader.ReadLine();
            if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                return null;
            }
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            double total = 0, idle = 0;
            for (var i = 1; i < fields.Length && i <= 8; i++)
            {
                var value = double.Parse(fields[i], CultureInfo.InvariantCulture);
                total += value;
                if (i is 4 or 5)
                {
                    idle += value;
                }
            }
            return (total - idle, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
