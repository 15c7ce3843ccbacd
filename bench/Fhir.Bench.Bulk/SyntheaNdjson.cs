using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Fhir.Bench.Bulk;

/// <summary>
/// The benchmark's NDJSON, made once from the Synthea bundles of the shared suites: copies of all 21,933 resources (patient
/// bundles, hospitals, practitioners) until the target count, each copy with its copy number in every id (the first
/// group of the UUID) and in every identifier value, and every reference made a plain <c>Type/id</c> (Synthea's
/// <c>urn:uuid:</c> references and conditional <c>Practitioner?identifier=</c> references resolved to the copy's ids),
/// so that the files load into any server as they are and keep their patient compartments. One file per type and
/// 100,000 lines (<c>Observation.003.ndjson</c>), as a Bulk Data export writes them.
/// </summary>
internal static class SyntheaNdjson
{
    private const int LinesPerFile = 100_000;

    public static string Write(string suites, string folder, long target)
    {
        if (File.Exists(Path.Combine(folder, "complete")))
        {
            return folder;
        }
        Directory.CreateDirectory(folder);
        var resources = Read(Path.Combine(suites, "synthea"));
        var writers = new Dictionary<string, (StreamWriter Writer, int Lines, int File)>();
        long written = 0;
        for (var copy = 0; written < target; copy++)
        {
            foreach (var (type, template) in resources)
            {
                if (written++ >= target)
                {
                    break;
                }
                if (!writers.TryGetValue(type, out var w) || w.Lines == LinesPerFile)
                {
                    w.Writer?.Dispose();
                    var number = w.Writer is null ? 1 : w.File + 1;
                    w = (new StreamWriter(Path.Combine(folder, $"{type}.{number:000}.ndjson"), false, new UTF8Encoding(false), 1 << 20), 0, number);
                }
                w.Writer.Write(Copy(template, copy));
                w.Writer.Write('\n');
                writers[type] = (w.Writer, w.Lines + 1, w.File);
            }
        }
        foreach (var (writer, _, _) in writers.Values)
        {
            writer.Dispose();
        }
        File.WriteAllText(Path.Combine(folder, "complete"), written.ToString(CultureInfo.InvariantCulture));
        return folder;
    }

    // Templates: the resource JSON with "{COPY}" where the copy number goes (ids, references, identifier values).
    private static List<(string Type, string Template)> Read(string synthea)
    {
        var files = Directory.GetFiles(synthea, "*.json").Where(f => !Path.GetFileName(f).StartsWith('_')).Order(StringComparer.Ordinal).ToList();
        var entries = new List<(JsonObject Resource, string Type, string Id)>();
        var byUrl = new Dictionary<string, string>(StringComparer.Ordinal);
        var byIdentifier = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var bundle = JsonNode.Parse(File.ReadAllText(file))!;
            foreach (var entry in bundle["entry"]!.AsArray())
            {
                var resource = entry!["resource"]!.AsObject();
                var type = (string)resource["resourceType"]!;
                var url = (string?)entry["fullUrl"];
                var id = (string?)resource["id"] ?? (url is not null && url.StartsWith("urn:uuid:", StringComparison.Ordinal) ? url[9..] : Guid.NewGuid().ToString());
                if (url is not null)
                {
                    byUrl[url] = $"{type}/{id}";
                }
                if (resource["identifier"] is JsonArray identifiers)
                {
                    foreach (var identifier in identifiers)
                    {
                        if (identifier?["system"] is { } system && identifier["value"] is { } value)
                        {
                            byIdentifier.TryAdd($"{type}?identifier={(string)system!}|{(string)value!}", $"{type}/{id}");
                        }
                    }
                }
                entries.Add((resource, type, id));
            }
        }
        var templates = new List<(string, string)>(entries.Count);
        foreach (var (resource, type, id) in entries)
        {
            resource["id"] = Placeholder(id);
            Rewrite(resource, byUrl, byIdentifier);
            templates.Add((type, resource.ToJsonString()));
        }
        return templates;
    }

    private static void Rewrite(JsonNode? node, Dictionary<string, string> byUrl, Dictionary<string, string> byIdentifier)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array)
                {
                    Rewrite(item, byUrl, byIdentifier);
                }
                break;
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "reference" && value is JsonValue v && v.TryGetValue<string>(out var reference))
                    {
                        var target = byUrl.GetValueOrDefault(reference) ?? byIdentifier.GetValueOrDefault(reference);
                        if (target is not null)
                        {
                            var slash = target.IndexOf('/');
                            obj[key] = target[..(slash + 1)] + Placeholder(target[(slash + 1)..]);
                        }
                    }
                    else if (key == "identifier" && value is JsonArray identifiers)
                    {
                        foreach (var identifier in identifiers.OfType<JsonObject>())
                        {
                            if (identifier["value"] is JsonValue iv && iv.TryGetValue<string>(out var text))
                            {
                                identifier["value"] = text + "-c{COPY}";
                            }
                        }
                        Rewrite(value, byUrl, byIdentifier);
                    }
                    else
                    {
                        Rewrite(value, byUrl, byIdentifier);
                    }
                }
                break;
        }
    }

    // A UUID keeps its form with the copy in its first four hex digits; other ids get a prefix.
    private static string Placeholder(string id) => id.Length == 36 && id[8] == '-' ? "{COPY}" + id[4..] : "c{COPY}-" + id;

    private static string Copy(string template, int copy) => template.Replace("{COPY}", copy.ToString("x4", CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
