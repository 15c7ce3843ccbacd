namespace Fhir.Server.Jobs;

/// <summary>The background job runner, bound from the <c>Jobs</c> configuration section.</summary>
public sealed class JobOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Jobs";

    /// <summary>Whether this process runs jobs (it always accepts and reports them). Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often an idle runner looks for queued jobs queued by other processes. Default 2 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a claim holds without a checkpoint; after that another process takes the job over. Default 30 s.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Resources per reindex batch (one transaction each). Default 250: a batch of 1,000 Observations made arrays of its
    /// index rows above 85 KB, which .NET keeps on the large object heap until a full collection; at 250 a full reindex
    /// took 10-20% less server CPU on both stores (issue 18).
    /// </summary>
    public int ReindexBatchSize { get; set; } = 250;

    /// <summary>Fails start-up when a value is not usable.</summary>
    public void Validate()
    {
        if (PollInterval <= TimeSpan.Zero || Lease < TimeSpan.FromSeconds(1) || ReindexBatchSize < 1)
        {
            throw new InvalidOperationException("Jobs options out of range: PollInterval > 0, Lease >= 1 s, ReindexBatchSize >= 1.");
        }
    }
}
