using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Fhir.Core.Model;
using Fhir.Path;

namespace Fhir.Bench.Path;

/// <summary>
/// <c>compare [--seconds N] [--warmup N] [--workload suite|search|all]</c>: evaluations per second of this engine and of
/// fhirpath.js on the same (expression, input) pairs, single-threaded on both sides, expressions compiled once and
/// inputs parsed once.
/// </summary>
internal static class CompareCommand
{
    private const double Goal = 10;
    // Compilation allocates more than evaluation: a longer warm-up (tiered JIT, GC sizing) and window keep it steady.
    private const double CompileWarmupSeconds = 1;
    private const double CompileSeconds = 2;

    public static int Run(string[] args)
    {
        var seconds = 10.0;
        var warmup = 2.0;
        var which = "all";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds" when i + 1 < args.Length:
                    seconds = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--warmup" when i + 1 < args.Length:
                    warmup = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--workload" when i + 1 < args.Length && args[i + 1] is "suite" or "search" or "all":
                    which = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"unknown or incomplete option '{args[i]}'");
                    Console.Error.WriteLine("usage: compare [--seconds N] [--warmup N] [--workload suite|search|all]");
                    return 64;
            }
        }
        if (seconds <= 0 || warmup < 0)
        {
            Console.Error.WriteLine("--seconds must be > 0 and --warmup >= 0");
            return 64;
        }
        if (FhirpathJs.Problem() is { } problem)
        {
            Console.Error.WriteLine(problem);
            return 2;
        }

        List<Workload> workloads;
        try
        {
            workloads = [];
            if (which is "suite" or "all")
            {
                workloads.Add(Workload.OfficialSuite());
            }
            if (which is "search" or "all")
            {
                workloads.Add(Workload.SearchParameters());
            }
        }
        catch (FileNotFoundException e)
        {
            Console.Error.WriteLine(e.Message);
            return 3;
        }

        Console.WriteLine($"FHIRPath: Fhir.Path (C#) vs fhirpath.js, one thread each; {Environment.ProcessorCount} cores, "
            + $"{GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):0.#} GiB, {RuntimeInformation.FrameworkDescription}, "
            + $"{RuntimeInformation.OSDescription}; warm-up {warmup} s, timed {seconds} s per engine and workload");
        var rows = new List<Row>();
        foreach (var workload in workloads)
        {
            Console.WriteLine();
            Console.WriteLine($"[{workload.Name}] {workload.Description}");
            rows.AddRange(Compare(workload, seconds, warmup));
        }

        Console.WriteLine();
        Console.WriteLine($"{"workload",-9} {"engine",-22} {"pairs",6} {"evaluations/s",14} {"µs/eval",9} {"compile µs/expr",16} {"alloc B/eval",13}");
        foreach (var row in rows)
        {
            Console.WriteLine($"{row.Workload,-9} {row.Engine,-22} {row.Pairs,6} {row.PerSecond,14:N0} {1e6 / row.PerSecond,9:0.00} "
                + $"{row.CompileMicroseconds,16:N1} {(row.BytesPerEvaluation is { } b ? b.ToString("N0", CultureInfo.InvariantCulture) : "-"),13}");
        }
        foreach (var group in rows.GroupBy(r => r.Workload))
        {
            var cs = group.First(r => r.Engine.StartsWith("C#", StringComparison.Ordinal));
            var js = group.First(r => !r.Engine.StartsWith("C#", StringComparison.Ordinal));
            var ratio = cs.PerSecond / js.PerSecond;
            Console.WriteLine($"{group.Key,-9} ratio: evaluation {ratio:0.0}x fhirpath.js (goal >= {Goal:0}x: {(ratio >= Goal ? "met" : "NOT met")}), "
                + $"compilation {js.CompileMicroseconds / cs.CompileMicroseconds:0.0}x");
        }
        return 0;
    }

    private sealed record Row(string Workload, string Engine, int Pairs, double PerSecond, double CompileMicroseconds, double? BytesPerEvaluation);

    private static IEnumerable<Row> Compare(Workload workload, double seconds, double warmup)
    {
        // 1. This engine: compile (through the cache, as the server does) and evaluate each pair once.
        var ok = new List<WorkItem>();
        var counts = new List<int>();
        var failures = new List<string>();
        foreach (var item in workload.Items)
        {
            try
            {
                counts.Add(FhirPathCompiler.Compile(item.Expression, item.Options).Evaluate(InputOf(workload, item), workload.Context(item.Input)).Count);
                ok.Add(item);
            }
            catch (FhirPathException e)
            {
                failures.Add($"{item.Label}: {e.Message}");
            }
        }
        Console.WriteLine($"  C#: {ok.Count} of {workload.Items.Count} pairs evaluate" + (failures.Count == 0 ? "" : $"; failing: {string.Join("; ", failures.Take(5))}"));

        // 2. fhirpath.js on those: it drops what it cannot evaluate, then times the rest.
        var js = FhirpathJs.Run(workload, ok, seconds, warmup, CompileWarmupSeconds, CompileSeconds);
        Console.WriteLine($"  fhirpath.js {js.Version} (node {js.Node}): {js.Pairs} of {ok.Count} evaluate; {js.Failures.Length} dropped");
        foreach (var reason in js.Failures.GroupBy(f => Reason(f.Error)).OrderByDescending(g => g.Count()).Take(12))
        {
            Console.WriteLine($"    {reason.Count(),4} x {reason.Key}  (e.g. {ok[reason.First().Index].Label}: {Shorten(ok[reason.First().Index].Expression, 70)})");
        }
        var common = js.Kept.Select(i => ok[i]).ToArray();
        // Result sizes only: a cheap sign that both engines did the same work (the suite itself checks the values).
        var differ = js.Kept.Select((index, k) => (index, k)).Where(p => counts[p.index] != js.Counts[p.k])
            .Select(p => $"{ok[p.index].Label} ({counts[p.index]} vs {js.Counts[p.k]})").ToList();
        Console.WriteLine($"  both: {common.Length} pairs; result sizes agree on {common.Length - differ.Count}"
            + (differ.Count == 0 ? "" : $"; differ (C# vs js): {string.Join(", ", differ.Take(8))}"));

        // 3. This engine on exactly the pairs fhirpath.js kept.
        var compiled = common.Select(i => FhirPathCompiler.Compile(i.Expression, i.Options)).ToArray();
        var inputs = common.Select(i => InputOf(workload, i)).ToArray();
        var contexts = common.Select(i => workload.Context(i.Input)).ToArray();
        Loop(compiled, inputs, contexts, warmup);
        var (evaluations, elapsed, bytes) = Loop(compiled, inputs, contexts, seconds);
        var compileMicroseconds = CompileTime(common);
        Console.WriteLine($"  timed: C# {evaluations:N0} evaluations in {elapsed:0.00} s; fhirpath.js {js.Evaluations:N0} in {js.Seconds:0.00} s");

        yield return new Row(workload.Name, "C# Fhir.Path", common.Length, evaluations / elapsed, compileMicroseconds, (double)bytes / evaluations);
        yield return new Row(workload.Name, $"fhirpath.js {js.Version}", js.Pairs, js.EvaluationsPerSecond, js.CompileMicroseconds, null);
    }

    private static ElementNode? InputOf(Workload workload, WorkItem item) => item.Input < 0 ? null : workload.Inputs[item.Input];

    /// <summary>Evaluates every pair in turn until the time is up (the clock is read after each full pass, as in the script).</summary>
    private static (long Evaluations, double Seconds, long AllocatedBytes) Loop(CompiledExpression[] compiled, ElementNode?[] inputs, EvaluationContext[] contexts, double seconds)
    {
        var limit = (long)(seconds * Stopwatch.Frequency);
        var evaluations = 0L;
        var sink = 0L;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        long now;
        do
        {
            for (var i = 0; i < compiled.Length; i++)
            {
                sink += compiled[i].Evaluate(inputs[i], contexts[i]).Count;
            }
            evaluations += compiled.Length;
            now = Stopwatch.GetTimestamp();
        }
        while (now - start < limit && compiled.Length > 0);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        GC.KeepAlive(sink);
        return (evaluations, (double)(now - start) / Stopwatch.Frequency, allocated);
    }

    /// <summary>Uncached compilation of every distinct (expression, options): µs per expression after a warm-up.</summary>
    private static double CompileTime(IReadOnlyList<WorkItem> items)
    {
        var distinct = items.Select(i => (i.Expression, i.Options)).Distinct().ToArray();
        CompileLoop(distinct, CompileWarmupSeconds);
        return CompileLoop(distinct, CompileSeconds);
    }

    private static double CompileLoop((string Expression, CompileOptions Options)[] distinct, double seconds)
    {
        if (distinct.Length == 0)
        {
            return 0;
        }
        var limit = (long)(seconds * Stopwatch.Frequency);
        var count = 0L;
        var start = Stopwatch.GetTimestamp();
        long now;
        do
        {
            foreach (var (expression, options) in distinct)
            {
                UncachedCompiler.Compile(expression, options);
            }
            count += distinct.Length;
            now = Stopwatch.GetTimestamp();
        }
        while (now - start < limit);
        return (now - start) * 1e6 / Stopwatch.Frequency / count;
    }

    // Groups fhirpath.js errors by the start of their message.
    private static string Reason(string error) => Shorten(error, 90);

    private static string Shorten(string text, int length)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length > length ? text[..length] + "…" : text;
    }
}
