using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Fhir.Bench.Trials;

/// <summary>Timing helpers: one HTTP call, a percentile, loading bundles.</summary>
internal static class Measure
{
    /// <summary>GET <paramref name="url"/>, returning the milliseconds until the whole body was read, and the body.</summary>
    public static async Task<(double Ms, byte[] Body)> CallAsync(HttpClient http, string url)
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

    /// <summary>Nearest-rank percentile (0 for no values).</summary>
    public static double Percentile(IReadOnlyCollection<double> values, int p)
    {
        if (values.Count == 0)
        {
            return 0;
        }
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public static string Ms(double value) => value.ToString(value < 10 ? "F1" : "F0", CultureInfo.InvariantCulture);

    /// <summary>POSTs a transaction Bundle; throws unless it answers 200.</summary>
    public static async Task<byte[]> PostBundleAsync(HttpClient http, byte[] json)
    {
        using var content = new ByteArrayContent(json);
        content.Headers.ContentType = new("application/fhir+json");
        using var response = await http.PostAsync("", content);
        var body = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Loading a bundle failed: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)[..Math.Min(2000, body.Length)]}");
        }
        return body;
    }

    /// <summary>Loads the first bundle alone (it creates what the others refer to), then the rest from <paramref name="clients"/> concurrent clients.</summary>
    public static async Task<(byte[] FirstResponse, TimeSpan Elapsed)> LoadAsync(HttpClient http, IReadOnlyList<byte[]> bundles, int clients)
    {
        var watch = Stopwatch.StartNew();
        var first = await PostBundleAsync(http, bundles[0]);
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < bundles.Count)
            {
                await PostBundleAsync(http, bundles[b]);
            }
        }));
        return (first, watch.Elapsed);
    }

    /// <summary>
    /// PostgreSQL: statistics for the planner right after a bulk load (autovacuum would gather them a little later; a
    /// "cold" call before that measures the missing statistics, not the server). SQLite: nothing.
    /// </summary>
    public static async Task AnalyzeAsync(string provider, string connection)
    {
        if (provider != "Postgres")
        {
            return;
        }
        await using var db = new Npgsql.NpgsqlConnection(connection);
        await db.OpenAsync();
        await using var analyze = new Npgsql.NpgsqlCommand("ANALYZE", db) { CommandTimeout = 0 };
        await analyze.ExecuteNonQueryAsync();
    }

    /// <summary>The logical ids of the resources of <paramref name="type"/> a transaction-response created, in entry order.</summary>
    public static List<string> Created(byte[] transactionResponse, string type)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(transactionResponse);
        var ids = new List<string>();
        foreach (var entry in doc.RootElement.GetProperty("entry").EnumerateArray())
        {
            if (entry.GetProperty("response").TryGetProperty("location", out var location)
                && location.GetString() is { } text && text.StartsWith(type + "/", StringComparison.Ordinal))
            {
                ids.Add(text.Split('/')[1]);
            }
        }
        return ids;
    }
}
