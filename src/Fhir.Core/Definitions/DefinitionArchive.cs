using System.IO.Compression;
using System.Text.Json;

namespace Fhir.Core.Definitions;

/// <summary>
/// A zip of conformance resources (one JSON file each) with an <c>index.json</c> describing them,
/// as written by <c>scripts/update-definitions.py</c>. Entries are inflated on demand.
/// </summary>
internal sealed class DefinitionArchive
{
    private readonly ZipArchive _zip;
    private readonly Lock _gate = new(); // ZipArchive is not safe for concurrent reads

    public DefinitionArchive(Stream stream)
    {
        _zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: false);
        Entries = ReadIndex(ReadBytes("index.json"));
    }

    public IReadOnlyList<ConformanceEntry> Entries { get; }

    public static DefinitionArchive OpenEmbeddedR4()
    {
        var stream = typeof(DefinitionArchive).Assembly.GetManifestResourceStream("r4-definitions.zip")
            ?? throw new InvalidOperationException("The embedded R4 definitions (r4-definitions.zip) are missing from Fhir.Core.");
        return new DefinitionArchive(stream);
    }

    public byte[] ReadBytes(string file)
    {
        lock (_gate)
        {
            var entry = _zip.GetEntry(file) ?? throw new FileNotFoundException($"'{file}' is not in the definition archive.");
            using var input = entry.Open();
            var bytes = new byte[entry.Length];
            input.ReadExactly(bytes);
            return bytes;
        }
    }

    private static List<ConformanceEntry> ReadIndex(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        var entries = new List<ConformanceEntry>(doc.RootElement.GetArrayLength());
        foreach (var row in doc.RootElement.EnumerateArray())
        {
            entries.Add(new ConformanceEntry(
                File: row.GetProperty("file").GetString()!,
                ResourceType: row.GetProperty("resourceType").GetString()!,
                Id: row.GetProperty("id").GetString()!,
                Url: Text(row, "url"),
                Version: Text(row, "version"),
                Name: Text(row, "name"),
                Type: Text(row, "type"),
                Kind: Text(row, "kind"),
                Derivation: Text(row, "derivation"),
                BaseDefinition: Text(row, "baseDefinition"),
                IsAbstract: row.TryGetProperty("abstract", out var a) && a.ValueKind == JsonValueKind.True,
                Code: Text(row, "code"),
                Base: row.TryGetProperty("base", out var b) && b.ValueKind == JsonValueKind.Array
                    ? [.. b.EnumerateArray().Select(x => x.GetString()!)]
                    : []));
        }
        return entries;
    }

    private static string? Text(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
