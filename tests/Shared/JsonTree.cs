using System.Text.Json;
using System.Xml.Linq;

namespace Fhir.Testing;

/// <summary>
/// Compares two JSON documents as trees: object key order ignored, array order kept, numbers by
/// their exact text (so <c>1.50</c> differs from <c>1.5</c>), strings by their unescaped value. After a trip through
/// FHIR XML, a narrative's <c>div</c> is compared as XML instead: XML keeps the xhtml's elements, attributes and text,
/// not the spelling of its markup (<c>&lt;br/&gt;</c> or <c>&lt;br /&gt;</c>, which quotes, which characters are escaped).
/// </summary>
internal static class JsonTree
{
    /// <summary>The JSON path of the first difference, or null when the documents are the same tree.</summary>
    public static string? FirstDifference(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, bool narrativeAsXml = false)
    {
        var options = new JsonDocumentOptions { MaxDepth = 256 };
        using var x = JsonDocument.Parse(expected.ToArray(), options);
        using var y = JsonDocument.Parse(actual.ToArray(), options);
        return Compare(x.RootElement, y.RootElement, "$", narrativeAsXml);
    }

    private static string? Compare(JsonElement x, JsonElement y, string path, bool narrativeAsXml)
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
                    if (Compare(property.Value, other, path + "." + property.Name, narrativeAsXml) is { } difference)
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
                        if (Compare(left.Current, right.Current, $"{path}[{index++}]", narrativeAsXml) is { } difference)
                        {
                            return difference;
                        }
                    }
                }
                return null;
            case JsonValueKind.Number:
                return x.GetRawText() == y.GetRawText() ? null : $"{path}: {x.GetRawText()} became {y.GetRawText()}";
            case JsonValueKind.String:
                if (x.GetString() == y.GetString())
                {
                    return null;
                }
                return narrativeAsXml && path.EndsWith(".div", StringComparison.Ordinal) && SameXml(x.GetString()!, y.GetString()!)
                    ? null
                    : $"{path}: '{Cut(x.GetString()!)}' became '{Cut(y.GetString()!)}'";
            default:
                return null;
        }
    }

    private static bool SameXml(string x, string y)
    {
        try
        {
            return XNode.DeepEquals(Normalise(XElement.Parse(x, LoadOptions.PreserveWhitespace)), Normalise(XElement.Parse(y, LoadOptions.PreserveWhitespace)));
        }
        catch (System.Xml.XmlException)
        {
            return false;
        }
    }

    // Namespace declarations are how the markup spells names, not content: compare names, values and text.
    private static XElement Normalise(XElement element)
    {
        foreach (var e in element.DescendantsAndSelf())
        {
            e.Attributes().Where(a => a.IsNamespaceDeclaration).Remove();
        }
        return element;
    }

    private static string Cut(string value) => value.Length <= 120 ? value : value[..120] + "...";
}
