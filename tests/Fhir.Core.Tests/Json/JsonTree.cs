using System.Text.Json;

namespace Fhir.Core.Tests.Json;

/// <summary>
/// Compares two JSON documents as trees: object key order ignored, array order kept, numbers by
/// their exact text (so <c>1.50</c> differs from <c>1.5</c>), strings by their unescaped value.
/// </summary>
internal static class JsonTree
{
    /// <summary>The JSON path of the first difference, or null when the documents are the same tree.</summary>
    public static string? FirstDifference(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
    {
        var options = new JsonDocumentOptions { MaxDepth = 256 };
        using var x = JsonDocument.Parse(expected.ToArray(), options);
        using var y = JsonDocument.Parse(actual.ToArray(), options);
        return Compare(x.RootElement, y.RootElement, "$");
    }

    private static string? Compare(JsonElement x, JsonElement y, string path)
    {
        if (x.ValueKind != y.ValueKind)
        {
            return $"{path}: {x.ValueKind} became {y.ValueKind}";
        }
        switch (x.ValueKind)
        {
            case JsonValueKind.Object:
                var count = 0;
                foreach (var property in x.EnumerateObject())
                {
                    count++;
                    if (!y.TryGetProperty(property.Name, out var other))
                    {
                        return $"{path}.{property.Name}: missing";
                    }
                    if (Compare(property.Value, other, path + "." + property.Name) is { } difference)
                    {
                        return difference;
                    }
                }
                var actualCount = 0;
                foreach (var property in y.EnumerateObject())
                {
                    actualCount++;
                    if (!x.TryGetProperty(property.Name, out _))
                    {
                        return $"{path}.{property.Name}: added";
                    }
                }
                return count == actualCount ? null : $"{path}: {count} properties became {actualCount} (a duplicate key?)";
            case JsonValueKind.Array:
                if (x.GetArrayLength() != y.GetArrayLength())
                {
                    return $"{path}: {x.GetArrayLength()} items became {y.GetArrayLength()}";
                }
                // In step: indexing a JsonElement array scans it from the start, which is quadratic on big bundles.
                var index = 0;
                using (var left = x.EnumerateArray())
                using (var right = y.EnumerateArray())
                {
                    while (left.MoveNext() && right.MoveNext())
                    {
                        if (Compare(left.Current, right.Current, $"{path}[{index++}]") is { } difference)
                        {
                            return difference;
                        }
                    }
                }
                return null;
            case JsonValueKind.Number:
                return x.GetRawText() == y.GetRawText() ? null : $"{path}: {x.GetRawText()} became {y.GetRawText()}";
            case JsonValueKind.String:
                return x.GetString() == y.GetString() ? null : $"{path}: the string changed";
            default:
                return null;
        }
    }
}
