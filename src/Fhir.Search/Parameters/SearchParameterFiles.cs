using System.Text.Json;

namespace Fhir.Search.Parameters;

/// <summary>
/// Finds the SearchParameter resources in a folder of FHIR JSON files (recursively): files that
/// are a SearchParameter, and SearchParameters inside Bundles. Everything else is skipped.
/// </summary>
public static class SearchParameterFiles
{
    /// <summary>One SearchParameter found: where it came from and its JSON (owned by the caller's document).</summary>
    /// <param name="Source">The file, with <c>#entry[i]</c> for a Bundle entry.</param>
    /// <param name="Resource">The SearchParameter resource.</param>
    public sealed record Found(string Source, JsonElement Resource);

    /// <summary>
    /// Every SearchParameter under <paramref name="folder"/> (none when the folder does not exist),
    /// in file-name order so that loading is repeatable. Files that are not JSON are reported in
    /// <paramref name="unreadable"/> and skipped.
    /// </summary>
    public static IReadOnlyList<Found> Read(string folder, out IReadOnlyList<string> unreadable)
    {
        var found = new List<Found>();
        var bad = new List<string>();
        unreadable = bad;
        if (!Directory.Exists(folder))
        {
            return found;
        }
        foreach (var file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            JsonElement root;
            try
            {
                // Cloned: the element outlives the document, which is disposed here.
                using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
                root = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                bad.Add(file);
                continue;
            }
            Collect(root, file, found);
        }
        return found;
    }

    private static void Collect(JsonElement resource, string source, List<Found> found)
    {
        if (resource.ValueKind != JsonValueKind.Object || !resource.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String)
        {
            return;
        }
        switch (type.GetString())
        {
            case "SearchParameter":
                found.Add(new Found(source, resource));
                break;
            case "Bundle" when resource.TryGetProperty("entry", out var entries) && entries.ValueKind == JsonValueKind.Array:
                var i = 0;
                foreach (var entry in entries.EnumerateArray())
                {
                    if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("resource", out var inner))
                    {
                        Collect(inner, $"{source}#entry[{i}]", found);
                    }
                    i++;
                }
                break;
        }
    }
}
