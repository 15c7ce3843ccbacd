namespace Fhir.Search.Queries;

/// <summary>Splits a URL query string (<c>a=1&amp;b=2</c>, with or without a leading <c>?</c>) into decoded name/value pairs, in order.</summary>
public static class QueryParameters
{
    /// <summary>The decoded pairs of <paramref name="query"/>; a name without <c>=</c> gets an empty value.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string? query)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(query))
        {
            return result;
        }
        var span = query.AsSpan();
        if (span[0] == '?')
        {
            span = span[1..];
        }
        foreach (var range in span.Split('&'))
        {
            var part = span[range];
            if (part.IsEmpty)
            {
                continue;
            }
            var eq = part.IndexOf('=');
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? [] : part[(eq + 1)..];
            result.Add(new(Decode(name), Decode(value)));
        }
        return result;
    }

    private static string Decode(ReadOnlySpan<char> text) => Uri.UnescapeDataString(text.ToString().Replace('+', ' '));
}
