using System.Diagnostics;
using Fhir.Storage;
using Fhir.Trials.Eligibility;

namespace Fhir.Bench.Trials;

/// <summary>$candidates over a registry of sequenced patients, per store: cold and warm, and the in-process store share.</summary>
internal static class CandidatesBenchmark
{
    public static async Task RunAsync(BenchSettings settings, int patients)
    {
        var bundles = RegistryPopulation.Bundles(patients, settings.Seed);
        Console.WriteLine($"registry of {patients:N0} patients in {bundles.Count} bundles");
        var table = new List<string>();
        var outputs = new List<(string Store, string Summary)>();
        foreach (var store in settings.Stores)
        {
            var (provider, connection, drop) = await settings.NewStoreAsync(store, $"registry-{patients}");
            try
            {
                Console.WriteLine();
                Console.WriteLine($"== {store} ==");
                string studyId;
                await using (var server = await settings.StartServerAsync(provider, connection, $"{store}-registry-load"))
                {
                    using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(30) };
                    var (first, elapsed) = await Measure.LoadAsync(http, bundles, settings.Clients);
                    studyId = Measure.Created(first, "ResearchStudy")[0];
                    Console.WriteLine($"loaded in {elapsed.TotalSeconds:F0} s; study ResearchStudy/{studyId}");
                }
                await Measure.AnalyzeAsync(provider, connection);
                var url = $"ResearchStudy/{studyId}/$candidates?_summary=count";
                var page = $"ResearchStudy/{studyId}/$candidates?_count=100";
                var cold = new List<double>();
                for (var run = 0; run < settings.ColdRuns; run++)
                {
                    await using var server = await settings.StartServerAsync(provider, connection, $"{store}-registry-cold");
                    using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
                    cold.Add((await Measure.CallAsync(http, page)).Ms);
                }
                await using (var server = await settings.StartServerAsync(provider, connection, $"{store}-registry-warm"))
                {
                    using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(10) };
                    var (_, counted) = await Measure.CallAsync(http, url);
                    var warm = new List<double>();
                    for (var i = 0; i < settings.Calls; i++)
                    {
                        warm.Add((await Measure.CallAsync(http, page)).Ms);
                    }
                    var total = System.Text.Json.JsonDocument.Parse(counted).RootElement.GetProperty("total").GetInt32();
                    outputs.Add((store, $"{total} candidates"));
                    table.Add($"| {store} | {patients:N0} | $candidates (first page of 100; {total:N0} candidates) | {Measure.Ms(Measure.Percentile(cold, 50))} | {Measure.Ms(Measure.Percentile(cold, 95))} | " +
                        $"{Measure.Ms(Measure.Percentile(warm, 50))} | {Measure.Ms(Measure.Percentile(warm, 95))} |");
                    Console.WriteLine(table[^1]);
                }
                await using var fhirStore = FhirStores.Open(new StorageOptions { Provider = Enum.Parse<StorageProvider>(provider), ConnectionString = connection });
                await fhirStore.InitializeAsync();
                var screener = new CandidateScreener(fhirStore.Reader(Fhir.Storage.Access.ReadScope.Everything));
                await screener.ScreenAsync(studyId);
                // CPU time as well as wall time: the other sessions on the machine inflate the second, not the first.
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                var candidates = await screener.ScreenAsync(studyId);
                var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
                Console.WriteLine($"in-process screening: {watch.Elapsed.TotalMilliseconds:F0} ms (CPU {cpuMs:F0} ms), of which store calls {screener.StoreTime.TotalMilliseconds:F0} ms; " +
                    $"{candidates!.Count(c => c.Status == CandidateStatus.Eligible)} eligible, {candidates!.Count(c => c.Status == CandidateStatus.Undecidable)} undecidable");
                foreach (var (what, rows, time) in screener.Searches)
                {
                    Console.WriteLine($"  {what,-70} {rows,7:N0} rows {time.TotalMilliseconds,8:F1} ms");
                }
            }
            finally
            {
                await drop();
            }
        }
        Console.WriteLine();
        Console.WriteLine("| store | screened patients | operation | cold p50 | cold p95 | warm p50 | warm p95 |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|---:|");
        foreach (var line in table)
        {
            Console.WriteLine(line);
        }
        foreach (var (store, summary) in outputs)
        {
            Console.WriteLine($"{store}: {summary}");
        }
    }
}
