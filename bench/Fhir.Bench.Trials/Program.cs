using System.Globalization;
using Fhir.Bench.Trials;

// Trial operations benchmark (bench/README.md):
//   trial       (default) generates a synthetic trial (`fhir trial generate`), loads it into a fresh Fhir.Server per store
//               over HTTP, and times $endpoints and $subject-outcomes: cold (the first call after a server start, over
//               --cold-runs restarts) and warm (--calls calls); then splits $endpoints in-process into store reads,
//               mapping, computing and writing.
//   split       the in-process split of $endpoints only, on a database kept by an earlier run (--keep): --provider,
//               --connection, --study.
//   candidates  loads a registry of --patients sequenced patients and times $candidates (cold and warm).
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length && !args[x.i + 1].StartsWith("--", StringComparison.Ordinal) ? args[x.i + 1] : "");
int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var scenario = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "trial";
var repo = FindRepository();
var settings = new BenchSettings
{
    Repository = repo,
    ServerDll = options.GetValueOrDefault("server", System.IO.Path.Combine(repo, "src/Fhir.Server/bin/Release/net10.0/Fhir.Server.dll")),
    Work = options.GetValueOrDefault("work", System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"fhir-bench-trials-{Environment.ProcessId}")),
    Postgres = options.GetValueOrDefault("postgres", "Host=127.0.0.1;Port=5499;Username=postgres"),
    Stores = options.GetValueOrDefault("stores", "sqlite,postgres").Split(',', StringSplitOptions.RemoveEmptyEntries),
    Seed = Int("seed", 7),
    Calls = Int("calls", 20),
    ColdRuns = Int("cold-runs", 5),
    Clients = Int("clients", 4),
    Keep = options.ContainsKey("keep"),
};
if (!File.Exists(settings.ServerDll))
{
    Console.Error.WriteLine($"No server build at {settings.ServerDll}: run `dotnet build src/Fhir.Server -c Release` first (or pass --server <dll>).");
    return 2;
}
Directory.CreateDirectory(settings.Work);
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average {LoadAverage()}");
switch (scenario)
{
    case "trial":
        await TrialBenchmark.RunAsync(settings, Int("patients", 1000), options.GetValueOrDefault("endpoints-out"));
        break;
    case "split":
        // Iterating on the loader: the in-process split only, on a database a previous run kept (--keep).
        await TrialBenchmark.SplitAsync(settings, options.GetValueOrDefault("provider", "Sqlite"), options["connection"], options["study"], []);
        break;
    case "candidates":
        await CandidatesBenchmark.RunAsync(settings, Int("patients", 100_000));
        break;
    default:
        Console.Error.WriteLine($"Unknown scenario '{scenario}' (trial, candidates).");
        return 2;
}
Console.WriteLine($"load average at the end {LoadAverage()}");
return 0;

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

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
