using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Fhir.Core.Json;

/// <summary>
/// The size of a JSON value as compact JSON (strings counted as their UTF-8 bytes and quotes, without escapes),
/// its number of values and its depth (a primitive is 0, an empty container 1).
/// </summary>
internal readonly record struct JsonSize(long Bytes, int Nodes, int Depth)
{
    /// <summary>The bytes a member or element adds around its value: a name with quotes and colon, or a comma.</summary>
    public static long MemberOverhead(string name) => Encoding.UTF8.GetByteCount(name) + 4;

    /// <summary>Measures <paramref name="node"/>; the walk is as deep as the value.</summary>
    public static JsonSize Of(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return new JsonSize(4, 1, 0);
            case JsonObject obj:
            {
                long bytes = 2;
                var nodes = 1;
                var depth = 0;
                foreach (var (name, value) in obj)
                {
                    var inner = Of(value);
                    bytes += inner.Bytes + MemberOverhead(name);
                    nodes += inner.Nodes;
                    depth = Math.Max(depth, inner.Depth);
                }
                return new JsonSize(bytes, nodes, depth + 1);
            }
            case JsonArray array:
            {
                long bytes = 2;
                var nodes = 1;
                var depth = 0;
                foreach (var value in array)
                {
                    var inner = Of(value);
                    bytes += inner.Bytes + 1;
                    nodes += inner.Nodes;
                    depth = Math.Max(depth, inner.Depth);
                }
                return new JsonSize(bytes, nodes, depth + 1);
            }
            default:
                return new JsonSize(PrimitiveBytes((JsonValue)node), 1, 0);
        }
    }

    private static long PrimitiveBytes(JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return value.TryGetValue<string>(out var text) ? Encoding.UTF8.GetByteCount(text) + 2 : value.ToJsonString().Length;
            case JsonValueKind.True:
            case JsonValueKind.Null:
                return 4;
            case JsonValueKind.False:
                return 5;
            default:
                return value.ToJsonString().Length;
        }
    }
}
