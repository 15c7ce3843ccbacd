using System.Diagnostics;
using System.Threading.Channels;
using Fhir.Cli.Remote;

namespace Fhir.Cli.Import;

/// <summary>
/// Imports files into a server: chunks are read in file order and posted by <see cref="ImportSettings.Parallel"/>
/// workers (a bounded queue keeps memory flat); each settled chunk is recorded in the state file. What the server
/// rejects is sent once more at the end, when everything else is in, because a conditional reference (the trial's
/// patients point at their study by identifier) may have named a resource that another worker had not yet stored;
/// what is still rejected goes to the report with the server's OperationOutcome.
/// </summary>
internal static class ImportRunner
{
    private const int MaxRetainedForRetry = 20_000;

    public static async Task<ImportSummary> RunAsync(ImportSettings settings, ServerConnection server, ImportProgress progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var state = ImportState.Open(settings.StatePath, server.BaseUrl.ToString(), settings.Restart);
        using var report = new ImportReport(settings.ReportPath);
        var poster = new ChunkPoster(server);
        var retries = new List<(ImportChunk Chunk, List<int> Accepted, List<(int Index, Rejection Rejection)> Rejected)>();
        var retained = 0;
        var reader = new ChunkReader(settings.BatchSize);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var queue = Channel.CreateBounded<(ImportChunk Chunk, IReadOnlyList<int> Indexes)>(
            new BoundedChannelOptions(settings.Parallel * 2) { SingleWriter = true });

        var producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var chunk in reader.ReadAsync(settings.Files, stop.Token).ConfigureAwait(false))
                {
                    var known = state.Knows(chunk);
                    if (!known)
                    {
                        foreach (var rejection in chunk.Unreadable)
                        {
                            report.Add(rejection);
                        }
                        progress.AddRejected(chunk.Unreadable.Count);
                    }
                    var remaining = state.Remaining(chunk);
                    progress.AddSkipped(chunk.Entries.Count - remaining.Count);
                    if (remaining.Count == 0 || (chunk.Body is not null && remaining.Count < chunk.Entries.Count))
                    {
                        if (!known)
                        {
                            state.Record(chunk); // nothing to send: only input that is not a resource
                        }
                        progress.AddBytes(chunk.Bytes);
                        continue;
                    }
                    await queue.Writer.WriteAsync((chunk, remaining), stop.Token).ConfigureAwait(false);
                }
                queue.Writer.Complete();
            }
            catch (Exception e)
            {
                queue.Writer.Complete(e);
            }
        }, CancellationToken.None);

        async Task Work()
        {
            try
            {
                await WorkOn().ConfigureAwait(false);
            }
            catch
            {
                await stop.CancelAsync().ConfigureAwait(false); // the other workers stop too
                throw;
            }
        }

        async Task WorkOn()
        {
            await foreach (var (chunk, indexes) in queue.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                var outcome = await poster.PostAsync(chunk, indexes, stop.Token).ConfigureAwait(false);
                progress.AddAccepted(outcome.Accepted.Count);
                progress.AddBytes(chunk.Bytes);
                if (outcome.Rejected.Count == 0)
                {
                    state.Record(chunk);
                    continue;
                }
                // A batch Bundle file is posted as it is: resending it would resend its accepted entries too.
                var keep = (chunk.Body is null || chunk.Transaction) && Interlocked.Add(ref retained, outcome.Rejected.Count) <= MaxRetainedForRetry;
                if (keep)
                {
                    // Accepted entries are recorded now, so that an interruption before the retry never resends them.
                    state.Record(chunk, AcceptedSoFar(chunk, indexes, outcome.Accepted));
                    lock (retries)
                    {
                        retries.Add((chunk, outcome.Accepted, outcome.Rejected));
                    }
                }
                else
                {
                    Settle(chunk, outcome.Rejected);
                }
            }
        }

        void Settle(ImportChunk chunk, List<(int Index, Rejection Rejection)> rejected)
        {
            foreach (var (_, rejection) in rejected)
            {
                report.Add(rejection);
            }
            progress.AddRejected(rejected.Count);
            state.Record(chunk);
        }

        var workers = Enumerable.Range(0, settings.Parallel).Select(_ => Task.Run(Work, CancellationToken.None)).ToList();
        try
        {
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Cancelled because another worker failed: that worker's exception is the one to report.
            throw workers.Select(w => w.Exception?.InnerException).FirstOrDefault(e => e is not null and not OperationCanceledException) ?? throw new OperationCanceledException();
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        await producer.ConfigureAwait(false);
        var failure = queue.Reader.Completion.Exception?.InnerException;
        if (failure is not null and not OperationCanceledException)
        {
            throw failure;
        }

        // The second and last chance, one chunk at a time, in input order.
        foreach (var (chunk, _, rejected) in retries.OrderBy(r => r.Chunk.Key, StringComparer.Ordinal))
        {
            var indexes = rejected.Select(r => r.Index).ToList();
            var outcome = await poster.PostAsync(chunk, indexes, cancellationToken).ConfigureAwait(false);
            progress.AddAccepted(outcome.Accepted.Count);
            Settle(chunk, outcome.Rejected);
        }
        return new ImportSummary(progress.Accepted, progress.Rejected, progress.Skipped, clock.Elapsed);
    }

    private static List<int> AcceptedSoFar(ImportChunk chunk, IReadOnlyList<int> sent, List<int> accepted)
    {
        // Entries not sent this time were accepted by an earlier run.
        var all = Enumerable.Range(0, chunk.Entries.Count).Except(sent).ToList();
        all.AddRange(accepted);
        return all;
    }
}
