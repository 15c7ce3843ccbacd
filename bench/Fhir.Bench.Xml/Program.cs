using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Fhir.Bench.Trials;
using Fhir.Core.Json;
using Fhir.Trials.Generation;
using Fhir.Validation;
using Fhir.Validation.Conformance;
using Fhir.Xml;

// FHIR XML against FHIR JSON: the same generated trial (transaction Bundles of trial participants, genomic results,
// tumour responses and adverse events) read, validated and stored in each format. In-process: parse (JSON reader;
// XML → JSON through Fhir.Xml, then the JSON reader), validate (the same validator on the same tree), and write
// (the JSON writer; JSON → XML through Fhir.Xml). Over HTTP: every Bundle POSTed to a fresh Fhir.Server on SQLite,
// in JSON and then, on another fresh database, in XML (parse + validate + store + the answer in the same format).
// See bench/README.md.

var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var patients = Int("patients", 100);
var rounds = Int("rounds", 5);
var repo = FindRepository();
var serverDll = options.GetValueOrDefault("server", Path.Combine(repo, "src/Fhir.Server/bin/Release/net10.0/Fhir.Server.dll"));
var work = Path.Combine(Path.GetTempPath(), $"fhir-bench-xml-{Environment.ProcessId}");
Directory.CreateDirectory(work);

var trial = TrialGenerator.Generate(new TrialGeneratorOptions { Patients = patients, Seed = 7 });
var json = trial.Bundles.Select(b => b.Json).ToList();
var xml = json.Select(j => FhirXmlWriter.FromJson(j)).ToList();
var resources = json.Sum(j => JsonDocument.Parse(j).RootElement.GetProperty("entry").GetArrayLength());
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
Console.WriteLine($"trial: {patients} patients, {json.Count} Bundles, {resources} resources; JSON {Mb(json)} MB, XML {Mb(xml)} MB");

// In-process phases, after one warm-up round; JSON and XML alternate so that a busy machine weighs on both alike.
var validator = new ResourceValidator(new ConformanceSetBuilder().AddDefinitions(Path.Combine(repo, "profiles")).Build());
var trees = json.Select(j => FhirJsonReader.Parse(j).Resource!).ToList();
var (parseJson, parseXml) = Pair(
    () => { foreach (var j in json) { Require(FhirJsonReader.Parse(j).IsSuccess); } },
    () => { foreach (var x in xml) { var c = FhirXmlReader.ToJson(x); Require(c.IsSuccess && FhirJsonReader.Parse(c.Json!).IsSuccess); } });
var (validate, _) = Pair(() => { foreach (var t in trees) { validator.Validate(t); } }, () => { });
var (writeJson, writeXml) = Pair(
    () => { foreach (var t in trees) { FhirJsonWriter.Serialize(t); } },
    () => { foreach (var j in json) { FhirXmlWriter.FromJson(j); } });
Console.WriteLine();
Console.WriteLine("| phase (in-process, one core) | JSON µs/resource | XML µs/resource | XML / JSON |");
Console.WriteLine("|---|---:|---:|---:|");
Row("parse", parseJson, parseXml);
Row("validate (same tree)", validate, validate);
Row("parse + validate", parseJson + validate, parseXml + validate);
Row("write (response)", writeJson, writeXml);

// Over HTTP: parse + validate + store (+ the answer), one fresh SQLite database per format.
if (!File.Exists(serverDll))
{
    Console.Error.WriteLine($"No server build at {serverDll}: run `dotnet build src/Fhir.Server -c Release` first; the HTTP part is skipped.");
    return 0;
}
Console.WriteLine();
Console.WriteLine("| over HTTP (SQLite, one client, transaction Bundles, best of the runs) | JSON | XML | XML / JSON |");
Console.WriteLine("|---|---:|---:|---:|");
var httpJson = TimeSpan.MaxValue;
var httpXml = TimeSpan.MaxValue;
for (var run = 0; run < Int("http-runs", 2); run++)
{
    var j = await StoreAsync($"json-{run}", json, "application/fhir+json");
    var x = await StoreAsync($"xml-{run}", xml, "application/fhir+xml");
    httpJson = j < httpJson ? j : httpJson;
    httpXml = x < httpXml ? x : httpXml;
}
Console.WriteLine($"| resources/s | {resources / httpJson.TotalSeconds:F0} | {resources / httpXml.TotalSeconds:F0} | {httpJson.TotalSeconds / httpXml.TotalSeconds:F2}x |");
Console.WriteLine($"| ms per Bundle (mean) | {httpJson.TotalMilliseconds / json.Count:F1} | {httpXml.TotalMilliseconds / xml.Count:F1} | {httpXml.TotalMilliseconds / httpJson.TotalMilliseconds:F2} |");
Directory.Delete(work, recursive: true);
return 0;

async Task<TimeSpan> StoreAsync(string label, List<byte[]> bodies, string mediaType)
{
    var database = Path.Combine(work, $"{label}.db");
    await using var server = await ServerProcess.StartAsync(serverDll, repo, "Sqlite", $"Data Source={database}", Path.Combine(work, $"server-{label}.log"));
    using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(5) };
    var clock = Stopwatch.StartNew();
    foreach (var body in bodies)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var request = new HttpRequestMessage(HttpMethod.Post, "") { Content = content };
        request.Headers.Accept.ParseAdd(mediaType);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{label}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        await response.Content.ReadAsByteArrayAsync();
    }
    return clock.Elapsed;
}

(TimeSpan First, TimeSpan Second) Pair(Action first, Action second)
{
    first();
    second();
    TimeSpan a = TimeSpan.MaxValue, b = TimeSpan.MaxValue;
    for (var i = 0; i < rounds; i++)
    {
        var clock = Stopwatch.StartNew();
        first();
        a = clock.Elapsed < a ? clock.Elapsed : a;
        clock.Restart();
        second();
        b = clock.Elapsed < b ? clock.Elapsed : b;
    }
    return (a, b);
}

void Row(string phase, TimeSpan jsonTime, TimeSpan xmlTime) =>
    Console.WriteLine($"| {phase} | {jsonTime.TotalMicroseconds / resources:F1} | {xmlTime.TotalMicroseconds / resources:F1} | {xmlTime / jsonTime:F2} |");

static void Require(bool condition)
{
    if (!condition)
    {
        throw new InvalidOperationException("A generated resource did not read.");
    }
}

static string Mb(List<byte[]> bodies) => (bodies.Sum(b => (long)b.Length) / 1048576.0).ToString("F1", CultureInfo.InvariantCulture);

static string FindRepository()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Fhir.sln")))
        {
            return dir.FullName;
        }
    }
    throw new InvalidOperationException("Run from inside the repository.");
}
