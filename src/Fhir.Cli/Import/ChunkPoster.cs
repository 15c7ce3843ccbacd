using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Fhir.Cli.Remote;

namespace Fhir.Cli.Import;

/// <summary>
/// Posts one chunk to the server's base (<c>POST [base]</c>) and reads what became of each entry. Resources with an id
/// are sent as <c>PUT Type/id</c> (a resend updates rather than duplicates), others as <c>POST Type</c>. Busy or failing
/// servers (429, 5xx, dropped connections) are retried with backoff, honouring <c>Retry-After</c>; a server that keeps
/// failing, or refuses the credentials, stops the import (what was settled stays in the state file).
/// </summary>
internal sealed class ChunkPoster(ServerConnection server, int attempts = 5)
{
    private static readonly MediaTypeHeaderValue FhirJson = new("application/fhir+json");

    /// <summary>Sends the entries <paramref name="indexes"/> of <paramref name="chunk"/> (all of a Bundle posted as it is).</summary>
    public async Task<ChunkOutcome> PostAsync(ImportChunk chunk, IReadOnlyList<int> indexes, CancellationToken cancellationToken)
    {
        var body = chunk.Body ?? BatchBundle(chunk, indexes);
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await server.SendAsync(() => new HttpRequestMessage(HttpMethod.Post, server.BaseUrl)
                {
                    Content = new ByteArrayContent(body) { Headers = { ContentType = FhirJson } },
                    Headers = { Accept = { new MediaTypeWithQualityHeaderValue("application/fhir+json") } },
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                if (attempt >= attempts)
                {
                    throw new RemoteException($"The server at {server.BaseUrl} did not answer ({e.Message}); run the same command again to resume.", e);
                }
                await Task.Delay(Backoff(attempt, null), cancellationToken).ConfigureAwait(false);
                continue;
            }
            using (response)
            {
                var status = (int)response.StatusCode;
                if ((status == 429 || status >= 500) && attempt < attempts)
                {
                    await Task.Delay(Backoff(attempt, response.Headers.RetryAfter), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (status is 401 or 403)
                {
                    throw new RemoteException($"The server refused the import ({status}): {Reason(Parse(text)) ?? ServerConnection.Shorten(text)}");
                }
                if (status == 429 || status >= 500)
                {
                    throw new RemoteException($"The server kept failing ({status}: {ServerConnection.Shorten(text)}); run the same command again to resume.");
                }
                return Read(chunk, indexes, response.IsSuccessStatusCode, status, Parse(text));
            }
        }
    }

    private static TimeSpan Backoff(int attempt, RetryConditionHeaderValue? retryAfter) =>
        retryAfter?.Delta is { } delta ? delta
        : retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow
        : TimeSpan.FromMilliseconds(250 * Math.Pow(2, attempt - 1));

    private static ChunkOutcome Read(ImportChunk chunk, IReadOnlyList<int> indexes, bool success, int status, JsonNode? body)
    {
        var outcome = new ChunkOutcome();
        var entries = success ? body?["entry"] as JsonArray : null;
        if (entries is null || entries.Count != indexes.Count)
        {
            // The whole Bundle was refused (a failed transaction, a Bundle too large...): every entry with the server's outcome.
            var reason = success ? "the server's response did not list one result per entry" : Reason(body) ?? $"HTTP {status}";
            foreach (var index in indexes)
            {
                outcome.Rejected.Add((index, Rejection(chunk, index, status.ToString(System.Globalization.CultureInfo.InvariantCulture), reason, success ? null : body)));
            }
            return outcome;
        }
        for (var i = 0; i < indexes.Count; i++)
        {
            var response = entries[i]?["response"];
            var entryStatus = response?["status"]?.GetValue<string>() ?? "";
            if (entryStatus.StartsWith('2'))
            {
                outcome.Accepted.Add(indexes[i]);
            }
            else
            {
                var entryOutcome = response?["outcome"];
                outcome.Rejected.Add((indexes[i], Rejection(chunk, indexes[i], entryStatus, Reason(entryOutcome) ?? $"status {entryStatus}", entryOutcome)));
            }
        }
        return outcome;
    }

    private static Rejection Rejection(ImportChunk chunk, int index, string status, string reason, JsonNode? outcome)
    {
        var entry = chunk.Entries[index];
        return new Rejection(chunk.File, entry.Line, entry.ResourceType, entry.Id, reason, outcome, status);
    }

    private static string? Reason(JsonNode? outcome) =>
        outcome?["issue"] is JsonArray { Count: > 0 } issues
            ? string.Join("; ", issues.Take(3).Select(i => $"{i?["diagnostics"]?.GetValue<string>() ?? i?["details"]?["text"]?.GetValue<string>()}{(i?["expression"]?[0] is { } at ? $" ({at})" : "")}"))
            : null;

    private static JsonNode? Parse(string text)
    {
        try
        {
            return text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A batch Bundle of the chosen entries, their JSON copied in as it is (it was checked to be well-formed).</summary>
    internal static byte[] BatchBundle(ImportChunk chunk, IReadOnlyList<int> indexes)
    {
        var buffer = new ArrayBufferWriter<byte>(indexes.Sum(i => chunk.Entries[i].Json.Length) + 128 * indexes.Count + 64);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            json.WriteStartObject();
            json.WriteString("resourceType", "Bundle");
            json.WriteString("type", "batch");
            json.WriteStartArray("entry");
            foreach (var index in indexes)
            {
                var entry = chunk.Entries[index];
                json.WriteStartObject();
                json.WritePropertyName("resource");
                json.WriteRawValue(entry.Json.Span, skipInputValidation: true);
                json.WriteStartObject("request");
                json.WriteString("method", entry.Id is null ? "POST" : "PUT");
                json.WriteString("url", entry.Id is null ? entry.ResourceType : $"{entry.ResourceType}/{Uri.EscapeDataString(entry.Id)}");
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>What became of a chunk's entries: accepted indexes, and rejections with their index.</summary>
internal sealed class ChunkOutcome
{
    public List<int> Accepted { get; } = [];

    public List<(int Index, Rejection Rejection)> Rejected { get; } = [];
}
