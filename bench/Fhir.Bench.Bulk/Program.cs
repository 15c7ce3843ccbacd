using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Fhir.Bench;
using Fhir.Bench.Bulk;

// Bulk Data benchmark against a running server: makes NDJSON of Synthea copies once, loads it (server-side $import and/or
// `fhir import`), then times a system-level $export, watching the server's memory and CPU from /proc.
var options = Args.Parse(args);
var http = new HttpClient { BaseAddress = new Uri(options.Base.TrimEnd('/') + "/"), Timeout = Timeout.InfiniteTimeSpan };
var report = new List<string>();

var clock = Stopwatch.StartNew();
var data = SyntheaNdjson.Write(options.Suites, options.Data, options.Resources);
// The resources only: not the state file or report `fhir import` may leave beside them.
var files = Directory.GetFiles(data, "*.ndjson").Where(f => !Path.GetFileName(f).StartsWith('.') && !Path.GetFileName(f).StartsWith("fhir-import", StringComparison.Ordinal))
    .Order(StringComparer.Ordinal).ToList();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"data: {File.ReadAllText(Path.Combine(data, "complete"))} resources in {files.Count} files, {files.Sum(f => new FileInfo(f).Length) / 1048576.0:F0} MB ({clock.Elapsed.TotalSeconds:F0} s)"));

if (options.Import == "server")
{
    await using var meter = new ProcessMeter(options.ServerPid);
    clock.Restart();
    var statuses = new List<string>();
    foreach (var file in files)
    {
        await using var body = File.OpenRead(file);
        using var request = new HttpRequestMessage(HttpMethod.Post, "$import") { Content = new StreamContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+ndjson");
        request.Headers.TryAddWithoutValidation("Prefer", "respond-async");
        using var response = await http.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"$import of {file}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        statuses.Add(response.Content.Headers.ContentLocation!.ToString());
    }
    long stored = 0, rejected = 0;
    foreach (var status in statuses)
    {
        var manifest = await WaitAsync(http, status, progress: true);
        stored += manifest.GetProperty("output").EnumerateArray().Sum(o => o.GetProperty("count").GetInt64());
        rejected += manifest.GetProperty("error").EnumerateArray().Sum(o => o.GetProperty("count").GetInt64());
    }
    var seconds = clock.Elapsed.TotalSeconds;
    report.Add(Line(options, "$import (server-side, NDJSON uploads)", stored, seconds, meter, $"{rejected:N0} rejected"));
}
else if (options.Import is "cli" or "cli-server")
{
    await using var meter = new ProcessMeter(options.ServerPid);
    clock.Restart();
    var output = ChildProcess.RunToEnd("dotnet",
        [options.Cli ?? throw new ArgumentException("--cli <path to Fhir.Cli.dll> is needed with --import cli"), "import", data, "--server", options.Base,
            "--parallel", options.Parallel.ToString(CultureInfo.InvariantCulture), "--batch-size", "200", "--restart",
            "--state", Path.Combine(Path.GetTempPath(), "fhir-bench-bulk-import-state.ndjson"), .. (options.Import == "cli-server" ? new[] { "--server-import" } : [])],
        out var exit, passStandardError: true);
    var seconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine(output);
    var imported = long.Parse(System.Text.RegularExpressions.Regex.Match(output, @"Imported ([\d,]+) resources").Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
    report.Add(Line(options, options.Import == "cli-server"
        ? $"fhir import --server-import (one $import job per file; exit {exit})"
        : $"fhir import (batches of 200, {options.Parallel} in flight; exit {exit})", imported, seconds, meter, ""));
}

if (options.Export)
{
    await using var meter = new ProcessMeter(options.ServerPid);
    clock.Restart();
    using var kickOff = new HttpRequestMessage(HttpMethod.Get, "$export" + (options.Types is null ? "" : "?_type=" + options.Types));
    kickOff.Headers.TryAddWithoutValidation("Prefer", "respond-async");
    using var accepted = await http.SendAsync(kickOff);
    if (accepted.StatusCode != HttpStatusCode.Accepted)
    {
        throw new InvalidOperationException($"$export: {(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync()}");
    }
    var manifest = await WaitAsync(http, accepted.Content.Headers.ContentLocation!.ToString(), progress: true);
    var seconds = clock.Elapsed.TotalSeconds;
    var outputs = manifest.GetProperty("output").EnumerateArray().ToList();
    var exported = outputs.Sum(o => o.GetProperty("count").GetInt64());
    report.Add(Line(options, $"$export (system level, {outputs.Count} files)", exported, seconds, meter, ""));

    if (options.Download)
    {
        await using var downloadMeter = new ProcessMeter(options.ServerPid);
        clock.Restart();
        long bytes = 0, lines = 0;
        var buffer = new byte[1 << 16];
        foreach (var output in outputs)
        {
            await using var stream = await http.GetStreamAsync(output.GetProperty("url").GetString());
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                bytes += read;
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }
        }
        report.Add(Line(options, $"download of the export's files ({bytes / 1048576.0:F0} MB)", lines, clock.Elapsed.TotalSeconds, downloadMeter, ""));
    }
}

Console.WriteLine();
Console.WriteLine("| store | step | resources | wall s | resources/s (wall) | server CPU s | resources per server CPU-second | server RSS start → peak MB | of which anonymous MB | notes |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---|---|---|");
foreach (var line in report)
{
    Console.WriteLine(line);
}

static string Line(Args options, string step, long resources, double seconds, ProcessMeter meter, string notes)
{
    var cpu = meter.CpuSeconds();
    return string.Create(CultureInfo.InvariantCulture,
        $"| {options.Label} | {step} | {resources:N0} | {seconds:F1} | {resources / seconds:N0} | {(options.ServerPid is null ? "-" : cpu.ToString("F1", CultureInfo.InvariantCulture))} | {(cpu > 0 ? (resources / cpu).ToString("N0", CultureInfo.InvariantCulture) : "-")} | {meter.StartRss / 1048576.0:F0} → {meter.PeakRss / 1048576.0:F0} | {meter.StartAnon / 1048576.0:F0} → {meter.PeakAnon / 1048576.0:F0} | {notes} |");
}

static async Task<JsonElement> WaitAsync(HttpClient http, string status, bool progress)
{
    var last = "";
    while (true)
    {
        using var response = await http.GetAsync(status);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"{status}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        var text = response.Headers.TryGetValues("X-Progress", out var values) ? values.Single() : "";
        if (progress && text != last)
        {
            Console.Error.WriteLine($"  {DateTime.Now:HH:mm:ss} {text}");
            last = text;
        }
        await Task.Delay(200);
    }
}

/// <summary>The command line.</summary>
internal sealed record Args(
    string Base, int? ServerPid, string Suites, string Data, long Resources, string Import, string? Cli, int Parallel, bool Export, bool Download, string? Types, string Label)
{
    public static Args Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new Args(
            Value("--base") ?? "http://127.0.0.1:18560/fhir",
            Value("--server-pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
            Value("--suites") ?? Environment.GetEnvironmentVariable("FHIR_SUITES") ?? "/work/shared/suites",
            Value("--data") ?? "/tmp/fhir-bench-bulk/data",
            Value("--resources") is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : 1_000_000,
            Value("--import") ?? "none",
            Value("--cli"),
            Value("--parallel") is { } p ? int.Parse(p, CultureInfo.InvariantCulture) : 4,
            args.Contains("--export"),
            args.Contains("--download"),
            Value("--type"),
            Value("--label") ?? "server");
    }
}
