namespace Fhir.Views;

/// <summary>How <see cref="ViewRunner"/> runs a view.</summary>
public sealed record ViewRunOptions
{
    /// <summary>The defaults: one worker per processor, chunks of 256 resources, no row limit.</summary>
    public static ViewRunOptions Default { get; } = new();

    /// <summary>How many chunks of resources are evaluated at once (default: the processor count).</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// How many resources are read, evaluated and written together (default 256). At most about
    /// <c>3 × MaxDegreeOfParallelism</c> chunks are in memory at once, whatever the input's size.
    /// </summary>
    public int ChunkSize { get; init; } = 256;

    /// <summary>The most rows to write (SQL on FHIR's <c>_limit</c>); null for all.</summary>
    public long? Limit { get; init; }

    /// <summary>How many unreadable resources are described in <see cref="ViewRunResult.Issues"/> (the rest are only counted).</summary>
    public int MaxReportedResourceIssues { get; init; } = 10;
}
