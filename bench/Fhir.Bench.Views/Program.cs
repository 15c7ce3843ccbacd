using System.Diagnostics;
using System.Globalization;
using System.Text;
using Fhir.Bench.Views;
using Fhir.Views;
using Fhir.Views.Input;
using Fhir.Views.Output;

// View benchmark: a ViewDefinition over ~1M Synthea resources (replicated), written as CSV and Parquet.
// Usage: Fhir.Bench.Views [--suites ../shared/suites] [--data /tmp/fhir-bench-views] [--resources 1000000] [--parallel N] [--rounds 2]
var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
var suites = options.GetValueOrDefault("suites", Environment.GetEnvironmentVariable("FHIR_SUITES") ?? FindSuites());
var data = options.GetValueOrDefault("data", Path.Combine(Path.GetTempPath(), "fhir-bench-views"));
var target = long.Parse(options.GetValueOrDefault("resources", "1000000"), CultureInfo.InvariantCulture);
var parallel = int.Parse(options.GetValueOrDefault("parallel", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
var rounds = int.Parse(options.GetValueOrDefault("rounds", "2"), CultureInfo.InvariantCulture);

var prepare = Stopwatch.StartNew();
var synthea = BenchData.ReadSynthea(Path.Combine(suites, "synthea"));
var observations = BenchData.Write(Path.Combine(data, $"observations-{target}"), synthea, new HashSet<string> { "Observation" }, target);
var mixed = BenchData.Write(Path.Combine(data, $"mixed-{target}"), synthea, null, target);
Console.WriteLine($"data ready in {prepare.Elapsed.TotalSeconds:F0} s: {observations}, {mixed}");

var observationView = Compile("""
    {"resourceType":"ViewDefinition","name":"observations","resource":"Observation","select":[{"column":[
      {"name":"id","path":"getResourceKey()","type":"id"},
      {"name":"patient_id","path":"subject.getReferenceKey(Patient)","type":"id"},
      {"name":"status","path":"status","type":"code"},
      {"name":"code_system","path":"code.coding.first().system","type":"uri"},
      {"name":"code","path":"code.coding.first().code","type":"code"},
      {"name":"display","path":"code.coding.first().display","type":"string"},
      {"name":"effective","path":"effective.ofType(dateTime)","type":"dateTime"},
      {"name":"value","path":"value.ofType(Quantity).value","type":"decimal"},
      {"name":"unit","path":"value.ofType(Quantity).code","type":"code"}]}]}
    """);
var codingView = Compile("""
    {"resourceType":"ViewDefinition","name":"codings","resource":"Observation","select":[
      {"column":[{"name":"id","path":"getResourceKey()","type":"id"},{"name":"patient_id","path":"subject.getReferenceKey(Patient)","type":"id"}]},
      {"forEach":"category.coding | code.coding","column":[{"name":"system","path":"system","type":"uri"},{"name":"code","path":"code","type":"code"}]}]}
    """);

Console.WriteLine($"{Environment.ProcessorCount} processors, {parallel} workers, {rounds} rounds (best shown)");
// The machine may be shared: CPU time says what a run costs whatever else runs; wall time what it took.
Console.WriteLine($"load average at start: {LoadAverage()}");
Console.WriteLine("| input | view | format | resources | rows | wall s | resources/s (wall) | CPU s | resources per CPU-second | output MB | peak RSS MB |");
Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var (inputName, folder) in new[] { ("1M Observations", observations), ("1M mixed types", mixed) })
{
    foreach (var (viewName, view) in new[] { ("observations (9 columns)", observationView), ("codings (forEach)", codingView) })
    {
        foreach (var format in new[] { ViewOutputFormat.Csv, ViewOutputFormat.Parquet })
        {
            (ViewRunResult Result, double Seconds, double Cpu, long Bytes)? best = null;
            for (var round = 0; round < rounds; round++)
            {
                var run = await Run(view, folder, format);
                if (best is null || run.Seconds < best.Value.Seconds)
                {
                    best = run;
                }
            }
            var (result, seconds, cpu, bytes) = best!.Value;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {inputName} | {viewName} | {format} | {result.Resources:N0} | {result.Rows:N0} | {seconds:F1} | {result.Resources / seconds:N0} | {cpu:F1} | {result.Resources / cpu:N0} | {bytes / 1e6:F0} | {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} |"));
        }
    }
}

Console.WriteLine($"load average at end: {LoadAverage()}");

async Task<(ViewRunResult Result, double Seconds, double Cpu, long Bytes)> Run(ViewDefinition view, string folder, ViewOutputFormat format)
{
    var output = Path.Combine(data, "out." + format.ToString().ToLowerInvariant());
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    ViewRunResult result;
    await using (var stream = new FileStream(output, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16))
    await using (var writer = RowWriter.Create(format, stream))
    {
        // Files named after another type are left out unread, as fhir view run does; the mixed files are read whole.
        result = await ViewRunner.RunAsync(view, ResourceFiles.ReadAsync(ResourceFiles.Find([folder], view.Resource).Where(f => f.EndsWith(".ndjson", StringComparison.Ordinal)).ToList()),
            writer, new ViewRunOptions { MaxDegreeOfParallelism = parallel });
    }
    var seconds = clock.Elapsed.TotalSeconds;
    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
    if (!result.IsSuccess)
    {
        throw new InvalidOperationException(string.Join("; ", result.Issues.Select(i => i.Message)));
    }
    return (result, seconds, cpu, new FileInfo(output).Length);
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static ViewDefinition Compile(string json) =>
    ViewDefinition.Parse(Encoding.UTF8.GetBytes(json)).View ?? throw new InvalidOperationException("the benchmark's view does not compile");

static string FindSuites()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        var candidate = Path.Combine(dir.FullName, "shared", "suites");
        if (Directory.Exists(candidate))
        {
            return candidate;
        }
    }
    throw new InvalidOperationException("No shared/suites found: pass --suites or set FHIR_SUITES.");
}
