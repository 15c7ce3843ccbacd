using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Fhir.Cli.Remote;

namespace Fhir.Cli.Import;

/// <summary>
/// <c>fhir import --server-import</c>: NDJSON files go to the server's <c>$import</c> (one asynchronous job each, the file
/// as the body), where they are checked on every core and stored in large transactions, instead of being posted in batch
/// Bundles. Every file is sent first, then each job is followed through its status URL (its <c>X-Progress</c> feeds the
/// progress bar); the rejected lines come back in the jobs' error files and go to the same report as in batch mode. The
/// state file records each job and each file done, so that running the command again follows jobs still running and
/// sends nothing twice. Other files (Bundles, single resources) are imported in batches as usual.
/// </summary>
internal static partial class ServerImportRunner
{
    private static readonly MediaTypeHeaderValue Ndjson = new("application/fhir+ndjson");

    /// <summary>True for the files this mode sends to <c>$import</c>.</summary>
    public static bool IsNdjson(string file) =>
        file.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase) || file.EndsWith(".ndjson.gz", StringComparison.OrdinalIgnoreCase)
        || file.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);

    public static async Task<ImportSummary> RunAsync(ImportSettings settings, ServerConnection server, ImportProgress progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var files = settings.Files.Where(IsNdjson).ToList();
        var others = settings.Files.Where(f => !IsNdjson(f)).ToList();
        long accepted = 0, rejected = 0, skipped = 0;
        if (others.Count > 0)
        {
            // Bundles need the server's reference resolution: posted as they are, as in batch mode.
            var rest = await ImportRunner.RunAsync(settings with { Files = others }, server, progress, cancellationToken).ConfigureAwait(false);
            (accepted, rejected, skipped) = (rest.Accepted, rest.Rejected, rest.Skipped);
        }
        using var state = ImportState.Open(settings.StatePath, server.BaseUrl.ToString(), settings.Restart && others.Count == 0);
        using var report = new ImportReport(settings.ReportPath);
        var jobs = new List<(string File, string Key, string Status)>();
        foreach (var file in files)
        {
            var key = Key(file);
            if (state.IsDone(key))
            {
                progress.AddBytes(new FileInfo(file).Length);
                continue;
            }
            var status = state.Job(key) ?? await StartAsync(server, file, cancellationToken).ConfigureAwait(false);
            state.RecordJob(key, status);
            jobs.Add((file, key, status));
        }
        foreach (var (file, key, status) in jobs)
        {
            var manifest = await FollowAsync(server, status, progress, cancellationToken).ConfigureAwait(false);
            if (manifest is null)
            {
                // The server no longer knows the job (deleted, or expired before this run): send the file again.
                var again = await StartAsync(server, file, cancellationToken).ConfigureAwait(false);
                state.RecordJob(key, again);
                manifest = await FollowAsync(server, again, progress, cancellationToken).ConfigureAwait(false)
                    ?? throw new RemoteException($"The server lost the import job of {file} ({again}).");
            }
            foreach (var error in manifest["error"]?.AsArray() ?? [])
            {
                await ReportAsync(server, file, error!["url"]!.GetValue<string>(), report, cancellationToken).ConfigureAwait(false);
            }
            accepted += manifest["output"]?.AsArray().Sum(o => o!["count"]!.GetValue<long>()) ?? 0;
            rejected += manifest["error"]?.AsArray().Sum(o => o!["count"]!.GetValue<long>()) ?? 0;
            progress.AddBytes(new FileInfo(file).Length);
            state.RecordDone(key);
        }
        return new ImportSummary(accepted, rejected, skipped, clock.Elapsed);
    }

    // A file is the same input while its length is: a changed file is sent again.
    private static string Key(string file) => string.Create(CultureInfo.InvariantCulture, $"$import:{System.IO.Path.GetFullPath(file)}:{new FileInfo(file).Length}");

    private static async Task<string> StartAsync(ServerConnection server, string file, CancellationToken cancellationToken)
    {
        using var response = await server.SendAsync(() =>
        {
            Stream body = File.OpenRead(file);
            if (file.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                body = new GZipStream(body, CompressionMode.Decompress);
            }
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseUrl, "$import")) { Content = new StreamContent(body, 1 << 16) };
            request.Content.Headers.ContentType = Ndjson;
            request.Headers.TryAddWithoutValidation("Prefer", "respond-async");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
            return request;
        }, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted || response.Content.Headers.ContentLocation is not { } location)
        {
            throw new RemoteException($"The server did not accept {file} for $import ({(int)response.StatusCode}): {ServerConnection.Shorten(text)}");
        }
        return location.ToString();
    }

    // Polls as the server asks (Retry-After), passing its progress on; the manifest once done, null when the job is unknown.
    private static async Task<JsonNode?> FollowAsync(ServerConnection server, string status, ImportProgress progress, CancellationToken cancellationToken)
    {
        long stored = 0, refused = 0;
        while (true)
        {
            using var response = await server.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, status), cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    var manifest = JsonNode.Parse(text)!;
                    progress.AddAccepted((manifest["output"]?.AsArray().Sum(o => o!["count"]!.GetValue<long>()) ?? 0) - stored);
                    progress.AddRejected((manifest["error"]?.AsArray().Sum(o => o!["count"]!.GetValue<long>()) ?? 0) - refused);
                    return manifest;
                case HttpStatusCode.NotFound:
                    return null;
                case HttpStatusCode.Accepted:
                    if (response.Headers.TryGetValues("X-Progress", out var values) && Counts().Match(values.First()) is { Success: true } match)
                    {
                        var nowStored = long.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                        var nowRefused = long.Parse(match.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                        progress.AddAccepted(nowStored - stored);
                        progress.AddRejected(nowRefused - refused);
                        (stored, refused) = (nowStored, nowRefused);
                    }
                    var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                    await Task.Delay(wait > TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : wait, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new RemoteException($"The import job {status} failed ({(int)response.StatusCode}): {ServerConnection.Shorten(text)}");
            }
        }
    }

    // The job's error file: one OperationOutcome per rejected line, whose first issue names the line.
    private static async Task ReportAsync(ServerConnection server, string file, string url, ImportReport report, CancellationToken cancellationToken)
    {
        using var response = await server.SendAsync(() => new HttpRequestMessage(HttpMethod.Get, url), cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new RemoteException($"The report of rejected resources {url} could not be read ({(int)response.StatusCode}).");
        }
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var outcome = JsonNode.Parse(line);
            var diagnostics = outcome?["issue"]?[0]?["diagnostics"]?.GetValue<string>() ?? "";
            var where = LineOf().Match(diagnostics);
            var number = where.Success ? long.Parse(where.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            var status = where.Success ? where.Groups[2].Value : null;
            var reason = diagnostics.IndexOf("): ", StringComparison.Ordinal) is var at and >= 0 ? diagnostics[(at + 3)..] : diagnostics;
            report.Add(new Rejection(file, number, null, null, reason, outcome, status));
        }
    }

    [GeneratedRegex(@"^([\d,]+) stored, ([\d,]+) rejected")]
    private static partial Regex Counts();

    [GeneratedRegex(@"^line (\d+) of .* \(HTTP (\d{3})\)")]
    private static partial Regex LineOf();
}
