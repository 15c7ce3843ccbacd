using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Fhir.Bench.Search;

/// <summary>
/// Posts copies of the Synthea population until the target count or the time limit. Copies are
/// handed out in order; within a copy the shared batches (organizations, locations,
/// practitioners) go first because the patient bundles reference them conditionally, and the
/// patient bundles of a copy wait for them. Several copies are in flight at once.
/// </summary>
internal sealed class Loader(HttpClient http, SyntheaCopies data, int clients)
{
    private const string FhirJson = "application/fhir+json";
    private long _resources;
    private long _failedEntries;

    public sealed record Result(int Copies, long Resources, long FailedEntries, TimeSpan Elapsed);

    public async Task<Result> LoadAsync(long target, TimeSpan limit, int firstCopy)
    {
        var clock = Stopwatch.StartNew();
        var jobs = new List<(int Copy, int Patient)>();
        var perCopy = data.Patients.Count;
        var gates = new Dictionary<int, TaskCompletionSource>();
        var nextJob = -1; // the last job handed out
        var copiesStarted = 0;
        var sync = new object();
        var progress = Stopwatch.StartNew();

        // A job is (copy, -1) for the shared batches or (copy, patient index); the list grows a
        // copy at a time while the target is not yet reached by what is queued.
        bool TryTake(out (int Copy, int Patient) job)
        {
            lock (sync)
            {
                if (nextJob + 1 == jobs.Count)
                {
                    var estimate = (long)copiesStarted * EstimatedPerCopy;
                    if (estimate >= target || clock.Elapsed > limit) { job = default; return false; }
                    var copy = firstCopy + copiesStarted++;
                    gates[copy] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    jobs.Add((copy, -1));
                    for (var p = 0; p < perCopy; p++) jobs.Add((copy, p));
                }
                job = jobs[++nextJob];
                return true;
            }
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            while (TryTake(out var job))
            {
                if (job.Patient < 0)
                {
                    try
                    {
                        foreach (var bundle in data.Shared) await PostAsync(SyntheaCopies.Rewrite(bundle, job.Copy, -1));
                        gates[job.Copy].SetResult();
                    }
                    catch (Exception e) { gates[job.Copy].SetException(e); throw; }
                }
                else
                {
                    TaskCompletionSource gate;
                    lock (sync) gate = gates[job.Copy];
                    await gate.Task;
                    await PostAsync(SyntheaCopies.Rewrite(data.Patients[job.Patient], job.Copy, job.Patient));
                }
                if (progress.Elapsed.TotalSeconds >= 30)
                {
                    lock (sync)
                    {
                        if (progress.Elapsed.TotalSeconds >= 30)
                        {
                            progress.Restart();
                            var n = Interlocked.Read(ref _resources);
                            Console.WriteLine($"  {clock.Elapsed.TotalSeconds,6:F0} s: {n:N0} resources ({n / clock.Elapsed.TotalSeconds:N0}/s), copy {job.Copy}");
                        }
                    }
                }
            }
        })));
        return new Result(copiesStarted, _resources, _failedEntries, clock.Elapsed);
    }

    /// <summary>Resources per copy (31 patients with their records, the shared batches, the MDM2 Observations): sizes the queue.</summary>
    public int EstimatedPerCopy { get; set; } = 21_964;

    private async Task PostAsync((string Json, int Entries) bundle)
    {
        using var response = await http.PostAsync("", new StringContent(bundle.Json, Encoding.UTF8, FhirJson));
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"Bundle rejected: {(int)response.StatusCode} {body[..Math.Min(body.Length, 2000)]}");
        // A batch answers 200 even when entries fail: count the entries' own statuses.
        using var doc = JsonDocument.Parse(body);
        var ok = 0;
        foreach (var entry in doc.RootElement.GetProperty("entry").EnumerateArray())
        {
            var status = entry.TryGetProperty("response", out var r) && r.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "";
            if (status.StartsWith('2')) ok++;
            else if (Interlocked.Increment(ref _failedEntries) <= 3) Console.WriteLine($"  entry failed: {entry.GetRawText()[..Math.Min(entry.GetRawText().Length, 1500)]}");
        }
        Interlocked.Add(ref _resources, ok);
    }
}
