using System.Diagnostics;
using System.Net;

namespace Fhir.Bench;

/// <summary>Waits for a Fhir.Server started as a child process to answer.</summary>
internal static class ServerReady
{
    /// <summary>
    /// Returns once <paramref name="metadata"/> answers 200; throws when the process exits first (naming
    /// <paramref name="log"/>) or after two minutes.
    /// </summary>
    public static async Task WaitAsync(Process process, Uri metadata, string log)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {process.ExitCode}; see {log}.");
            }
            try
            {
                using var response = await http.GetAsync(metadata);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The server did not answer {metadata} within 120 s; see {log}.");
    }
}
