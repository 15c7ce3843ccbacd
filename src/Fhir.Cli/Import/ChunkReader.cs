using System.Runtime.CompilerServices;
using System.Text.Json;
using Fhir.Views.Input;

namespace Fhir.Cli.Import;

/// <summary>
/// Cuts the input files into chunks, in file order and flat memory: NDJSON lines into batches of <c>batchSize</c>; a
/// transaction or batch Bundle file into one chunk posted as it is; another Bundle's entries or a single resource into
/// batches. Lines that are not a JSON object with a resourceType travel with their chunk as <see cref="ImportChunk.Unreadable"/>.
/// </summary>
internal sealed class ChunkReader(int batchSize)
{
    public async IAsyncEnumerable<ImportChunk> ReadAsync(IReadOnlyList<string> files, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var file in files)
        {
            if (ResourceFiles.IsNdjson(file))
            {
                await foreach (var chunk in ReadNdjsonAsync(file, cancellationToken).ConfigureAwait(false))
                {
                    yield return chunk;
                }
            }
            else
            {
                foreach (var chunk in ReadJson(file, await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false)))
                {
                    yield return chunk;
                }
            }
        }
    }

    private async IAsyncEnumerable<ImportChunk> ReadNdjsonAsync(string file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var entries = new List<ImportEntry>(batchSize);
        var unreadable = new List<Rejection>();
        long bytes = 0;
        await using var stream = NdjsonReader.Open(file);
        await foreach (var (line, number) in NdjsonReader.ReadLinesAsync(stream, cancellationToken).ConfigureAwait(false))
        {
            bytes += line.Length + 1;
            if (Describe(line.Span) is not { } described)
            {
                unreadable.Add(new Rejection(file, number, null, null, "not a JSON object with a resourceType", null));
                continue;
            }
            entries.Add(new ImportEntry(number, described.Type, described.Id, line.ToArray()));
            if (entries.Count == batchSize)
            {
                yield return Batch(file, entries, bytes, unreadable);
                entries = new List<ImportEntry>(batchSize);
                unreadable = [];
                bytes = 0;
            }
        }
        if (entries.Count > 0 || unreadable.Count > 0)
        {
            yield return Batch(file, entries, bytes, unreadable);
        }
    }

    private IEnumerable<ImportChunk> ReadJson(string file, byte[] json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            return [new ImportChunk(Key(file), file, [], Transaction: false, json.Length)
            {
                Unreadable = [new Rejection(file, 0, null, null, $"not well-formed JSON: {e.Message}", null)],
            }];
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String)
            {
                return [new ImportChunk(Key(file), file, [], Transaction: false, json.Length)
                {
                    Unreadable = [new Rejection(file, 0, null, null, "not a JSON object with a resourceType", null)],
                }];
            }
            var bundleType = type.ValueEquals("Bundle") && root.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (bundleType is "transaction" or "batch")
            {
                // Posted as written: its references between entries and conditional references are the server's to resolve.
                var entries = new List<ImportEntry>();
                if (root.TryGetProperty("entry", out var items) && items.ValueKind == JsonValueKind.Array)
                {
                    var index = 0;
                    foreach (var entry in items.EnumerateArray())
                    {
                        var resource = entry.TryGetProperty("resource", out var r) ? r : default;
                        entries.Add(new ImportEntry(index++, resource.ValueKind == JsonValueKind.Object && resource.TryGetProperty("resourceType", out var rt) ? rt.GetString() ?? "" : "",
                            resource.ValueKind == JsonValueKind.Object && resource.TryGetProperty("id", out var id) ? id.GetString() : null, ReadOnlyMemory<byte>.Empty));
                    }
                }
                return [new ImportChunk(Key(file), file, entries, Transaction: bundleType == "transaction", json.Length, json)];
            }
            var resources = ResourceFiles.JsonResources(json).ToList();
            var chunks = new List<ImportChunk>();
            for (var start = 0; start < resources.Count; start += batchSize)
            {
                var batch = new List<ImportEntry>();
                var unreadable = new List<Rejection>();
                for (var i = start; i < Math.Min(resources.Count, start + batchSize); i++)
                {
                    if (Describe(resources[i].Span) is { } described)
                    {
                        batch.Add(new ImportEntry(i, described.Type, described.Id, resources[i]));
                    }
                    else
                    {
                        unreadable.Add(new Rejection(file, i, null, null, "not a JSON object with a resourceType", null));
                    }
                }
                chunks.Add(Batch(file, batch, start == 0 ? json.Length : 0, unreadable));
            }
            return chunks;
        }
    }

    /// <summary>A batch of a file; its key names the file with its length, so that a changed file is not taken for the one a state file speaks of.</summary>
    private static ImportChunk Batch(string file, List<ImportEntry> entries, long bytes, List<Rejection> unreadable) =>
        new($"{Key(file)}:{(entries.Count == 0 ? unreadable[0].Line : entries[0].Line)}+{entries.Count}", file, entries, Transaction: false, bytes)
        {
            Unreadable = unreadable,
        };

    private static string Key(string file) => $"{file}@{new FileInfo(file).Length}";

    /// <summary>The type and id of a resource, reading the whole object to be sure it is well-formed JSON; null when it is not a resource.</summary>
    internal static (string Type, string? Id)? Describe(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        string? type = null, id = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("resourceType"u8);
                var isId = reader.ValueTextEquals("id"u8);
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && (isType || isId))
                {
                    if (isType)
                    {
                        type = reader.GetString();
                    }
                    else
                    {
                        id = reader.GetString();
                    }
                }
                reader.Skip();
            }
            if (reader.Read())
            {
                return null; // something after the object
            }
        }
        catch (JsonException)
        {
            return null;
        }
        return string.IsNullOrEmpty(type) ? null : (type, string.IsNullOrEmpty(id) ? null : id);
    }
}
