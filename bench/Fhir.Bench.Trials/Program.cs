using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Fhir.Bench.Trials;
using Fhir.Core.Json;
using Fhir.Storage;
using Fhir.Trials.Endpoints;
using Fhir.Trials.Generation;
using Fhir.Trials.Loading;
using Fhir.Trials.Parameters;
using Npgsql;

// $endpoints benchmark: generates a synthetic trial with the trial generator, loads it into a fresh
// Fhir.Server (SQLite file, PostgreSQL database) through POST /fhir, then times
// GET ResearchStudy/[id]/$endpoints over HTTP (the first call, then --calls warm calls), and splits
// the operation in-process on the same database into store reads, mapping, computing and writing.
// See bench/README.md.

var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var patients = Int("patients", 1000);
var seed = Int("seed", 7);
var calls = Int("calls", 20);
var clients = Int("clients", 4);
var stores = options.GetValueOrDefault("stores", "sqlite,postgres").Split(',', StringSplitOptions.RemoveEmptyEntries);
var postgres = options.GetValueOrDefault("postgres", "Host=127.0.0.1;Port=5499;Username=postgres");
var repo = FindRepository();
var serverDll = options.GetValueOrDefault("server", System.IO.Path.Combine(repo, "src/Fhir.Server/bin/Release/net10.0/Fhir.Server.dll"));
var work = options.GetValueOrDefault("work", System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"fhir-bench-trials-{Environment.ProcessId}"));
var endpointsOut = options.GetValueOrDefault("endpoints-out");
if (!File.Exists(serverDll))
{
    Console.Error.WriteLine($"No server build at {serverDll}: run `dotnet build src/Fhir.Server -c Release` first (or pass --server <dll>).");
    return 2;
}

if (options.TryGetValue("split-only", out var existing))
{
    // Iterating on the loader: the in-process split only, on a database a previous run loaded (--work keeps it).
    await SplitAsync(options.GetValueOrDefault("provider", "Sqlite"), existing, options["study"], []);
    return 0;
}

Directory.CreateDirectory(work);
var trialDir = System.IO.Path.Combine(work, "trial");
var generate = Stopwatch.StartNew();
var trial = TrialGenerator.Write(new TrialGeneratorOptions { Patients = patients, Seed = seed }, trialDir);
Console.WriteLine($"generated {patients} patients (seed {seed}) in {generate.Elapsed.TotalSeconds:F1} s: {trial.Summary.Enrolled} enrolled, " +
    $"{trial.Summary.Resources:N0} resources, {trial.Bundles.Count} bundles in {trialDir}");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");

var results = new List<(string Store, byte[] Body)>();
foreach (var store in stores)
{
    var (provider, connection, drop) = store switch
    {
        "sqlite" => ("Sqlite", $"Data Source={System.IO.Path.Combine(work, "fhir.db")}", (Func<Task>)(() => Task.CompletedTask)),
        "postgres" => await CreatePostgresAsync(postgres),
        _ => throw new ArgumentException($"Unknown store '{store}' (sqlite, postgres)."),
    };
    try
    {
        results.Add((store, await RunAsync(store, provider, connection)));
    }
    finally
    {
        await drop();
    }
}
for (var i = 1; i < results.Count; i++)
{
    Console.WriteLine(results[i].Body.AsSpan().SequenceEqual(results[0].Body)
        ? $"{results[i].Store} output is byte-identical to {results[0].Store}'s."
        : $"WARNING: {results[i].Store} output differs from {results[0].Store}'s.");
}
if (endpointsOut is not null && results.Count > 0)
{
    await File.WriteAllBytesAsync(endpointsOut, results[0].Body);
    Console.WriteLine($"wrote the $endpoints output to {endpointsOut}");
}
return 0;

async Task<byte[]> RunAsync(string label, string provider, string connection)
{
    Console.WriteLine();
    Console.WriteLine($"== {label} ==");
    await using var server = await ServerProcess.StartAsync(serverDll, repo, provider, connection, System.IO.Path.Combine(work, $"server-{label}.log"));
    using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(5) };

    // Load: the study first (its id comes back in the transaction-response), then the patients' bundles from a few concurrent clients.
    var load = Stopwatch.StartNew();
    var studyResponse = await PostBundleAsync(http, trial.Bundles[0].Json);
    var studyId = StudyId(studyResponse);
    var next = 0;
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
    {
        int b;
        while ((b = Interlocked.Increment(ref next)) < trial.Bundles.Count)
        {
            await PostBundleAsync(http, trial.Bundles[b].Json);
        }
    }));
    Console.WriteLine($"loaded {trial.Summary.Resources:N0} resources in {load.Elapsed.TotalSeconds:F1} s ({trial.Summary.Resources / load.Elapsed.TotalSeconds:N0}/s); study ResearchStudy/{studyId}");

    // Over HTTP: the first call (cold: trial code not yet JIT-compiled, caches empty), then the warm calls.
    var url = $"ResearchStudy/{studyId}/$endpoints";
    var (cold, body) = await TimeCallAsync(http, url);
    var warm = new List<double>();
    for (var i = 0; i < calls; i++)
    {
        var (ms, again) = await TimeCallAsync(http, url);
        warm.Add(ms);
        if (!again.AsSpan().SequenceEqual(body))
        {
            throw new InvalidOperationException("Two $endpoints calls on the same data gave different output.");
        }
    }
    Console.WriteLine($"$endpoints over HTTP: cold {cold:F1} ms; warm ({calls} calls) p50 {Percentile(warm, 50):F1} ms, p95 {Percentile(warm, 95):F1} ms, max {(warm.Count == 0 ? 0 : warm.Max()):F1} ms; {body.Length:N0} bytes");

    await SplitAsync(provider, connection, studyId, body);
    return body;
}

async Task SplitAsync(string provider, string connection, string studyId, byte[] body)
{
    // In-process on the same database, the same code path as the operation, phase by phase.
    await using var fhirStore = FhirStores.Open(new StorageOptions { Provider = Enum.Parse<StorageProvider>(provider), ConnectionString = connection });
    await fhirStore.InitializeAsync();
    var loader = new TrialLoader(fhirStore);
    var phases = new List<(double Store, double Map, double Compute, double Write)>();
    byte[] local = [];
    for (var i = 0; i < Math.Max(calls, 1); i++)
    {
        var timings = new TrialLoadTimings();
        var data = await loader.LoadAsync(studyId, new TrialLoadOptions(), timings, CancellationToken.None) ?? throw new InvalidOperationException("The study vanished.");
        var compute = Stopwatch.StartNew();
        var arms = EndpointCalculator.Compute(data);
        var computeMs = compute.Elapsed.TotalMilliseconds;
        var write = Stopwatch.StartNew();
        local = FhirJsonWriter.Serialize(EndpointsParameters.Build(arms));
        phases.Add((timings.Store.TotalMilliseconds, timings.Mapping.TotalMilliseconds, computeMs, write.Elapsed.TotalMilliseconds));
    }
    var subjects = (await loader.LoadAsync(studyId))!.Subjects.Count;
    Console.WriteLine($"in-process split ({phases.Count} runs, {subjects} subjects; median / first run, ms):");
    Console.WriteLine($"  store reads {Percentile([.. phases.Select(p => p.Store)], 50),7:F1} / {phases[0].Store:F1}");
    Console.WriteLine($"  mapping     {Percentile([.. phases.Select(p => p.Map)], 50),7:F1} / {phases[0].Map:F1}");
    Console.WriteLine($"  computing   {Percentile([.. phases.Select(p => p.Compute)], 50),7:F1} / {phases[0].Compute:F1}");
    Console.WriteLine($"  writing     {Percentile([.. phases.Select(p => p.Write)], 50),7:F1} / {phases[0].Write:F1}");
    Console.WriteLine($"  total       {Percentile([.. phases.Select(p => p.Store + p.Map + p.Compute + p.Write)], 50),7:F1}");
    var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    var cpuWatch = Stopwatch.StartNew();
    for (var i = 0; i < Math.Max(calls, 1); i++)
    {
        var data = await loader.LoadAsync(studyId);
        FhirJsonWriter.Serialize(EndpointsParameters.Build(EndpointCalculator.Compute(data!)));
    }
    var cpuMs = (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / Math.Max(calls, 1);
    Console.WriteLine($"  CPU per call {cpuMs,6:F1} ms (process CPU time over {Math.Max(calls, 1)} more runs; wall {cpuWatch.Elapsed.TotalMilliseconds / Math.Max(calls, 1):F1} ms)");
    if (body.Length > 0 && !local.AsSpan().SequenceEqual(body))
    {
        Console.WriteLine("WARNING: the in-process output differs from the server's.");
    }
}

static async Task<byte[]> PostBundleAsync(HttpClient http, byte[] json)
{
    using var content = new ByteArrayContent(json);
    content.Headers.ContentType = new("application/fhir+json");
    using var response = await http.PostAsync("", content);
    var body = await response.Content.ReadAsByteArrayAsync();
    if (response.StatusCode != HttpStatusCode.OK)
    {
        throw new InvalidOperationException($"Loading a bundle failed: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
    }
    return body;
}

static string StudyId(byte[] transactionResponse)
{
    using var doc = JsonDocument.Parse(transactionResponse);
    foreach (var entry in doc.RootElement.GetProperty("entry").EnumerateArray())
    {
        if (entry.GetProperty("response").TryGetProperty("location", out var location)
            && location.GetString() is { } text && text.StartsWith("ResearchStudy/", StringComparison.Ordinal))
        {
            return text.Split('/')[1];
        }
    }
    throw new InvalidOperationException("The study bundle's response has no ResearchStudy location.");
}

static async Task<(double Ms, byte[] Body)> TimeCallAsync(HttpClient http, string url)
{
    var watch = Stopwatch.StartNew();
    using var response = await http.GetAsync(url);
    var body = await response.Content.ReadAsByteArrayAsync();
    var ms = watch.Elapsed.TotalMilliseconds;
    if (response.StatusCode != HttpStatusCode.OK)
    {
        throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
    }
    return (ms, body);
}

// Nearest-rank percentile.
static double Percentile(List<double> values, int p)
{
    if (values.Count == 0)
    {
        return 0;
    }
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
}

static async Task<(string, string, Func<Task>)> CreatePostgresAsync(string admin)
{
    var name = $"fhir_bench_trials_{Environment.ProcessId}";
    await using (var connection = new NpgsqlConnection(admin))
    {
        await connection.OpenAsync();
        await using var dropOld = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await dropOld.ExecuteNonQueryAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync();
    }
    var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
    return ("Postgres", builder.ConnectionString, async () =>
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var dropCommand = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await dropCommand.ExecuteNonQueryAsync();
    });
}

static string FindRepository()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(System.IO.Path.Combine(dir.FullName, "Fhir.sln")))
        {
            return dir.FullName;
        }
    }
    throw new InvalidOperationException("Run from inside the repository (no Fhir.sln found above the current directory).");
}
