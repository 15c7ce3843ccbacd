namespace Fhir.Server.Jobs;

/// <summary>Wakes this process's idle job runner when a job is queued here, instead of waiting for its next poll.</summary>
internal sealed class JobSignal
{
    private readonly SemaphoreSlim _queued = new(0, 1);

    public void Notify()
    {
        try
        {
            _queued.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: once is enough.
        }
    }

    /// <summary>Waits for a signal or <paramref name="timeout"/>.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _queued.WaitAsync(timeout, ct);
}
