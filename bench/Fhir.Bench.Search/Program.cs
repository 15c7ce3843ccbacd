using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Fhir.Bench.Search;

// Search benchmark: loads copies of the Synthea population into a running server over HTTP
// (transaction and batch Bundles, rewritten per copy) up to --target resources, reports the load
// rate and the database size, then times a mix of researcher and EHR searches one at a time.
// Usage: see --help.

var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length && !args[x.i + 1].StartsWith("--", StringComparison.Ordinal) ? args[x.i + 1] : "");
if (options.ContainsKey("help"))
{
    Console.WriteLine("""
        Fhir.Bench.Search [--base http://127.0.0.1:18555/fhir] [--suites <dir with synthea/>] [--label sqlite]
          [--target 1000000] [--load-minutes 30] [--clients 3] [--skip-load | --load-only] [--first-copy 0]
          [--runs 200] [--warmup 20] [--count-runs 20] [--query-seconds 60] [--seed 1]
          [--sqlite <db file>] [--psql "<psql connection arguments>"] [--markdown <file>]
          [--only <text in the query names>] [--server-pid <pid>: also the server's CPU time per request, from /proc]
        """);
    return 0;
}
string Opt(string name, string fallback) => options.TryGetValue(name, out var v) && v.Length > 0 ? v : fallback;
int Int(string name, int fallback) => int.Parse(Opt(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

var baseUrl = Opt("base", "http://127.0.0.1:18555/fhir").TrimEnd('/') + "/";
var suites = Opt("suites", Environment.GetEnvironmentVariable("FHIR_SUITES") ?? "/work/shared/suites");
var label = Opt("label", "server");
var data = SyntheaCopies.Read(System.IO.Path.Combine(suites, "synthea"));
var profile = DataProfile.Of(data);

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16, AutomaticDecompression = DecompressionMethods.None })
{ BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(10) };
http.DefaultRequestHeaders.Accept.ParseAdd("application/fhir+json");

var report = new List<string> { $"## {label}", "" };
void Say(string line)
{
    Console.WriteLine(line);
    report.Add(line);
}

// 1. Load.
if (!options.ContainsKey("skip-load"))
{
    var loader = new Loader(http, data, Int("clients", 3));
    Console.WriteLine($"loading copies of {data.Patients.Count} patients to {Int("target", 1_000_000):N0} resources ({Int("load-minutes", 30)} min at most)...");
    var loaded = await loader.LoadAsync(Int("target", 1_000_000), TimeSpan.FromMinutes(Int("load-minutes", 30)), Int("first-copy", 0));
    Say($"- load: {loaded.Resources:N0} resources ({loaded.Copies} copies) in {loaded.Elapsed.TotalSeconds:F0} s = **{loaded.Resources / loaded.Elapsed.TotalSeconds:N0} resources/s** ({loaded.FailedEntries} failed entries)");
}

// 2. What is there: the copy count drives the identifier queries.
var patients = await CountAsync("Patient?_summary=count");
var observations = await CountAsync("Observation?_summary=count");
var copies = (int)Math.Max(1, patients / data.Patients.Count);
Say($"- contents: {patients:N0} Patients ({copies} copies), {observations:N0} Observations");
var size = DatabaseSize();
if (size is not null) Say($"- database size: **{size.Value / 1024.0 / 1024.0:N0} MiB**");

if (options.ContainsKey("load-only")) return 0;

// 3. Patient ids for the EHR query that takes one (resolved by identifier, as an EHR would).
var seed = Int("seed", 1);
var pick = new Random(seed);
var patientIds = new List<string>();
for (var i = 0; i < 40; i++)
{
    var mrn = profile.PatientMrns[pick.Next(profile.PatientMrns.Count)] + "-c" + pick.Next(copies).ToString(CultureInfo.InvariantCulture);
    using var doc = JsonDocument.Parse(await http.GetStringAsync("Patient?identifier=" + Uri.EscapeDataString(DataProfile.MrnSystem + "|" + mrn)));
    if (doc.RootElement.TryGetProperty("entry", out var entries) && entries.GetArrayLength() > 0)
        patientIds.Add(entries[0].GetProperty("resource").GetProperty("id").GetString()!);
}
if (patientIds.Count == 0) throw new InvalidOperationException("No Patient found by identifier: is the data loaded?");

// 4. The queries, one at a time (latency, not throughput).
var results = new List<Latency>();
var serverPid = options.TryGetValue("server-pid", out var pidText) && pidText.Length > 0 ? int.Parse(pidText, CultureInfo.InvariantCulture) : (int?)null;
var cpuPerRequest = new Dictionary<string, double>();
foreach (var query in QueryMix.Build(profile, copies, patientIds).Where(q => !options.TryGetValue("only", out var only) || q.Name.Contains(only, StringComparison.OrdinalIgnoreCase)))
{
    var random = new Random(seed);
    var latency = new Latency(query.Name, query.Url(new Random(seed)));
    var warmup = query.IsCount ? Math.Min(2, Int("warmup", 20)) : Int("warmup", 20);
    var runs = query.IsCount ? Int("count-runs", 20) : Int("runs", 200);
    var budget = Stopwatch.StartNew();
    double? cpuAtWarm = null;
    for (var i = 0; i < warmup + runs; i++)
    {
        // A pathologically slow query gets fewer runs rather than holding up the rest.
        if (budget.Elapsed.TotalSeconds > Int("query-seconds", 60) && latency.Runs >= 5) break;
        var url = query.Url(random);
        if (i == warmup && serverPid is { } warmPid) cpuAtWarm = ServerCpuMs(warmPid);
        var clock = Stopwatch.StartNew();
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        var ms = clock.Elapsed.TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            latency.Errors++;
            if (latency.Errors == 1) Console.WriteLine($"  {url}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 500)]}");
            continue;
        }
        if (i >= warmup) latency.Add(ms, Matches(body));
    }
    if (cpuAtWarm is { } before && serverPid is { } pid && latency.Runs + latency.Errors > 0)
        cpuPerRequest[query.Name] = (ServerCpuMs(pid) - before) / (latency.Runs + latency.Errors);
    results.Add(latency);
    Console.WriteLine($"  {latency.Name}: p50 {latency.Percentile(50):F1} ms, p95 {latency.Percentile(95):F1} ms, matches {latency.MedianMatches:N0}"
        + (cpuPerRequest.TryGetValue(query.Name, out var perRequest) ? $", server CPU {perRequest:F2} ms/request" : ""));
}

Say("");
Say("| query | runs | p50 ms | p95 ms | p99 ms | max ms | matches (median) | errors | server CPU ms/request |");
Say("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var r in results)
    Say($"| {r.Name} | {r.Runs} | {r.Percentile(50):F1} | {r.Percentile(95):F1} | {r.Percentile(99):F1} | {r.Max:F1} | {r.MedianMatches:N0} | {r.Errors} | {(cpuPerRequest.TryGetValue(r.Name, out var c) ? c.ToString("F2", CultureInfo.InvariantCulture) : "")} |");
Say("");
Say("Example URLs (first run of each):");
Say("");
foreach (var r in results) Say($"- `{r.Example}`");
if (options.TryGetValue("markdown", out var markdown) && markdown.Length > 0) File.WriteAllLines(markdown, report);
return results.Any(r => r.Errors > 0) ? 1 : 0;

async Task<long> CountAsync(string url) => Matches(await http.GetStringAsync(url));

// utime + stime of a process, in milliseconds (Linux /proc; clock ticks of 10 ms). The server process only: a
// PostgreSQL backend's share is not in it.
static double ServerCpuMs(int pid)
{
    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
}

// Bundle.total when the server gives one; otherwise the matches on the first page.
static long Matches(string body)
{
    using var doc = JsonDocument.Parse(body);
    if (doc.RootElement.TryGetProperty("total", out var total)) return total.GetInt64();
    if (!doc.RootElement.TryGetProperty("entry", out var entries)) return 0;
    return entries.EnumerateArray().Count(e => !e.TryGetProperty("search", out var s) || !s.TryGetProperty("mode", out var m) || m.GetString() == "match");
}

long? DatabaseSize()
{
    if (options.TryGetValue("sqlite", out var file) && file.Length > 0)
        return new[] { "", "-wal", "-shm" }.Select(s => new FileInfo(file + s)).Where(f => f.Exists).Sum(f => f.Length);
    if (options.TryGetValue("psql", out var connection) && connection.Length > 0)
    {
        var psql = Process.Start(new ProcessStartInfo("psql", connection + " -Atc \"select pg_database_size(current_database())\"") { RedirectStandardOutput = true })!;
        var output = psql.StandardOutput.ReadToEnd();
        psql.WaitForExit();
        return long.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }
    return null;
}
