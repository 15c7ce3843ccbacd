using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fhir.Bench.Limits;

// Replays the availability attacks of issue 12 (items 9-13) against the real server and records its memory: JSON
// Patch self-copies, batches of big searches, pages of 10 MB resources, searches of hundreds of ANDed criteria,
// a token-endpoint brute force and an unauthenticated flood. See bench/README.md.

var options = args.Select((a, i) => (a, i)).Where(x => x.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(x => x.a[2..], x => x.i + 1 < args.Length && !args[x.i + 1].StartsWith("--", StringComparison.Ordinal) ? args[x.i + 1] : "");
int Int(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
if (options.ContainsKey("help"))
{
    Console.WriteLine("""
        usage: Fhir.Bench.Limits [options]
          --server <dll>          the server build (default src/Fhir.Server/bin/Release/net10.0/Fhir.Server.dll)
          --store sqlite|postgres --postgres <connection string of an empty database>
          --work <dir>            working folder (database, keys, server.log); default a new temp folder
          --concurrency <n>       simultaneous attackers in the patch, search and batch scenarios (default 3)
          --observations <n>      Observations seeded for the searches (default 2000)
          --batch-entries <n>     entries of the batch of searches (default 1000)
          --big-count <n> --big-mib <n>   Binary resources of n MiB for the big-page scenario (default 12, 10)
                                  (all data is seeded in a first server process; the attacks run on a second, fresh one)
          --criteria <n>          ANDed code criteria in one search (default 300)
          --guesses <n>           wrong secrets sent to the token endpoint (default 500)
          --flood <n>             requests without a token (default 10000), from 32 workers
          --settle <s>            wait after the flood for the folded audit events (default 65)
          --json <file>           also write the results as JSON
        """);
    return 0;
}
var repo = FindRepository();
var serverDll = options.GetValueOrDefault("server", System.IO.Path.Combine(repo, "src/Fhir.Server/bin/Release/net10.0/Fhir.Server.dll"));
if (!File.Exists(serverDll))
{
    Console.Error.WriteLine($"No server build at {serverDll}: run `dotnet build src/Fhir.Server -c Release` first (or pass --server <dll>).");
    return 2;
}
var store = options.GetValueOrDefault("store", "sqlite");
var work = options.GetValueOrDefault("work", System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"fhir-bench-limits-{Environment.ProcessId}"));
Directory.CreateDirectory(work);
var sqliteFile = System.IO.Path.Combine(work, "data", "fhir.db");
var (provider, connection) = store == "postgres"
    ? ("Postgres", options.TryGetValue("postgres", out var pg) ? pg : throw new ArgumentException("--store postgres needs --postgres <connection string>"))
    : ("Sqlite", $"Data Source={sqliteFile}");
var concurrency = Int("concurrency", 3);

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; store {store}; server {serverDll}");
var results = new List<ScenarioResult>();
var bigCount = Int("big-count", 12);
var bigMiB = Int("big-mib", 10);
var patchTargets = new List<string>();
string secret;

// ---- seeding, in a server process of its own: the attacks below run on a fresh process, so that its memory is theirs ----
await using (var seeding = await ServerUnderTest.StartAsync(serverDll, repo, provider, connection, work))
{
    secret = seeding.Secret;
    using var seedHttp = new HttpClient { BaseAddress = seeding.Root, Timeout = TimeSpan.FromMinutes(10) };
    var seedToken = await TokenAsync(seedHttp, secret);
    var patientId = await CreateAsync(seedHttp, seedToken, "fhir/Patient", """{"resourceType":"Patient","name":[{"family":"Bench","given":["Ann"]}],"gender":"female","birthDate":"1970-01-01"}""");
    for (var i = 0; i < concurrency; i++)
    {
        patchTargets.Add(await CreateAsync(seedHttp, seedToken, "fhir/Patient", """{"resourceType":"Patient","name":[{"family":"Doubling","given":["Ann","Bea"]}]}"""));
    }
    var total = Int("observations", 2000);
    var clock = Stopwatch.StartNew();
    for (var done = 0; done < total; done += 200)
    {
        var entries = string.Join(",", Enumerable.Range(done, Math.Min(200, total - done)).Select(i =>
            """{"resource":""" + ObservationJson(i, patientId) + ""","request":{"method":"POST","url":"Observation"}}"""));
        await CreateAsync(seedHttp, seedToken, "fhir", $$"""{"resourceType":"Bundle","type":"transaction","entry":[{{entries}}]}""", 200);
    }
    for (var i = 0; i < bigCount; i++)
    {
        var data = Convert.ToBase64String(RandomNumberGenerator.GetBytes(bigMiB * 1024 * 1024 * 3 / 4));
        await CreateAsync(seedHttp, seedToken, "fhir/Binary", $$"""{"resourceType":"Binary","contentType":"application/octet-stream","data":"{{data}}"}""");
    }
    Console.WriteLine($"seeded {total} Observations (~1.3 KB), {bigCount} Binary resources of {bigMiB} MiB and {concurrency + 1} Patients in {clock.Elapsed.TotalSeconds:F1} s");
}

await using var server = await ServerUnderTest.StartAsync(serverDll, repo, provider, connection, work, secret);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = server.Root, Timeout = TimeSpan.FromMinutes(10) };
Console.WriteLine($"attacked server: pid {server.Pid}, RSS after start {server.MiB("VmRSS"):F0} MiB (anonymous {server.MiB("RssAnon"):F0} MiB)");
var token = await TokenAsync(http, secret);

// ---- item 9: JSON Patch doubling -------------------------------------------------------------
var patch = "[" + string.Join(",", Enumerable.Repeat("""{"op":"copy","from":"/name","path":"/name/-"}""", 22)) + "]";
results.Add(await Measure.RunAsync(server, "patch-doubling", $"{concurrency} concurrent JSON Patches of 22 x copy /name to /name/- ({patch.Length} bytes)", async r =>
{
    await Task.WhenAll(patchTargets.Select(async id => r.Count(await SendAsync(HttpMethod.Patch, $"fhir/Patient/{id}", patch, token, "application/json-patch+json"))));
}));

// ---- item 10: a batch of big searches, and pages of big resources -------------------------------
var batchEntries = Int("batch-entries", 1000);
var batchEntry = """{"request":{"method":"GET","url":"Observation?_count=1000"}}""";
var batch = """{"resourceType":"Bundle","type":"batch","entry":[""" + string.Join(",", Enumerable.Repeat(batchEntry, batchEntries)) + "]}";
results.Add(await Measure.RunAsync(server, "batch-searches", $"{concurrency} concurrent batches of {batchEntries} x GET Observation?_count=1000", async r =>
{
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        var (status, bytes, body) = await SendKeepingAsync(HttpMethod.Post, "fhir", batch, token);
        r.Count(status, bytes);
        if (body is not null)
        {
            var statuses = JsonDocument.Parse(body).RootElement.GetProperty("entry").EnumerateArray()
                .GroupBy(e => e.GetProperty("response").GetProperty("status").GetString()![..3]).Select(g => $"{g.Key}x{g.Count()}");
            lock (r.Notes)
            {
                r.Notes.Add("entries: " + string.Join(" ", statuses));
            }
        }
    }));
}));

results.Add(await Measure.RunAsync(server, "big-pages", $"{concurrency} concurrent GET Binary?_count=1000 over {bigCount} x {bigMiB} MiB", async r =>
{
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ => r.Count(await SendAsync(HttpMethod.Get, "fhir/Binary?_count=1000", null, token))));
}));

// ---- item 11 (its limit is another change's; this only sends it): hundreds of ANDed criteria -------
var criteria = Int("criteria", 300);
var form = string.Join("&", Enumerable.Repeat("code=" + Uri.EscapeDataString("http://loinc.org|8867-4"), criteria));
results.Add(await Measure.RunAsync(server, "many-criteria", $"{concurrency} concurrent POST Observation/_search with {criteria} ANDed code criteria", async r =>
{
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ => r.Count(await SendAsync(HttpMethod.Post, "fhir/Observation/_search", form, token, "application/x-www-form-urlencoded"))));
}));

// ---- item 12: requests without a token ----------------------------------------------------------
var flood = Int("flood", 10_000);
var settle = Int("settle", 65);
token = await TokenAsync(http, secret); // fresh: tokens last 5 minutes, and after the flood this address gets none for a while
var auditsBefore = await CountAsync("fhir/AuditEvent?_summary=count");
var bytesBefore = SqliteBytes();
results.Add(await Measure.RunAsync(server, "anonymous-flood", $"{flood} GET Patient without a token from 32 workers", async r =>
{
    var next = 0;
    var floodClock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
    {
        while (Interlocked.Increment(ref next) <= flood)
        {
            r.Count(await SendAsync(HttpMethod.Get, "fhir/Patient", null, null));
        }
    }));
    r.Notes.Add($"the flood took {floodClock.Elapsed.TotalSeconds:F1} s");
    var auditsAfter = await CountAsync("fhir/AuditEvent?_summary=count");
    r.Notes.Add($"AuditEvents: +{auditsAfter - auditsBefore - 1} at once" + (bytesBefore is null ? "" : $", database +{(SqliteBytes() - bytesBefore) / 1048576.0:F1} MiB"));
    await Task.Delay(TimeSpan.FromSeconds(settle));
    var settled = await CountAsync("fhir/AuditEvent?_summary=count");
    r.Notes.Add($"AuditEvents: +{settled - auditsBefore - 2} after {settle} s (the folded counts written)" + (bytesBefore is null ? "" : $", database +{(SqliteBytes() - bytesBefore) / 1048576.0:F1} MiB"));
}));

// ---- item 13: token endpoint brute force, then the right secret from the same address -------------
// (after the flood's address window has passed: fewer guesses than Auth:AnonymousRequestsPerMinute, so that the
// per-client backoff is what answers, not the per-address limit)
var guesses = Int("guesses", 500);
results.Add(await Measure.RunAsync(server, "token-guessing", $"{guesses} wrong secrets for one client, then the right one", async r =>
{
    int? first429 = null;
    string? reason = null;
    for (var i = 0; i < guesses; i++)
    {
        var (status, bytes, body) = await SendKeepingAsync(HttpMethod.Post, "auth/token", TokenForm("wrong-" + i), null, "application/x-www-form-urlencoded");
        r.Count(status, bytes);
        if (status == 429 && first429 is null)
        {
            first429 = i;
            reason = body is null ? null : JsonDocument.Parse(body).RootElement.GetProperty("error_description").GetString();
        }
    }
    var (right, _, rightBody) = await SendKeepingAsync(HttpMethod.Post, "auth/token", TokenForm(secret), null, "application/x-www-form-urlencoded");
    r.Notes.Add($"first 429 at guess {first429}: {reason}");
    r.Notes.Add($"the right secret then: {right} {(right == 200 || rightBody is null ? "" : Encoding.UTF8.GetString(rightBody))}");
}));

var peak = results.Max(r => r.PeakRssMiB);
Console.WriteLine();
Console.WriteLine("| scenario | requests | statuses | largest response | time | peak RSS (VmHWM) | anonymous RSS (sampled max) | file pages after |");
Console.WriteLine("|---|---:|---|---:|---:|---:|---:|---:|");
foreach (var r in results)
{
    Console.WriteLine($"| {r.Name} | {r.Requests:N0} | {r.StatusText} | {r.MaxResponseBytes / 1048576.0:F1} MiB | {r.Seconds:F1} s | {r.PeakRssMiB:F0} MiB | {r.MaxSampledAnonMiB:F0} MiB | {r.FileMiBAfter:F0} MiB |");
}
Console.WriteLine($"highest peak: {peak:F0} MiB ({(peak < 1024 ? "below" : "ABOVE")} the 1 GiB goal); server still running: {!server.HasExited}");
if (options.TryGetValue("json", out var jsonPath))
{
    await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(results.Select(r => new
    {
        r.Name, r.What, r.Requests, Statuses = r.Statuses.ToDictionary(s => s.Key.ToString(CultureInfo.InvariantCulture), s => s.Value),
        r.MaxResponseBytes, r.Seconds, r.PeakRssMiB, r.MaxSampledRssMiB, r.MaxSampledAnonMiB, r.FileMiBAfter, r.Notes,
    }), new JsonSerializerOptions { WriteIndented = true }));
}
return peak < 1024 ? 0 : 1;

static string ObservationJson(int i, string patientId) =>
    $$"""{"resourceType":"Observation","status":"final","category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],"code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},"subject":{"reference":"Patient/{{patientId}}"},"effectiveDateTime":"2024-01-{{1 + i % 28:D2}}T10:00:00Z","valueQuantity":{"value":{{60 + i % 40}},"unit":"beats/minute","system":"http://unitsofmeasure.org","code":"/min"},"note":[{"text":"{{new string('n', 700)}}"}]}""";

static string TokenForm(string secret) => $"grant_type=client_credentials&client_id={ServerUnderTest.ClientId}&client_secret={Uri.EscapeDataString(secret)}";

static async Task<string> TokenAsync(HttpClient client, string secret)
{
    var (status, _, body) = await SendOnAsync(client, HttpMethod.Post, "auth/token", TokenForm(secret), null, "application/x-www-form-urlencoded");
    return status == 200 ? JsonDocument.Parse(body!).RootElement.GetProperty("access_token").GetString()! : throw new InvalidOperationException($"No token: {status} {Text(body)}");
}

static async Task<string> CreateAsync(HttpClient client, string bearer, string url, string json, int expected = 201)
{
    var (status, _, body) = await SendOnAsync(client, HttpMethod.Post, url, json, bearer);
    return status == expected
        ? expected == 201 ? JsonDocument.Parse(body!).RootElement.GetProperty("id").GetString()! : ""
        : throw new InvalidOperationException($"POST {url} failed: {status} {Text(body)}");
}

static string Text(byte[]? body) => body is null ? "" : Encoding.UTF8.GetString(body);

async Task<long> CountAsync(string url)
{
    var (status, _, body) = await SendKeepingAsync(HttpMethod.Get, url, null, token);
    return status == 200 ? JsonDocument.Parse(body!).RootElement.GetProperty("total").GetInt64() : throw new InvalidOperationException($"Count failed: {status} {Text(body)}");
}

long? SqliteBytes() => store == "sqlite"
    ? new[] { "", "-wal" }.Select(s => new FileInfo(sqliteFile + s)).Where(f => f.Exists).Sum(f => f.Length)
    : null;

static HttpRequestMessage Request(HttpMethod method, string url, string? body, string? bearer, string contentType)
{
    var request = new HttpRequestMessage(method, url);
    if (bearer is not null)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
    }
    if (body is not null)
    {
        request.Content = new StringContent(body, Encoding.UTF8);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
    }
    return request;
}

// The status and the body's size; the body itself is read and dropped, so the bench holds no big response.
async Task<(int Status, long Bytes)> SendAsync(HttpMethod method, string url, string? body, string? bearer, string contentType = "application/fhir+json")
{
    try
    {
        using var request = Request(method, url, body, bearer, contentType);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            total += read;
        }
        return ((int)response.StatusCode, total);
    }
    catch (HttpRequestException)
    {
        return (-1, 0); // connection refused or reset: the server is down
    }
}

// The same, keeping a body of up to 64 MiB (for ids, tokens and batch entry statuses).
Task<(int Status, long Bytes, byte[]? Body)> SendKeepingAsync(HttpMethod method, string url, string? body, string? bearer, string contentType = "application/fhir+json") =>
    SendOnAsync(http, method, url, body, bearer, contentType);

static async Task<(int Status, long Bytes, byte[]? Body)> SendOnAsync(HttpClient client, HttpMethod method, string url, string? body, string? bearer, string contentType = "application/fhir+json")
{
    try
    {
        using var request = Request(method, url, body, bearer, contentType);
        using var response = await client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return ((int)response.StatusCode, bytes.Length, bytes.Length <= 64 * 1024 * 1024 ? bytes : null);
    }
    catch (HttpRequestException)
    {
        return (-1, 0, null);
    }
}

static string FindRepository()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(System.IO.Path.Combine(dir.FullName, "Fhir.sln")))
        {
            return dir.FullName;
        }
    }
    return Directory.GetCurrentDirectory();
}
