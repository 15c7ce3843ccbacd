using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Fhir.Views.Input;

/// <summary>
/// Resources from files: NDJSON (<c>.ndjson</c>, <c>.jsonl</c>, optionally <c>.gz</c>, as a Bulk Data <c>$export</c> writes
/// them: <c>Patient.ndjson</c>, <c>Observation.001.ndjson</c>), JSON resources and Bundles (<c>.json</c>, each entry's
/// resource). A Bundle entry's resource without an id takes the one of its <c>urn:uuid:</c> full URL, so that references
/// between the entries of a transaction keep pointing at their targets.
/// </summary>
public static class ResourceFiles
{
    /// <summary>
    /// The files to read under <paramref name="paths"/> (files as given, folders searched recursively, in name order).
    /// With <paramref name="resourceType"/>, files named after another resource type (<c>Observation.ndjson</c> for a
    /// Patient view) are left out without being read.
    /// </summary>
    /// <exception cref="FileNotFoundException">A path is neither a file nor a folder.</exception>
    public static IReadOnlyList<string> Find(IEnumerable<string> paths, string? resourceType = null)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                files.Add(path);
            }
            else if (Directory.Exists(path))
            {
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(IsResourceFile)
                    .Where(f => resourceType is null || NamedType(f) is not { } named || named == resourceType)
                    .Order(StringComparer.Ordinal));
            }
            else
            {
                throw new FileNotFoundException($"No such file or folder: {path}", path);
            }
        }
        return files;
    }

    /// <summary>True for the files <see cref="Find"/> reads in a folder.</summary>
    public static bool IsResourceFile(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        return !name.StartsWith('.') && (IsNdjson(path) || name.EndsWith(".json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>True for NDJSON files (by extension).</summary>
    public static bool IsNdjson(string path)
    {
        var name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        return name.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The resource type a Bulk Data file is named after (<c>Observation.002.ndjson</c> → Observation), or null.</summary>
    public static string? NamedType(string path)
    {
        var name = System.IO.Path.GetFileName(path);
        var stop = 0;
        while (stop < name.Length && char.IsAsciiLetter(name[stop]))
        {
            stop++;
        }
        return stop > 0 && char.IsAsciiLetterUpper(name[0]) && stop < name.Length && name[stop] is '.' or '_' or '-'
            && Fhir.Core.Definitions.FhirDefinitions.R4.IsResourceType(name[..stop]) ? name[..stop] : null;
    }

    /// <summary>
    /// The resources of the files, as UTF-8 JSON, in file order. An item's memory is valid until the next is asked for.
    /// A JSON file that cannot be read gives its bytes as they are (the reader of the resource reports it).
    /// </summary>
    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAsync(
        IReadOnlyList<string> files, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var file in files)
        {
            if (IsNdjson(file))
            {
                await using var stream = NdjsonReader.Open(file);
                await foreach (var (line, _) in NdjsonReader.ReadLinesAsync(stream, cancellationToken).ConfigureAwait(false))
                {
                    yield return line;
                }
                continue;
            }
            var bytes = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
            foreach (var resource in JsonResources(bytes))
            {
                yield return resource;
            }
        }
    }

    /// <summary>The resources of one JSON document: a Bundle's entries (recursively), or the document itself.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> JsonResources(ReadOnlyMemory<byte> json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException)
        {
            return [json];
        }
        using (document)
        {
            var resources = new List<ReadOnlyMemory<byte>>();
            Collect(document.RootElement, null, resources);
            return resources;
        }
    }

    private static void Collect(JsonElement resource, string? fullUrl, List<ReadOnlyMemory<byte>> into)
    {
        if (resource.ValueKind == JsonValueKind.Object
            && resource.TryGetProperty("resourceType", out var type) && type.ValueEquals("Bundle")
            && resource.TryGetProperty("entry", out var entries) && entries.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in entries.EnumerateArray())
            {
                if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("resource", out var inner))
                {
                    var url = entry.TryGetProperty("fullUrl", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
                    Collect(inner, url, into);
                }
            }
            return;
        }
        var raw = JsonMarshal.GetRawUtf8Value(resource);
        if (fullUrl is not null && fullUrl.StartsWith("urn:uuid:", StringComparison.Ordinal)
            && resource.ValueKind == JsonValueKind.Object && !resource.TryGetProperty("id", out _))
        {
            into.Add(WithId(raw, fullUrl["urn:uuid:".Length..]));
            return;
        }
        into.Add(raw.ToArray());
    }

    /// <summary>The object with <c>"id"</c> added as its first property.</summary>
    private static byte[] WithId(ReadOnlySpan<byte> json, string id)
    {
        var open = json.IndexOf((byte)'{');
        var property = Encoding.UTF8.GetBytes($"\"id\":{JsonSerializer.Serialize(id)},");
        var result = new byte[json.Length + property.Length];
        json[..(open + 1)].CopyTo(result);
        property.CopyTo(result.AsSpan(open + 1));
        json[(open + 1)..].CopyTo(result.AsSpan(open + 1 + property.Length));
        return result;
    }
}
