using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Fhir.Bench.Views;

/// <summary>
/// The benchmark's input, made once from the Synthea bundles in the shared suites: every copy of the 21,933 resources
/// gets its copy number in its ids and <c>urn:uuid</c> references (<c>c0007-…</c>), and is written as Bulk Data NDJSON
/// (<c>Observation.000.ndjson</c>, 100,000 lines a file) until <c>target</c> resources of the chosen types are written.
/// </summary>
internal static class BenchData
{
    private const int LinesPerFile = 100_000;

    public static List<(string Type, string Json)> ReadSynthea(string folder)
    {
        var resources = new List<(string, string)>();
        foreach (var file in Directory.GetFiles(folder, "*.json").Where(f => !System.IO.Path.GetFileName(f).StartsWith('_')).Order(StringComparer.Ordinal))
        {
            using var bundle = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var entry in bundle.RootElement.GetProperty("entry").EnumerateArray())
            {
                var resource = entry.GetProperty("resource");
                var json = resource.GetRawText();
                // The bundles' entries have no ids of their own: their urn:uuid is the id.
                if (!resource.TryGetProperty("id", out _) && entry.TryGetProperty("fullUrl", out var url) && url.GetString() is { } u && u.StartsWith("urn:uuid:", StringComparison.Ordinal))
                {
                    json = "{\"id\":\"" + u[9..] + "\"," + json.TrimStart()[1..];
                }
                resources.Add((resource.GetProperty("resourceType").GetString()!, Compact(json)));
            }
        }
        return resources;
    }

    /// <summary>Writes copies of <paramref name="resources"/> of <paramref name="types"/> (all when null) until <paramref name="target"/> lines; returns the folder.</summary>
    public static string Write(string folder, List<(string Type, string Json)> resources, ISet<string>? types, long target)
    {
        if (Directory.Exists(folder) && File.Exists(System.IO.Path.Combine(folder, "complete")))
        {
            return folder;
        }
        Directory.CreateDirectory(folder);
        var chosen = resources.Where(r => types is null || types.Contains(r.Type)).ToList();
        var writers = new Dictionary<string, (StreamWriter Writer, int Lines, int File)>();
        long written = 0;
        for (var copy = 0; written < target; copy++)
        {
            var prefix = "c" + copy.ToString("x4", CultureInfo.InvariantCulture) + "-";
            foreach (var (type, json) in chosen)
            {
                if (written++ >= target)
                {
                    break;
                }
                var key = types is null ? "All" : type;
                if (!writers.TryGetValue(key, out var w) || w.Lines == LinesPerFile)
                {
                    w.Writer?.Dispose();
                    var number = w.Writer is null ? 0 : w.File + 1;
                    w = (new StreamWriter(System.IO.Path.Combine(folder, $"{key}.{number:000}.ndjson"), false, new UTF8Encoding(false), 1 << 20), 0, number);
                }
                w.Writer.Write(json.Replace("\"id\":\"", "\"id\":\"" + prefix, StringComparison.Ordinal).Replace("urn:uuid:", "urn:uuid:" + prefix, StringComparison.Ordinal));
                w.Writer.Write('\n');
                writers[key] = (w.Writer, w.Lines + 1, w.File);
            }
        }
        foreach (var (writer, _, _) in writers.Values)
        {
            writer.Dispose();
        }
        File.WriteAllText(System.IO.Path.Combine(folder, "complete"), written.ToString(CultureInfo.InvariantCulture));
        return folder;
    }

    private static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(document.RootElement);
    }
}
