using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fhir.Server;

/// <summary>
/// Gives memory back after a burst of work. A load of a million resources left the SQLite server at about 540 MB of
/// private memory while it then only answered queries: the writer's page cache (256 MB, sized for commit groups) and a
/// .NET heap grown for the load. A restarted server answers the same queries in about 110 MB. Every
/// <see cref="Period"/> the store frees its burst caches and the C heap gives its free pages back; and the first time
/// the server is at rest after being busy (it allocated less than <see cref="RestAllocationBytes"/> in a period), one
/// compacting collection returns what the .NET heap kept. A loaded server allocates far more than that and is not
/// paused for this; a burst costs one collection after it.
/// </summary>
internal sealed class MemoryTrimmer(ServerContext context, ILogger<MemoryTrimmer> logger) : BackgroundService
{
    /// <summary>How often the trimmer looks.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    /// <summary>Allocations in a period below which the server counts as at rest (a researcher's queries allocate a few MB a second; a load, hundreds).</summary>
    public const long RestAllocationBytes = 30L * 64 * 1024 * 1024;

    // A heap smaller than this is left as it is.
    private const long MinimumCommittedBytes = 96L * 1024 * 1024;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, context.Clock);
        var allocated = GC.GetTotalAllocatedBytes();
        var busySinceCollect = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = GC.GetTotalAllocatedBytes();
                var atRest = now - allocated < RestAllocationBytes;
                allocated = now;
                busySinceCollect |= !atRest;
                try
                {
                    await context.Store.TrimMemoryAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "The store could not give back its caches; the next period tries again.");
                }
                if (ShouldCollect(atRest, busySinceCollect, GC.GetGCMemoryInfo().TotalCommittedBytes))
                {
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    busySinceCollect = false;
                    allocated = GC.GetTotalAllocatedBytes();
                }
                _ = NativeHeap.Trim();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>
    /// Whether the heap is collected now: once the server is at rest after a busy period, when the heap holds enough to
    /// matter. A collection after an ephemeral one is the only way to know what is live, so it is not asked first.
    /// </summary>
    internal static bool ShouldCollect(bool atRest, bool busySinceLastCollect, long committedBytes) =>
        atRest && busySinceLastCollect && committedBytes >= MinimumCommittedBytes;
}

/// <summary>
/// The C heap SQLite allocates from. glibc keeps what is freed in its per-thread arenas rather than give it back to the
/// system, so freeing the page cache alone left the process's memory where it was; malloc_trim returns the free pages.
/// </summary>
internal static class NativeHeap
{
    private static bool unavailable = !OperatingSystem.IsLinux();

    /// <summary>Gives the C heap's free pages back; returns whether glibc's malloc_trim was there to do it.</summary>
    public static bool Trim()
    {
        if (unavailable) return false;
        try
        {
            _ = MallocTrim(0);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            unavailable = true; // not glibc (musl, for one)
            return false;
        }
    }

    // glibc's soname: a C library without malloc_trim (musl) has none, and the trim is skipped.
    [System.Runtime.InteropServices.DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    [System.Runtime.InteropServices.DefaultDllImportSearchPaths(System.Runtime.InteropServices.DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
}
