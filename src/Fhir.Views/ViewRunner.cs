using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Core.Outcomes;
using Fhir.Views.Evaluation;
using Fhir.Views.Input;
using Fhir.Views.Output;

namespace Fhir.Views;

/// <summary>
/// Runs a view over a stream of resources and writes its rows as they come. Resources are read in chunks that are
/// evaluated in parallel and written in input order; a bounded queue keeps memory flat, whatever the input's size.
/// Resources of other types are recognised from their <c>resourceType</c> without being parsed.
/// </summary>
public static class ViewRunner
{
    /// <summary>
    /// Runs <paramref name="view"/> over resources given as UTF-8 JSON (NDJSON lines, say) and writes the rows to
    /// <paramref name="writer"/> (started and completed here). An item's memory is read before the next item is asked for.
    /// </summary>
    /// <returns>
    /// The counts, and an error issue when a resource of the view's type could not give its rows: the run stops there
    /// (the rows before it are written).
    /// </returns>
    public static async Task<ViewRunResult> RunAsync(
        ViewDefinition view, IAsyncEnumerable<ReadOnlyMemory<byte>> resources, RowWriter writer,
        ViewRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(writer);
        options ??= ViewRunOptions.Default;
        var workers = Math.Max(1, options.MaxDegreeOfParallelism);
        var chunkSize = Math.Max(1, options.ChunkSize);
        var state = new RunState(view, options);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var queue = Channel.CreateBounded<Task<ChunkResult>>(new BoundedChannelOptions(workers * 2) { SingleReader = true, SingleWriter = true });

        await writer.StartAsync(view.Columns, cancellationToken).ConfigureAwait(false);
        var producer = Task.Run(async () =>
        {
            try
            {
                var chunk = new Chunk(chunkSize);
                await foreach (var resource in resources.WithCancellation(stop.Token).ConfigureAwait(false))
                {
                    chunk.Add(resource.Span);
                    if (chunk.Count == chunkSize)
                    {
                        var full = chunk;
                        await queue.Writer.WriteAsync(Task.Run(() => state.Evaluate(full)), stop.Token).ConfigureAwait(false);
                        chunk = new Chunk(chunkSize);
                    }
                }
                if (chunk.Count > 0)
                {
                    var last = chunk;
                    await queue.Writer.WriteAsync(Task.Run(() => state.Evaluate(last)), stop.Token).ConfigureAwait(false);
                }
                queue.Writer.Complete();
            }
            catch (Exception e)
            {
                queue.Writer.Complete(e);
            }
        }, CancellationToken.None);

        long resourceCount = 0, matched = 0, rowCount = 0, unreadable = 0;
        var issues = new List<Issue>();
        var limit = options.Limit ?? long.MaxValue;
        try
        {
            await foreach (var pending in queue.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                var result = await pending.ConfigureAwait(false);
                resourceCount += result.Resources;
                matched += result.Matched;
                unreadable += result.Unreadable;
                foreach (var issue in result.Issues)
                {
                    if (issue.IsError || issues.Count(i => !i.IsError) < options.MaxReportedResourceIssues)
                    {
                        issues.Add(issue);
                    }
                }
                IReadOnlyList<object?[]> rows = result.Rows;
                if (rowCount + rows.Count > limit)
                {
                    rows = result.Rows.GetRange(0, (int)(limit - rowCount));
                }
                if (rows.Count > 0)
                {
                    await writer.WriteAsync(rows, cancellationToken).ConfigureAwait(false);
                    rowCount += rows.Count;
                }
                if (result.Failed || rowCount >= limit)
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    break;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Drain(queue.Reader).ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return new ViewRunResult(resourceCount, matched, rowCount, unreadable, issues);
    }

    /// <summary>Runs <paramref name="view"/> over parsed resources, in the caller's order, on the caller's thread.</summary>
    public static async Task<ViewRunResult> RunAsync(
        ViewDefinition view, IEnumerable<ElementNode> resources, RowWriter writer,
        ViewRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(writer);
        options ??= ViewRunOptions.Default;
        var evaluator = new ViewEvaluator(view);
        var rows = new List<object?[]>();
        long resourceCount = 0, matched = 0, written = 0;
        var limit = options.Limit ?? long.MaxValue;
        Issue? failure = null;
        await writer.StartAsync(view.Columns, cancellationToken).ConfigureAwait(false);
        foreach (var resource in resources)
        {
            resourceCount++;
            if (resource.Type.Name != view.Resource)
            {
                continue;
            }
            matched++;
            try
            {
                evaluator.Evaluate(resource, rows);
            }
            catch (ViewEvaluationException e)
            {
                failure = Failure(e, resource);
                break;
            }
            if (rows.Count >= options.ChunkSize || written + rows.Count >= limit)
            {
                written += await Flush(writer, rows, limit - written, cancellationToken).ConfigureAwait(false);
                if (written >= limit)
                {
                    break;
                }
            }
        }
        written += await Flush(writer, rows, limit - written, cancellationToken).ConfigureAwait(false);
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        return new ViewRunResult(resourceCount, matched, written, 0, failure is null ? [] : [failure]);
    }

    private static async ValueTask<long> Flush(RowWriter writer, List<object?[]> rows, long room, CancellationToken cancellationToken)
    {
        if (rows.Count > room)
        {
            rows.RemoveRange((int)room, rows.Count - (int)room);
        }
        var count = rows.Count;
        if (count > 0)
        {
            await writer.WriteAsync(rows, cancellationToken).ConfigureAwait(false);
            rows.Clear();
        }
        return count;
    }

    private static async Task Drain(ChannelReader<Task<ChunkResult>> reader)
    {
        // Chunks already started finish on their own; waiting for them keeps the evaluators off the thread pool afterwards.
        while (reader.TryRead(out var pending))
        {
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException)
            {
            }
        }
    }

    internal static Issue Failure(ViewEvaluationException e, ElementNode resource)
    {
        var id = resource.Child("id")?.Value as string;
        return Issue.Error(IssueType.Processing, $"{resource.Type.Name}/{id ?? "(no id)"}: {e.Message}", e.Location);
    }

    /// <summary>Resources copied into one buffer, so that the source may reuse its own.</summary>
    private sealed class Chunk(int capacity)
    {
        private readonly List<(int Start, int Length)> _items = new(capacity);
        private byte[] _bytes = new byte[capacity * 1024];
        private int _used;

        public int Count => _items.Count;

        public void Add(ReadOnlySpan<byte> resource)
        {
            if (_used + resource.Length > _bytes.Length)
            {
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + resource.Length));
            }
            resource.CopyTo(_bytes.AsSpan(_used));
            _items.Add((_used, resource.Length));
            _used += resource.Length;
        }

        public ReadOnlySpan<byte> this[int index] => _bytes.AsSpan(_items[index].Start, _items[index].Length);
    }

    private sealed record ChunkResult(List<object?[]> Rows, int Resources, int Matched, int Unreadable, List<Issue> Issues, bool Failed);

    /// <summary>What the chunks of one run share: the view, its type's name in UTF-8 and a pool of evaluators.</summary>
    private sealed class RunState(ViewDefinition view, ViewRunOptions options)
    {
        private readonly byte[] _type = Encoding.UTF8.GetBytes(view.Resource);
        private readonly ConcurrentBag<ViewEvaluator> _evaluators = [];

        [ThreadStatic]
        private static System.Buffers.ArrayBufferWriter<byte>? _projected;

        public ChunkResult Evaluate(Chunk chunk)
        {
            var projected = _projected ??= new System.Buffers.ArrayBufferWriter<byte>(1 << 14);
            var evaluator = _evaluators.TryTake(out var pooled) ? pooled : new ViewEvaluator(view);
            var rows = new List<object?[]>(chunk.Count);
            var issues = new List<Issue>();
            int matched = 0, unreadable = 0;
            try
            {
                for (var i = 0; i < chunk.Count; i++)
                {
                    var json = chunk[i];
                    var match = ResourceTypeSniffer.Compare(json, _type);
                    if (match == ResourceTypeSniffer.Match.Other)
                    {
                        continue;
                    }
                    var parsed = match != ResourceTypeSniffer.Match.Same ? null
                        : FhirJsonReader.Parse(view.Projection is { } projection ? projection.Apply(json, projected) : json);
                    if (parsed?.Resource is not { } resource)
                    {
                        unreadable++;
                        if (issues.Count < options.MaxReportedResourceIssues)
                        {
                            var reason = parsed?.Issues.FirstOrDefault(x => x.IsError)?.Message ?? "not a JSON object with a resourceType";
                            issues.Add(Issue.Warning(IssueType.Structure, $"A resource could not be read and was skipped: {reason}"));
                        }
                        continue;
                    }
                    matched++;
                    try
                    {
                        evaluator.Evaluate(resource, rows);
                    }
                    catch (ViewEvaluationException e)
                    {
                        issues.Add(Failure(e, resource));
                        return new ChunkResult(rows, i + 1, matched, unreadable, issues, Failed: true);
                    }
                }
                return new ChunkResult(rows, chunk.Count, matched, unreadable, issues, Failed: false);
            }
            finally
            {
                _evaluators.Add(evaluator);
            }
        }
    }
}
