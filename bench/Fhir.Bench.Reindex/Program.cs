using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

// Reindex benchmark: loads N synthetic Observations into a running server over HTTP (transaction
// Bundles), then times reindex jobs through the server's own API: the one a new SearchParameter
// queues, `Observation/$reindex?code=<it>` (one parameter) and `Observation/$reindex` (all).
// Usage: Fhir.Bench.Reindex [--base http://127.0.0.1:8080/fhir] [--count 100000] [--bundle 500] [--clients 4]
//        [--skip-load] (the Observations are there from an earlier run) [--all-only] (only the reindex of every parameter)

var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length ? args[x.i + 1] : "");
var baseUrl = options.GetValueOrDefault("base", "http://127.0.0.1:8080/fhir").TrimEnd('/') + "/";
var count = int.Parse(options.GetValueOrDefault("count", "100000"), CultureInfo.InvariantCulture);
var bundleSize = int.Parse(options.GetValueOrDefault("bundle", "500"), CultureInfo.InvariantCulture);
var clients = int.Parse(options.GetValueOrDefault("clients", "4"), CultureInfo.InvariantCulture);
var skipLoad = options.ContainsKey("skip-load");
var allOnly = options.ContainsKey("all-only");

using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(10) };
const string FhirJson = "application/fhir+json";

// 1. Load.
var load = Stopwatch.StartNew();
var bundles = skipLoad ? 0 : (count + bundleSize - 1) / bundleSize;
var next = -1;
await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
{
    int b;
    while ((b = Interlocked.Increment(ref next)) < bundles)
    {
        var n = Math.Min(bundleSize, count - b * bundleSize);
        var body = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
        for (var i = 0; i < n; i++)
        {
            if (i > 0) body.Append(',');
            body.Append("{\"resource\":").Append(Observation(b * bundleSize + i)).Append(",\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}");
        }
        body.Append("]}");
        var response = await http.PostAsync("", new StringContent(body.ToString(), Encoding.UTF8, FhirJson));
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"Load failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}));
if (!skipLoad) Console.WriteLine($"loaded {count:N0} Observations in {load.Elapsed.TotalSeconds:F1} s ({count / load.Elapsed.TotalSeconds:N0}/s)");

// 2. A new SearchParameter: its reindex job (one parameter, after a 1 s settle the job waits for in-flight writes).
string? code = null;
if (!allOnly)
{
    code = "bench-gene-" + Guid.NewGuid().ToString("N")[..6];
    var sp = $$"""
        {"resourceType":"SearchParameter","url":"http://trials.example.org/fhir/SearchParameter/{{code}}","name":"{{code}}","status":"active",
         "description":"benchmark","code":"{{code}}","base":["Observation"],"type":"token",
         "expression":"Observation.component.where(code.coding.code = '48018-6').value"}
        """;
    var created = await http.PostAsync("SearchParameter", new StringContent(sp, Encoding.UTF8, FhirJson));
    await Report("SearchParameter created (job for its code)", created.Headers.GetValues("X-Reindex-Job").Single());

    // 3. Explicit reindex of that one parameter.
    await Report($"Observation/$reindex?code={code}", await KickOff($"Observation/$reindex?code={code}"));
}

// 4. Reindex of every parameter.
await Report("Observation/$reindex (all parameters)", await KickOff("Observation/$reindex"));

if (code is not null)
{
    // The jobs found every resource by the new parameter.
    var check = JsonDocument.Parse(await http.GetStringAsync($"Observation?{code}=HGNC:6973&_count=1&_total=accurate")).RootElement;
    Console.WriteLine($"check: Observation?{code}=HGNC:6973 answered {check.GetProperty("resourceType").GetString()}" + (check.TryGetProperty("total", out var t) ? $", total {t}" : ""));
}

async Task<string> KickOff(string path)
{
    var response = await http.PostAsync(path, null);
    if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    return response.Content.Headers.ContentLocation!.ToString();
}

async Task Report(string what, string status)
{
    var wall = Stopwatch.StartNew();
    while (true)
    {
        var response = await http.GetAsync(status);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            var parameters = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("parameter").EnumerateArray()
                .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.Clone());
            var done = parameters["done"].GetProperty("valueInteger").GetInt64();
            var started = DateTimeOffset.Parse(parameters["started"].GetProperty("valueInstant").GetString()!, CultureInfo.InvariantCulture);
            var finished = DateTimeOffset.Parse(parameters["finished"].GetProperty("valueInstant").GetString()!, CultureInfo.InvariantCulture);
            var seconds = (finished - started).TotalSeconds;
            Console.WriteLine($"{what}: {done:N0} resources, job {seconds:F2} s ({done / seconds:N0}/s), kick-off to status 200 {wall.Elapsed.TotalSeconds:F2} s");
            return;
        }
        if (response.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"{status}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        await Task.Delay(100);
    }
}

static string Observation(int i) => $$$"""
    {"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"laboratory"}]}],
     "code":{"coding":[{"system":"http://loinc.org","code":"69548-6","display":"Genetic variant assessment"}]},
     "subject":{"reference":"Patient/p{{{i % 1000}}}"},"effectiveDateTime":"2024-0{{{1 + i % 9}}}-1{{{i % 10}}}T10:00:00Z",
     "valueCodeableConcept":{"coding":[{"system":"http://loinc.org","code":"LA9633-4","display":"Present"}]},
     "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"48018-6"}]},"valueCodeableConcept":{"coding":[{"system":"http://www.genenames.org","code":"HGNC:6973"}]}},
                  {"code":{"coding":[{"system":"http://loinc.org","code":"82155-3"}]},"valueQuantity":{"value":{{{8 + i % 20}}},"unit":"1","system":"http://unitsofmeasure.org","code":"1"}}]}
    """;
