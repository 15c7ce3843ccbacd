using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Fhir.Bench.Load;

internal sealed class ServerUnreachableException(string message) : Exception(message);

internal sealed class SetupException(string message) : Exception(message);

/// <summary>A resource the server holds: enough to update it (seed, subject) and to vread it (versions).</summary>
internal sealed class PoolEntry(string id, long seed, string? subjectId, string firstVersion)
{
    private string _latestVersion = firstVersion;
    private int _revision;

    public string Id { get; } = id;
    public long Seed { get; } = seed;
    public string? SubjectId { get; } = subjectId;
    public string FirstVersion { get; } = firstVersion;

    /// <summary>Some version the server reported for this resource (racing updates may leave an older one: still valid).</summary>
    public string LatestVersion
    {
        get => Volatile.Read(ref _latestVersion);
        set => Volatile.Write(ref _latestVersion, value);
    }

    public int NextRevision() => Interlocked.Increment(ref _revision);
}

/// <summary>Append-only pool: writers take a lock (creates only), readers never do.</summary>
internal sealed class ResourcePool
{
    private readonly Lock _gate = new();
    private PoolEntry[] _items = new PoolEntry[1024];
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add(PoolEntry entry)
    {
        lock (_gate)
        {
            if (_count == _items.Length)
            {
                var grown = new PoolEntry[_items.Length * 2];
                Array.Copy(_items, grown, _count);
                Volatile.Write(ref _items, grown);       // publish the array before the count that needs it
            }
            _items[_count] = entry;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    public PoolEntry Pick(Random rnd)
    {
        int count = Volatile.Read(ref _count);
        return Volatile.Read(ref _items)[rnd.Next(count)];
    }

    public PoolEntry[] Newest(int n)
    {
        int count = Volatile.Read(ref _count);
        var items = Volatile.Read(ref _items);
        return items[Math.Max(0, count - n)..count];
    }
}

/// <summary>
/// First few distinct failures (status + body or message), with how often each recurred. Failures
/// are grouped with numbers and ids masked, so "Patient/12 not found" and "Patient/97 not found"
/// count as one kind and the first one is kept as the sample.
/// </summary>
internal sealed partial class ErrorLog
{
    public const int MaxDistinct = 12;
    private readonly ConcurrentDictionary<string, ErrorSample> _samples = new(StringComparer.Ordinal);
    private int _distinct;
    private long _unlisted;

    public long Unlisted => Interlocked.Read(ref _unlisted);

    public IReadOnlyList<ErrorSample> Samples => [.. _samples.Values.OrderBy(s => s.Sequence)];

    public void Note(string what, int status, string detail)
    {
        if (detail.Length > 500) detail = detail[..500] + "…";
        string key = $"{what}|{status}|{Variable().Replace(detail, "#")}";
        if (_samples.TryGetValue(key, out var known))
        {
            known.Increment();
            return;
        }
        int seq = Interlocked.Increment(ref _distinct);
        if (seq > MaxDistinct)
        {
            Interlocked.Increment(ref _unlisted);
            return;
        }
        _samples.GetOrAdd(key, _ => new ErrorSample(what, status, detail, seq)).Increment();
    }

    [GeneratedRegex(@"[0-9A-Fa-f]{8}(-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}|[0-9]+(\.[0-9]+)?")]
    private static partial Regex Variable();
}

internal sealed class ErrorSample(string what, int status, string detail, int sequence)
{
    private long _count;

    public string What { get; } = what;
    public int Status { get; } = status;
    public string Detail { get; } = detail;
    public int Sequence { get; } = sequence;
    public long Count => Interlocked.Read(ref _count);

    public void Increment() => Interlocked.Increment(ref _count);
}

/// <summary>The outcome of one HTTP exchange. Status 0: transport failure or timeout (see Error).</summary>
internal readonly record struct Reply(int Status, long Ticks, long CompletedAt, int Length,
    string? Id, string? Version, string? Error, string? VerifyError = null)
{
    public bool Ok => Status is >= 200 and < 300;
}

/// <summary>Per-worker state: generator, payload writer, response buffer and measurements. Never shared.</summary>
internal sealed class Worker(int seed)
{
    public Random Rnd { get; } = new(seed);
    public ResourceWriter Writer { get; } = new();
    public WorkerStats Stats { get; } = new();
    public byte[] Buffer { get; set; } = new byte[16 * 1024];
    public int Counter { get; set; }

    /// <summary>True for every 8th call: the responses whose bodies get checked.</summary>
    public bool Sample() => (Counter++ & 7) == 0;
}

internal sealed class LoadRunner(Options options, HttpClient http)
{
    public const int SeedConcurrency = 8;
    private const int CheckPerType = 10;

    private readonly string _base = options.Base;
    private readonly string? _prefer = options.Prefer switch
    {
        PreferMode.Minimal => "return=minimal",
        PreferMode.Representation => "return=representation",
        _ => null,
    };
    private readonly ResourcePool _patients = new();
    private readonly ResourcePool _observations = new();
    private readonly int[] _cumulative = CumulativeWeights(options.Mix);

    public ErrorLog Errors { get; } = new();

    public async Task CheckReachableAsync(CancellationToken ct)
    {
        var w = new Worker(0);
        using var probe = CancellationTokenSource.CreateLinkedTokenSource(ct);
        probe.CancelAfter(TimeSpan.FromSeconds(10));
        var reply = await SendAsync(w, HttpMethod.Get, $"{_base}/metadata", null, probe.Token, throwOnTimeout: false);
        ct.ThrowIfCancellationRequested();
        if (reply.Status == 0)
            throw new ServerUnreachableException($"GET {_base}/metadata: {reply.Error}. Is the server running at {_base}?");
        Console.WriteLine($"server: GET {_base}/metadata -> {reply.Status}");
    }

    /// <summary>Creates the pool over HTTP, then checks read-after-create on a sample.</summary>
    public async Task SeedAsync(CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        await SeedTypeAsync(patient: true, ct);
        await SeedTypeAsync(patient: false, ct);
        Console.WriteLine($"seeded {_patients.Count} Patients and {_observations.Count} Observations in {sw.Elapsed.TotalSeconds:F1} s");

        var (ok, total) = await CheckSampleAsync(ct);
        if (ok != total)
            throw new SetupException($"read-after-create check failed for {total - ok} of {total} seeded resources:"
                + Environment.NewLine + string.Join(Environment.NewLine, Errors.Samples.Select(s => $"  {s.What} {s.Status}: {s.Detail}")));
        Console.WriteLine($"read-after-create/vread check: {ok}/{total} ok");
    }

    private async Task SeedTypeAsync(bool patient, CancellationToken ct)
    {
        int next = -1;
        var tasks = Enumerable.Range(0, SeedConcurrency).Select(t => Task.Run(async () =>
        {
            var w = new Worker((options.RandomSeed ^ (patient ? 0x5EED : 0x0B5E)) + t);
            int i;
            while ((i = Interlocked.Increment(ref next)) < options.SeedPerType)
            {
                long seed = Mix64(options.RandomSeed, patient ? i : -1 - i);
                string? subject = patient ? null : _patients.Pick(w.Rnd).Id;
                var reply = await CreateAsync(w, patient, seed, subject, ct);
                if (!reply.Ok)
                    throw new SetupException($"seeding: POST {_base}/{TypeName(patient)} -> {Describe(w, reply)}");
                if (reply.VerifyError is not null)
                    throw new SetupException($"seeding: {reply.VerifyError}");
            }
        }, ct)).ToArray();
        await Task.WhenAll(tasks);
    }

    public async Task<RunResult> RunAsync(int clients, CancellationToken ct)
    {
        var workers = Enumerable.Range(0, clients)
            .Select(i => new Worker(unchecked(options.RandomSeed * 1_000_003 + clients * 1_009 + i)))
            .ToArray();
        long freq = Stopwatch.Frequency;
        long start = Stopwatch.GetTimestamp();
        long measureStart = start + (long)(options.WarmupSeconds * freq);
        long end = measureStart + (long)(options.DurationSeconds * freq);
        int patients0 = _patients.Count, observations0 = _observations.Count;

        Console.WriteLine();
        Console.WriteLine($"running {clients} clients: {options.WarmupSeconds:0.#} s warm-up + {options.DurationSeconds:0.#} s measured ...");
        var tasks = workers.Select(w => Task.Run(() => WorkerLoopAsync(w, measureStart, end, ct), CancellationToken.None)).ToArray();

        await DelayUntilAsync(measureStart, ct);
        var cpu0 = Environment.CpuUsage.TotalTime;
        int gc0 = GC.CollectionCount(0), gc2 = GC.CollectionCount(2);
        await DelayUntilAsync(end, ct);
        long measureEnd = ct.IsCancellationRequested ? Math.Min(Stopwatch.GetTimestamp(), end) : end;
        var cpu1 = Environment.CpuUsage.TotalTime;
        int gc0b = GC.CollectionCount(0), gc2b = GC.CollectionCount(2);
        await Task.WhenAll(tasks);

        var total = new WorkerStats();
        foreach (var w in workers) total.Add(w.Stats);
        double seconds = Math.Max(1e-3, (double)(measureEnd - measureStart) / freq);

        var (checkOk, checkTotal) = ct.IsCancellationRequested ? (0, 0) : await CheckSampleAsync(ct);
        total.VerifyFailures += checkTotal - checkOk;

        return new RunResult(clients, seconds, options.WarmupSeconds, total,
            ClientCpuCores: (cpu1 - cpu0).TotalSeconds / seconds,
            Gen0Collections: gc0b - gc0, Gen2Collections: gc2b - gc2,
            CheckOk: checkOk, CheckTotal: checkTotal,
            PatientsCreated: _patients.Count - patients0, ObservationsCreated: _observations.Count - observations0);
    }

    private async Task WorkerLoopAsync(Worker w, long measureStart, long end, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested && Stopwatch.GetTimestamp() < end)
            {
                var op = PickOp(w.Rnd);
                bool patient = w.Rnd.Next(2) == 0;
                var reply = op switch
                {
                    Op.Create => await CreateAsync(w, patient, w.Rnd.NextInt64(), patient ? null : _patients.Pick(w.Rnd).Id, ct),
                    Op.Read => await ReadAsync(w, patient, ct),
                    Op.Update => await UpdateAsync(w, patient, ct),
                    _ => await VreadAsync(w, patient, ct),
                };
                if (!reply.Ok) Errors.Note(Options.OpNames[(int)op], reply.Status, ErrorDetail(w, reply));
                if (reply.VerifyError is not null) Errors.Note("verify " + Options.OpNames[(int)op], reply.Status, reply.VerifyError);

                if (reply.CompletedAt < measureStart || reply.CompletedAt > end) continue;   // warm-up or overrun
                if (reply.Ok) w.Stats.Latency[(int)op].Record(reply.Ticks);
                else w.Stats.RecordError(op, reply.Status);
                if (reply.VerifyError is not null) w.Stats.VerifyFailures++;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    // ---- operations ------------------------------------------------------------------------

    private async ValueTask<Reply> CreateAsync(Worker w, bool patient, long seed, string? subjectId, CancellationToken ct)
    {
        string type = TypeName(patient);
        byte[] body = patient ? w.Writer.Patient(seed, null, 0) : w.Writer.Observation(seed, null, subjectId!, 0);
        var reply = await SendAsync(w, HttpMethod.Post, $"{_base}/{type}", body, ct);
        if (!reply.Ok) return reply;

        string? id = reply.Id, version = reply.Version;
        var (bodyType, bodyId, bodyVersion) = reply.Length > 0 && (id is null || version is null || w.Sample())
            ? Peek(w.Buffer.AsSpan(0, reply.Length))
            : default;
        id ??= bodyId;
        version ??= bodyVersion;
        if (id is null)
            return reply with { VerifyError = $"POST {type} -> {reply.Status} without an id in Location or body" };

        // Usable whatever else is wrong with the response: the server holds it.
        (patient ? _patients : _observations).Add(new PoolEntry(id, seed, subjectId, version ?? "1"));

        if (reply.Status != 201) return reply with { VerifyError = $"POST {type} -> {reply.Status}, expected 201" };
        if (version is null) return reply with { VerifyError = $"POST {type} -> 201 without a version (ETag, Location or meta.versionId)" };
        if (bodyId is not null && bodyId != id)
            return reply with { VerifyError = $"POST {type}: Location id '{id}' but body id '{bodyId}'" };
        if (bodyType is not null && bodyType != type)
            return reply with { VerifyError = $"POST {type}: body resourceType '{bodyType}'" };
        return reply;
    }

    private async ValueTask<Reply> ReadAsync(Worker w, bool patient, CancellationToken ct)
    {
        string type = TypeName(patient);
        var entry = (patient ? _patients : _observations).Pick(w.Rnd);
        var reply = await SendAsync(w, HttpMethod.Get, $"{_base}/{type}/{entry.Id}", null, ct);
        if (!reply.Ok || !w.Sample()) return reply;
        return reply with { VerifyError = CheckBody(w, reply, type, entry.Id, null) };
    }

    private async ValueTask<Reply> VreadAsync(Worker w, bool patient, CancellationToken ct)
    {
        string type = TypeName(patient);
        var entry = (patient ? _patients : _observations).Pick(w.Rnd);
        string version = w.Rnd.Next(2) == 0 ? entry.FirstVersion : entry.LatestVersion;
        var reply = await SendAsync(w, HttpMethod.Get, $"{_base}/{type}/{entry.Id}/_history/{version}", null, ct);
        if (!reply.Ok || !w.Sample()) return reply;
        return reply with { VerifyError = CheckBody(w, reply, type, entry.Id, version) };
    }

    private async ValueTask<Reply> UpdateAsync(Worker w, bool patient, CancellationToken ct)
    {
        string type = TypeName(patient);
        var entry = (patient ? _patients : _observations).Pick(w.Rnd);
        int revision = entry.NextRevision();
        byte[] body = patient
            ? w.Writer.Patient(entry.Seed, entry.Id, revision)
            : w.Writer.Observation(entry.Seed, entry.Id, entry.SubjectId!, revision);
        var reply = await SendAsync(w, HttpMethod.Put, $"{_base}/{type}/{entry.Id}", body, ct);
        if (!reply.Ok) return reply;

        string? version = reply.Version;
        var (bodyType, bodyId, bodyVersion) = reply.Length > 0 && (version is null || w.Sample())
            ? Peek(w.Buffer.AsSpan(0, reply.Length))
            : default;
        version ??= bodyVersion;
        if (version is not null) entry.LatestVersion = version;
        if (reply.Status != 200) return reply with { VerifyError = $"PUT {type}/{entry.Id} -> {reply.Status}, expected 200" };
        if (version is null) return reply with { VerifyError = $"PUT {type}/{entry.Id} -> 200 without a version (ETag or meta.versionId)" };
        if (bodyType is not null && (bodyType != type || bodyId != entry.Id))
            return reply with { VerifyError = $"PUT {type}/{entry.Id}: body is {bodyType}/{bodyId}" };
        return reply;
    }

    /// <summary>Read and vread (first version) of the newest resources of each type; (passed, checked).</summary>
    private async Task<(int Ok, int Total)> CheckSampleAsync(CancellationToken ct)
    {
        var w = new Worker(options.RandomSeed);
        int ok = 0, total = 0;
        foreach (bool patient in new[] { true, false })
        {
            string type = TypeName(patient);
            foreach (var entry in (patient ? _patients : _observations).Newest(CheckPerType))
            {
                total++;
                var read = await SendAsync(w, HttpMethod.Get, $"{_base}/{type}/{entry.Id}", null, ct);
                string? problem = read.Ok ? CheckBody(w, read, type, entry.Id, null) : $"GET {type}/{entry.Id} -> {Describe(w, read)}";
                if (problem is null)
                {
                    var vread = await SendAsync(w, HttpMethod.Get, $"{_base}/{type}/{entry.Id}/_history/{entry.FirstVersion}", null, ct);
                    problem = vread.Ok
                        ? CheckBody(w, vread, type, entry.Id, entry.FirstVersion)
                        : $"GET {type}/{entry.Id}/_history/{entry.FirstVersion} -> {Describe(w, vread)}";
                }
                if (problem is null) ok++;
                else Errors.Note("check", 0, problem);
            }
        }
        return (ok, total);
    }

    private static string? CheckBody(Worker w, Reply reply, string type, string id, string? version)
    {
        string what = version is null ? $"GET {type}/{id}" : $"GET {type}/{id}/_history/{version}";
        if (reply.Status != 200) return $"{what} -> {reply.Status}, expected 200";
        var (bodyType, bodyId, bodyVersion) = Peek(w.Buffer.AsSpan(0, reply.Length));
        if (bodyType != type) return $"{what}: resourceType '{bodyType}'";
        if (bodyId != id) return $"{what}: id '{bodyId}'";
        if (version is not null && bodyVersion != version) return $"{what}: meta.versionId '{bodyVersion}'";
        return null;
    }

    // ---- HTTP ------------------------------------------------------------------------------

    private async ValueTask<Reply> SendAsync(Worker w, HttpMethod method, string url, byte[]? body,
        CancellationToken ct, bool throwOnTimeout = true)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/fhir+json");
            if (_prefer is not null) request.Headers.TryAddWithoutValidation("Prefer", _prefer);
        }
        long t0 = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            string? id = null, version = null;
            if (body is not null) ParseVersionHeaders(response, out id, out version);
            int length = await ReadBodyAsync(w, response, ct);
            long t1 = Stopwatch.GetTimestamp();
            return new Reply((int)response.StatusCode, t1 - t0, t1, length, id, version, null);
        }
        catch (HttpRequestException e)
        {
            long t1 = Stopwatch.GetTimestamp();
            string message = e.InnerException is { } inner && !e.Message.Contains(inner.Message, StringComparison.Ordinal)
                ? $"{e.Message} ({inner.Message})"
                : e.Message;
            return new Reply(0, t1 - t0, t1, 0, null, null, message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested || !throwOnTimeout)
        {
            long t1 = Stopwatch.GetTimestamp();
            return new Reply(0, t1 - t0, t1, 0, null, null, $"no response within {(double)(t1 - t0) / Stopwatch.Frequency:F1} s");
        }
    }

    private static async ValueTask<int> ReadBodyAsync(Worker w, HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        int total = 0;
        while (true)
        {
            if (total == w.Buffer.Length)
            {
                var grown = new byte[w.Buffer.Length * 2];
                w.Buffer.AsSpan().CopyTo(grown);
                w.Buffer = grown;
            }
            int n = await stream.ReadAsync(w.Buffer.AsMemory(total), ct);
            if (n == 0) return total;
            total += n;
        }
    }

    /// <summary>Id from Location (…/Type/id/_history/v), version from ETag W/"v" or else from Location.</summary>
    private static void ParseVersionHeaders(HttpResponseMessage response, out string? id, out string? version)
    {
        id = version = null;
        if (response.Headers.NonValidated.TryGetValues("Location", out var loc) && loc.Count > 0)
        {
            string location = loc.ToString();
            int q = location.IndexOfAny(['?', '#']);
            if (q >= 0) location = location[..q];
            var parts = location.TrimEnd('/').Split('/');
            int h = Array.LastIndexOf(parts, "_history");
            if (h > 0)
            {
                id = parts[h - 1];
                if (h + 1 < parts.Length) version = parts[h + 1];
            }
            else if (parts.Length > 0)
            {
                id = parts[^1];
            }
        }
        if (response.Headers.NonValidated.TryGetValues("ETag", out var etag) && etag.Count > 0)
        {
            string tag = etag.ToString().Trim();
            if (tag.StartsWith("W/", StringComparison.Ordinal)) tag = tag[2..];
            tag = tag.Trim('"');
            if (tag.Length > 0) version = tag;
        }
    }

    /// <summary>Top-level resourceType, id and meta.versionId of a JSON resource; nulls when absent or unparsable.</summary>
    internal static (string? Type, string? Id, string? VersionId) Peek(ReadOnlySpan<byte> json)
    {
        string? type = null, id = null, version = null;
        try
        {
            var r = new Utf8JsonReader(json);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) return default;
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("resourceType"u8)) { r.Read(); type = r.GetString(); }
                else if (r.ValueTextEquals("id"u8)) { r.Read(); id = r.GetString(); }
                else if (r.ValueTextEquals("meta"u8) && r.Read() && r.TokenType == JsonTokenType.StartObject)
                {
                    while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                    {
                        bool isVersion = r.ValueTextEquals("versionId"u8);
                        r.Read();
                        if (isVersion) version = r.GetString();
                        else r.Skip();
                    }
                }
                else
                {
                    r.Read();
                    r.Skip();
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
        }
        return (type, id, version);
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static string TypeName(bool patient) => patient ? "Patient" : "Observation";

    private static string ErrorDetail(Worker w, Reply reply) =>
        reply.Status == 0
            ? reply.Error ?? "transport error"
            : reply.Length == 0 ? "(empty body)" : Encoding.UTF8.GetString(w.Buffer, 0, Math.Min(reply.Length, 600));

    private static string Describe(Worker w, Reply reply) =>
        reply.Status == 0 ? reply.Error ?? "transport error" : $"{reply.Status}: {ErrorDetail(w, reply)}";

    private Op PickOp(Random rnd)
    {
        int x = rnd.Next(_cumulative[^1]);
        int op = 0;
        while (x >= _cumulative[op]) op++;
        return (Op)op;
    }

    private static int[] CumulativeWeights(int[] mix)
    {
        var c = new int[mix.Length];
        for (int i = 0, sum = 0; i < mix.Length; i++) c[i] = sum += mix[i];
        return c;
    }

    private static long Mix64(int a, long b)
    {
        ulong z = ((ulong)(uint)a << 32) ^ (ulong)b ^ 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (long)(z ^ (z >> 31));
    }

    private static async Task DelayUntilAsync(long timestamp, CancellationToken ct)
    {
        long remaining = timestamp - Stopwatch.GetTimestamp();
        if (remaining <= 0) return;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency), ct);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
