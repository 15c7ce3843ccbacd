using System.Diagnostics;
using Fhir.Core.Json;
using Fhir.Storage;
using Fhir.Trials.Endpoints;
using Fhir.Trials.Generation;
using Fhir.Trials.Loading;
using Fhir.Trials.Parameters;

namespace Fhir.Bench.Trials;

/// <summary>$endpoints and $subject-outcomes on a generated trial, per store: cold, warm, and the in-process split.</summary>
internal static class TrialBenchmark
{
    public static async Task RunAsync(BenchSettings settings, int patients, string? endpointsOut)
    {
        var generate = Stopwatch.StartNew();
        var trial = TrialGenerator.Write(new TrialGeneratorOptions { Patients = patients, Seed = settings.Seed }, System.IO.Path.Combine(settings.Work, "trial"));
        var s = trial.Summary;
        Console.WriteLine($"generated {patients} patients (seed {settings.Seed}) in {generate.Elapsed.TotalSeconds:F1} s: {s.Enrolled} participants ({s.Treated} treated), " +
            $"{s.Resources:N0} resources, {trial.Bundles.Count} bundles");

        var results = new List<(string Store, byte[] Endpoints, byte[] Outcomes)>();
        var table = new List<string>();
        foreach (var store in settings.Stores)
        {
            var (provider, connection, drop) = await settings.NewStoreAsync(store, $"trial-{patients}");
            try
            {
                results.Add(await RunStoreAsync(settings, store, provider, connection, trial, table));
            }
            finally
            {
                await drop();
            }
        }
        Console.WriteLine();
        Console.WriteLine($"| store | participants | operation | cold p50 | cold p95 | warm p50 | warm p95 | bytes |");
        Console.WriteLine($"|---|---:|---|---:|---:|---:|---:|---:|");
        foreach (var line in table)
        {
            Console.WriteLine(line);
        }
        for (var i = 1; i < results.Count; i++)
        {
            // Each store was loaded through POST, so the server-assigned ids differ: compare with the ids masked (the
            // tests compare whole responses byte for byte on data with fixed ids).
            var same = Comparable.Of(results[i].Endpoints) == Comparable.Of(results[0].Endpoints)
                && Comparable.Of(results[i].Outcomes) == Comparable.Of(results[0].Outcomes);
            Console.WriteLine(same
                ? $"{results[i].Store}: $endpoints and $subject-outcomes are the same as {results[0].Store}'s (ids masked)."
                : $"WARNING: {results[i].Store}'s output differs from {results[0].Store}'s.");
        }
        if (endpointsOut is not null && results.Count > 0)
        {
            await File.WriteAllBytesAsync(endpointsOut, results[0].Endpoints);
            Console.WriteLine($"wrote the $endpoints output to {endpointsOut}");
        }
    }

    private static async Task<(string, byte[], byte[])> RunStoreAsync(BenchSettings settings, string store, string provider, string connection, GeneratedTrial trial, List<string> table)
    {
        Console.WriteLine();
        Console.WriteLine($"== {store} ==");
        string studyId;
        await using (var server = await settings.StartServerAsync(provider, connection, $"{store}-load"))
        {
            using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
            var (first, elapsed) = await Measure.LoadAsync(http, [.. trial.Bundles.Select(b => b.Json)], settings.Clients);
            studyId = Measure.Created(first, "ResearchStudy")[0];
            Console.WriteLine($"loaded {trial.Summary.Resources:N0} resources in {elapsed.TotalSeconds:F0} s ({trial.Summary.Resources / elapsed.TotalSeconds:N0}/s); study ResearchStudy/{studyId}");
        }
        await Measure.AnalyzeAsync(provider, connection);

        var operations = new[] { ("$endpoints", $"ResearchStudy/{studyId}/$endpoints"), ("$subject-outcomes", $"ResearchStudy/{studyId}/$subject-outcomes?population=treated") };
        // Cold: the first call after a server start (trial code not JIT-compiled, pools and caches empty), one per start.
        var cold = operations.ToDictionary(o => o.Item1, _ => new List<double>());
        for (var run = 0; run < settings.ColdRuns; run++)
        {
            foreach (var (name, url) in operations)
            {
                await using var server = await settings.StartServerAsync(provider, connection, $"{store}-cold");
                using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
                cold[name].Add((await Measure.CallAsync(http, url)).Ms);
            }
        }
        // Warm: one server, a first call, then the timed calls; every answer must be the same bytes.
        var bodies = new Dictionary<string, byte[]>();
        await using (var server = await settings.StartServerAsync(provider, connection, $"{store}-warm"))
        {
            using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
            foreach (var (name, url) in operations)
            {
                var (_, body) = await Measure.CallAsync(http, url);
                var warm = new List<double>();
                for (var i = 0; i < settings.Calls; i++)
                {
                    var (ms, again) = await Measure.CallAsync(http, url);
                    warm.Add(ms);
                    if (!again.AsSpan().SequenceEqual(body))
                    {
                        throw new InvalidOperationException($"Two {name} calls on the same data gave different output.");
                    }
                }
                bodies[name] = body;
                var line = $"| {store} | {trial.Summary.Enrolled:N0} | {name} | {Measure.Ms(Measure.Percentile(cold[name], 50))} | {Measure.Ms(Measure.Percentile(cold[name], 95))} | " +
                    $"{Measure.Ms(Measure.Percentile(warm, 50))} | {Measure.Ms(Measure.Percentile(warm, 95))} | {body.Length:N0} |";
                table.Add(line);
                Console.WriteLine($"{name}: cold ({settings.ColdRuns} starts) p50 {Measure.Ms(Measure.Percentile(cold[name], 50))} ms, p95 {Measure.Ms(Measure.Percentile(cold[name], 95))} ms; " +
                    $"warm ({settings.Calls} calls) p50 {Measure.Ms(Measure.Percentile(warm, 50))} ms, p95 {Measure.Ms(Measure.Percentile(warm, 95))} ms; {body.Length:N0} bytes");
            }
        }
        await SplitAsync(settings, provider, connection, studyId, bodies["$endpoints"]);
        return (store, bodies["$endpoints"], bodies["$subject-outcomes"]);
    }

    // In-process on the same database, the same code path as $endpoints, phase by phase.
    public static async Task SplitAsync(BenchSettings settings, string provider, string connection, string studyId, byte[] body)
    {
        await using var fhirStore = FhirStores.Open(new StorageOptions { Provider = Enum.Parse<StorageProvider>(provider), ConnectionString = connection });
        await fhirStore.InitializeAsync();
        var loader = new TrialLoader(fhirStore.Reader(Fhir.Storage.Access.ReadScope.Everything));
        var phases = new List<(double Store, double Map, double Compute, double Write, double Wall)>();
        TrialLoadTimings? last = null;
        byte[] local = [];
        for (var i = 0; i < Math.Max(settings.Calls, 1) + 1; i++)
        {
            var wall = Stopwatch.StartNew();
            var timings = last = new TrialLoadTimings();
            var data = await loader.LoadAsync(studyId, new TrialLoadOptions(), timings, CancellationToken.None) ?? throw new InvalidOperationException("The study vanished.");
            var compute = Stopwatch.StartNew();
            var endpoints = EndpointCalculator.Compute(data);
            var computeMs = compute.Elapsed.TotalMilliseconds;
            var write = Stopwatch.StartNew();
            local = FhirJsonWriter.Serialize(EndpointsParameters.Build(endpoints));
            if (i > 0)
            {
                // The first run warms the code; the others are measured.
                phases.Add((timings.Store.TotalMilliseconds, timings.Mapping.TotalMilliseconds, computeMs, write.Elapsed.TotalMilliseconds, wall.Elapsed.TotalMilliseconds));
            }
        }
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < Math.Max(settings.Calls, 1); i++)
        {
            var data = await loader.LoadAsync(studyId);
            FhirJsonWriter.Serialize(EndpointsParameters.Build(EndpointCalculator.Compute(data!)));
        }
        var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / Math.Max(settings.Calls, 1);
        double Median(Func<(double Store, double Map, double Compute, double Write, double Wall), double> f) => Measure.Percentile([.. phases.Select(f)], 50);
        Console.WriteLine($"$endpoints in-process (median of {phases.Count}): wall {Median(p => p.Wall):F1} ms = load {Median(p => p.Store + p.Map):F1} " +
            $"(store calls {Median(p => p.Store):F1}, side by side) + compute {Median(p => p.Compute):F1} + write {Median(p => p.Write):F1}; CPU per call {cpuMs:F1} ms");
        foreach (var (type, rows, time) in last!.Searches)
        {
            Console.WriteLine($"  search {type,-26} {rows,8:N0} rows {time.TotalMilliseconds,8:F1} ms");
        }
        if (body.Length > 0 && !local.AsSpan().SequenceEqual(body))
        {
            Console.WriteLine("WARNING: the in-process output differs from the server's.");
        }
    }
}
