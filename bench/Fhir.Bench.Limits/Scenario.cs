using System.Collections.Concurrent;
using System.Diagnostics;

namespace Fhir.Bench.Limits;

/// <summary>What one scenario did: the answers by status, the largest response, its time, and the server's memory.</summary>
internal sealed class ScenarioResult(string name, string what)
{
    public string Name { get; } = name;
    public string What { get; } = what;
    public ConcurrentDictionary<int, int> Statuses { get; } = new();
    public long Requests => Statuses.Values.Sum();
    public long MaxResponseBytes { get; private set; }
    public double Seconds { get; set; }
    public double PeakRssMiB { get; set; }
    public double MaxSampledRssMiB { get; set; }
    public double MaxSampledAnonMiB { get; set; }
    public double FileMiBAfter { get; set; }
    public List<string> Notes { get; } = [];

    public void Count((int Status, long Bytes) answer) => Count(answer.Status, answer.Bytes);

    public void Count(int status, long bytes)
    {
        Statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
        lock (Notes)
        {
            MaxResponseBytes = Math.Max(MaxResponseBytes, bytes);
        }
    }

    public string StatusText => string.Join(" ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}x{s.Value}"));
}

/// <summary>Samples the server's resident size while a scenario runs (the peak of <c>/proc</c> covers the rest).</summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RssSampler(ServerUnderTest server)
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested && !server.HasExited)
            {
                try
                {
                    Max = Math.Max(Max, server.MiB("VmRSS"));
                    MaxAnon = Math.Max(MaxAnon, server.MiB("RssAnon"));
                }
                catch (IOException)
                {
                    return; // the process is gone
                }
                try
                {
                    await Task.Delay(20, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    public double Max { get; private set; }

    /// <summary>The largest anonymous (heap) part seen: RSS less file pages (SQLite's memory map of the database) and shared memory.</summary>
    public double MaxAnon { get; private set; }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>Runs a scenario with the peak reset before and read after.</summary>
internal static class Measure
{
    public static async Task<ScenarioResult> RunAsync(ServerUnderTest server, string name, string what, Func<ScenarioResult, Task> body)
    {
        var result = new ScenarioResult(name, what);
        Console.WriteLine($"-- {name}: {what}");
        server.ResetPeak();
        var clock = Stopwatch.StartNew();
        await using (var sampler = new RssSampler(server))
        {
            await body(result);
            result.Seconds = clock.Elapsed.TotalSeconds;
            result.MaxSampledRssMiB = sampler.Max;
            result.MaxSampledAnonMiB = sampler.MaxAnon;
        }
        result.PeakRssMiB = server.MiB("VmHWM");
        result.FileMiBAfter = server.MiB("RssFile");
        Console.WriteLine($"   {result.StatusText}; largest response {result.MaxResponseBytes / 1048576.0:F1} MiB; {result.Seconds:F1} s; " +
            $"peak RSS {result.PeakRssMiB:F0} MiB (sampled: anonymous up to {result.MaxSampledAnonMiB:F0} MiB; file pages after {result.FileMiBAfter:F0} MiB)");
        foreach (var note in result.Notes)
        {
            Console.WriteLine("   " + note);
        }
        return result;
    }
}
