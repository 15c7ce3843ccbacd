using System.Globalization;

namespace Fhir.Bench.Bulk;

/// <summary>
/// Watches the server process from outside (Linux <c>/proc</c>): its resident memory every 100 ms (baseline, peak) and
/// the CPU time it used (user + system, all threads), so that figures on a shared, loaded machine can be read per CPU-second.
/// </summary>
internal sealed class ProcessMeter : IAsyncDisposable
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly int? pid;
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;
    private readonly double cpuAtStart;

    public ProcessMeter(int? pid)
    {
        this.pid = pid;
        cpuAtStart = pid is null ? 0 : ReadCpu() ?? 0;
        StartRss = PeakRss = Rss() ?? 0;
        StartAnon = PeakAnon = Rss("RssAnon:") ?? 0;
        sampling = pid is null ? Task.CompletedTask : Task.Run(SampleAsync);
    }

    /// <summary>Resident memory when the meter started, in bytes.</summary>
    public long StartRss { get; }

    /// <summary>The highest resident memory seen, in bytes.</summary>
    public long PeakRss { get; private set; }

    /// <summary>
    /// Anonymous resident memory when the meter started (the process's own heap and stacks, without the file pages it maps:
    /// SQLite reads the database through a memory map, whose pages count in RSS but are the page cache's).
    /// </summary>
    public long StartAnon { get; }

    /// <summary>The highest anonymous resident memory seen, in bytes.</summary>
    public long PeakAnon { get; private set; }

    /// <summary>CPU seconds the process used since the meter started.</summary>
    public double CpuSeconds() => pid is null ? 0 : (ReadCpu() ?? 0) - cpuAtStart;

    private async Task SampleAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            if (Rss() is { } rss && rss > PeakRss)
            {
                PeakRss = rss;
            }
            if (Rss("RssAnon:") is { } anon && anon > PeakAnon)
            {
                PeakAnon = anon;
            }
            try
            {
                await Task.Delay(100, stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private long? Rss(string field = "VmRSS:")
    {
        if (pid is null)
        {
            return null;
        }
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field, StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return null;
    }

    private double? ReadCpu()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces) start after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await sampling;
        stop.Dispose();
    }
}
