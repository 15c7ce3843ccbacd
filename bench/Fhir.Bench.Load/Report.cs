using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Fhir.Bench.Load;

/// <summary>One measured run at one client count. Latency and req/s count 2xx responses only.</summary>
internal sealed record RunResult(int Clients, double Seconds, double WarmupSeconds, WorkerStats Stats,
    double ClientCpuCores, int Gen0Collections, int Gen2Collections, int CheckOk, int CheckTotal,
    int PatientsCreated, int ObservationsCreated)
{
    public long Ok => Stats.Latency.Sum(h => h.Count);
    public long Errors => Stats.Errors.Sum();
    public long VerifyFailures => Stats.VerifyFailures;

    public LatencyHistogram All
    {
        get
        {
            var all = new LatencyHistogram();
            foreach (var h in Stats.Latency) all.Add(h);
            return all;
        }
    }
}

internal sealed class Report(Options options)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    private static string Machine =>
        $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):F0} GiB, "
        + $"{RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";

    private string Title => options.Label.Length > 0 ? options.Label : options.Base;

    public void PrintHeader()
    {
        Console.WriteLine($"Fhir.Bench.Load {(options.Smoke ? "(smoke) " : "")}against {options.Base}{(options.Label.Length > 0 ? $" [{options.Label}]" : "")}");
        Console.WriteLine($"  clients {string.Join(',', options.Clients)} | {F(options.DurationSeconds)} s measured after {F(options.WarmupSeconds)} s warm-up"
            + $" | mix {options.MixText} | prefer {PreferText} | seed {options.SeedPerType} per type");
        Console.WriteLine($"  client machine: {Machine}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC");
    }

    private string PreferText => options.Prefer switch
    {
        PreferMode.Minimal => "minimal",
        PreferMode.Representation => "representation",
        _ => "none",
    };

    public void PrintRun(RunResult run, ErrorLog errors)
    {
        Console.WriteLine();
        Console.WriteLine($"== {Title} | {run.Clients} clients | {F(run.Seconds)} s measured after {F(run.WarmupSeconds)} s warm-up ==");
        Console.WriteLine($"{"op",-8} {"count",9} {"req/s",9} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8} {"errors",7}");
        for (int op = 0; op < 4; op++)
        {
            if (options.Mix[op] == 0) continue;
            Row(Options.OpNames[op], run.Stats.Latency[op], run.Stats.Errors[op], run.Seconds);
        }
        Row("total", run.All, run.Errors, run.Seconds);

        var breakdown = Enumerable.Range(0, 4)
            .SelectMany(op => run.Stats.ErrorStatuses[op].OrderBy(kv => kv.Key)
                .Select(kv => $"{Options.OpNames[op]} {(kv.Key == 0 ? "transport/timeout" : kv.Key.ToString(CultureInfo.InvariantCulture))} x{kv.Value}"))
            .ToList();
        if (breakdown.Count > 0) Console.WriteLine($"errors (non-2xx): {string.Join("; ", breakdown)}");
        Console.WriteLine($"verify failures {run.VerifyFailures} | post-run read+vread check {run.CheckOk}/{run.CheckTotal}"
            + $" | created {run.PatientsCreated} Patients, {run.ObservationsCreated} Observations"
            + $" | client CPU {run.ClientCpuCores:F2} cores, {run.Gen0Collections} gen0 / {run.Gen2Collections} gen2 GCs");
        if (run.Errors > 0 || run.VerifyFailures > 0) PrintErrorSamples(errors);
    }

    public void PrintSummary(IReadOnlyList<RunResult> runs, ErrorLog errors)
    {
        if (runs.Count == 0) return;
        Console.WriteLine();
        Console.WriteLine($"== summary: {Title} | mix {options.MixText} | prefer {PreferText} ==");
        Console.WriteLine($"{"clients",7} {"req/s",9} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8} {"errors",7} {"verify",7} {"cli cpu",7}");
        foreach (var run in runs)
        {
            var all = run.All;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{run.Clients,7} {run.Ok / run.Seconds,9:F1} {all.PercentileMs(0.50),8:F2} {all.PercentileMs(0.95),8:F2} {all.PercentileMs(0.99),8:F2} {all.MaxMs,8:F1} {run.Errors,7} {run.VerifyFailures,7} {run.ClientCpuCores,7:F2}"));
        }
        if (errors.Samples.Count > 0 && runs.All(r => r.Errors == 0 && r.VerifyFailures == 0))
        {
            Console.WriteLine("(errors outside the measured windows, e.g. during warm-up:)");
            PrintErrorSamples(errors);
        }
    }

    private static void PrintErrorSamples(ErrorLog errors)
    {
        Console.WriteLine($"first distinct errors (all runs so far, incl. warm-up):");
        foreach (var s in errors.Samples)
            Console.WriteLine($"  [{s.What} {(s.Status == 0 ? "-" : s.Status.ToString(CultureInfo.InvariantCulture))}] x{s.Count}: {s.Detail.ReplaceLineEndings(" ")}");
        if (errors.Unlisted > 0) Console.WriteLine($"  ... and {errors.Unlisted} more failures of other kinds");
    }

    private static void Row(string name, LatencyHistogram h, long errors, double seconds) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-8} {h.Count,9} {h.Count / seconds,9:F1} {h.PercentileMs(0.50),8:F2} {h.PercentileMs(0.95),8:F2} {h.PercentileMs(0.99),8:F2} {h.MaxMs,8:F1} {errors,7}"));

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    public void WriteJson(string path, IReadOnlyList<RunResult> runs, ErrorLog errors)
    {
        var doc = new
        {
            label = options.Label,
            baseUrl = options.Base,
            startedUtc = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture),
            machine = Machine,
            serverGc = GCSettings.IsServerGC,
            mix = options.MixText,
            prefer = PreferText,
            seedPerType = options.SeedPerType,
            randomSeed = options.RandomSeed,
            note = "req/s and latency count 2xx responses only; errors are non-2xx or transport failures",
            runs = runs.Select(r => new
            {
                clients = r.Clients,
                durationSeconds = Math.Round(r.Seconds, 3),
                warmupSeconds = r.WarmupSeconds,
                requests = r.Ok,
                requestsPerSecond = Math.Round(r.Ok / r.Seconds, 1),
                errors = r.Errors,
                verifyFailures = r.VerifyFailures,
                postRunCheck = $"{r.CheckOk}/{r.CheckTotal}",
                clientCpuCores = Math.Round(r.ClientCpuCores, 3),
                operations = Enumerable.Range(0, 4).Where(op => options.Mix[op] > 0).Select(op => OpJson(
                    Options.OpNames[op], r.Stats.Latency[op], r.Stats.Errors[op], r.Stats.ErrorStatuses[op], r.Seconds)).ToList(),
                total = OpJson("total", r.All, r.Errors, new Dictionary<int, long>(), r.Seconds),
            }).ToList(),
            errorSamples = errors.Samples.Select(s => new { what = s.What, status = s.Status, count = s.Count, detail = s.Detail }).ToList(),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(doc, JsonOptions));
    }

    private static object OpJson(string op, LatencyHistogram h, long errors, Dictionary<int, long> statuses, double seconds) => new
    {
        op,
        count = h.Count,
        requestsPerSecond = Math.Round(h.Count / seconds, 1),
        p50Ms = Math.Round(h.PercentileMs(0.50), 3),
        p95Ms = Math.Round(h.PercentileMs(0.95), 3),
        p99Ms = Math.Round(h.PercentileMs(0.99), 3),
        maxMs = Math.Round(h.MaxMs, 3),
        meanMs = Math.Round(h.MeanMs, 3),
        errors,
        errorStatuses = statuses.ToDictionary(kv => kv.Key == 0 ? "transport" : kv.Key.ToString(CultureInfo.InvariantCulture), kv => kv.Value),
    };

    /// <summary>0 when the smoke run had traffic for every weighted operation and no failure of any kind.</summary>
    public static int SmokeVerdict(Options options, IReadOnlyList<RunResult> runs)
    {
        var problems = new List<string>();
        foreach (var run in runs)
        {
            if (run.Errors > 0) problems.Add($"{run.Errors} error responses");
            if (run.VerifyFailures > 0) problems.Add($"{run.VerifyFailures} verification failures");
            if (run.CheckOk != run.CheckTotal || run.CheckTotal == 0) problems.Add($"post-run check {run.CheckOk}/{run.CheckTotal}");
            for (int op = 0; op < 4; op++)
                if (options.Mix[op] > 0 && run.Stats.Latency[op].Count == 0) problems.Add($"no successful {Options.OpNames[op]}");
        }
        if (runs.Count == 0) problems.Add("no run completed");
        Console.WriteLine(problems.Count == 0 ? "SMOKE PASS" : $"SMOKE FAIL: {string.Join("; ", problems)}");
        return problems.Count == 0 ? 0 : 1;
    }
}
