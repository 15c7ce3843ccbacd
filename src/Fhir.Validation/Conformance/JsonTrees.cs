using System.Text.Json.Nodes;

namespace Fhir.Validation.Conformance;

/// <summary>Parsing JSON trees that several threads will read.</summary>
internal static class JsonTrees
{
    /// <summary>
    /// Parses <paramref name="json"/> into a tree that is safe to read concurrently: a parsed JsonObject builds its property
    /// table on first access, which is not thread-safe, so every object is touched once here.
    /// </summary>
    public static JsonObject? ParseShared(ReadOnlySpan<byte> json)
    {
        var node = JsonNode.Parse(json);
        Touch(node);
        return node as JsonObject;
    }

    private static void Touch(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, value) in o)
                {
                    Touch(value);
                }
                break;
            case JsonArray a:
                foreach (var item in a)
                {
                    Touch(item);
                }
                break;
        }
    }
}
