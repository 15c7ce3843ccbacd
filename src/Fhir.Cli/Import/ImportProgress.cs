namespace Fhir.Cli.Import;

/// <summary>The counters of a running import, updated by its workers and read by the progress display.</summary>
internal sealed class ImportProgress
{
    private long _accepted;
    private long _rejected;
    private long _skipped;
    private long _bytes;

    /// <summary>The input's size in bytes (compressed files count their compressed size).</summary>
    public long TotalBytes { get; init; }

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>Resources a previous run already imported.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    public long Bytes => Interlocked.Read(ref _bytes);

    public void AddAccepted(long count) => Interlocked.Add(ref _accepted, count);

    public void AddRejected(long count) => Interlocked.Add(ref _rejected, count);

    public void AddSkipped(long count) => Interlocked.Add(ref _skipped, count);

    public void AddBytes(long count) => Interlocked.Add(ref _bytes, count);
}
