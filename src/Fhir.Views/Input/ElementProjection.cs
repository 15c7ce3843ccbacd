using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Fhir.Views.Input;

/// <summary>
/// Drops the top-level elements of a resource's JSON that no path of the view can reach, before the resource is parsed:
/// a view of six Observation columns then never builds the tree of its narrative, meta or encounter. An element is
/// kept when any name written in the view's paths (identifiers and function names alike, so <c>extension('…')</c> keeps
/// <c>extension</c>) is its name, or its name without a choice type (<c>value</c> keeps <c>valueQuantity</c>). Paths
/// that can reach elements without naming them (<c>children()</c>, <c>descendants()</c>, <c>resolve()</c>...) turn the
/// projection off.
/// </summary>
internal sealed class ElementProjection
{
    private static readonly HashSet<string> Unbounded = ["children", "descendants", "resolve", "conformsTo", "toJson", "trace"];
    private readonly byte[][] _names;

    private ElementProjection(IEnumerable<string> names) => _names = [.. names.Distinct(StringComparer.Ordinal).Select(Encoding.UTF8.GetBytes)];

    /// <summary>The projection of the view's paths, or null when every element must be read.</summary>
    public static ElementProjection? For(IEnumerable<string> expressions)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { "resourceType", "id" };
        foreach (var expression in expressions)
        {
            foreach (var name in Identifiers(expression))
            {
                if (Unbounded.Contains(name))
                {
                    return null;
                }
                names.Add(name);
            }
        }
        return new ElementProjection(names);
    }

    /// <summary>The resource with only the wanted top-level elements, written to <paramref name="buffer"/>; the input itself when it keeps everything or cannot be read (the parser reports that).</summary>
    public ReadOnlySpan<byte> Apply(ReadOnlySpan<byte> json, ArrayBufferWriter<byte> buffer)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        buffer.ResetWrittenCount();
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return json;
            }
            var dropped = false;
            var first = true;
            buffer.Write("{"u8);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var start = (int)reader.TokenStartIndex;
                var wanted = reader.ValueIsEscaped || Wants(reader.ValueSpan);
                reader.Read();
                reader.Skip();
                if (!wanted)
                {
                    dropped = true;
                    continue;
                }
                if (!first)
                {
                    buffer.Write(","u8);
                }
                first = false;
                buffer.Write(json[start..(int)reader.BytesConsumed]);
            }
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return json; // something after the object: leave it to the parser to report
            }
            buffer.Write("}"u8);
            return dropped ? buffer.WrittenSpan : json;
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private bool Wants(ReadOnlySpan<byte> property)
    {
        if (property.Length > 1 && property[0] == (byte)'_')
        {
            property = property[1..];
        }
        foreach (var name in _names)
        {
            if (property.StartsWith(name) && (property.Length == name.Length || property[name.Length] is >= (byte)'A' and <= (byte)'Z'))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Every identifier of an expression outside its string literals (delimited identifiers too).</summary>
    private static IEnumerable<string> Identifiers(string expression)
    {
        var i = 0;
        while (i < expression.Length)
        {
            var c = expression[i];
            if (c == '\'')
            {
                i = SkipEscaped(expression, i);
                continue;
            }
            if (c == '`')
            {
                var end = expression.IndexOf('`', i + 1);
                if (end < 0)
                {
                    yield break;
                }
                yield return expression[(i + 1)..end];
                i = end + 1;
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                var start = i;
                while (i < expression.Length && (char.IsAsciiLetterOrDigit(expression[i]) || expression[i] == '_'))
                {
                    i++;
                }
                yield return expression[start..i];
                continue;
            }
            i++;
        }
    }

    private static int SkipEscaped(string s, int quote)
    {
        var i = quote + 1;
        while (i < s.Length && s[i] != '\'')
        {
            i += s[i] == '\\' ? 2 : 1;
        }
        return Math.Min(i + 1, s.Length);
    }
}
