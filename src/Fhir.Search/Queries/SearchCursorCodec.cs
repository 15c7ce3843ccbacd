using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;

namespace Fhir.Search.Queries;

/// <summary>
/// The <c>_cursor</c> URL value of a <see cref="SearchCursor"/>: base64url of a small JSON document
/// (<c>{"k":key,"d":"f"|"b","v":[["s","text"],["n","1.5"],["f","1.5"],["t",ticks],null]}</c>: strings, decimals, doubles, instants). Opaque to clients; a value that
/// does not decode is refused (400) rather than guessed at. A hand-edited but well-formed cursor only moves the
/// page boundary: it is a position in the result, never a filter, so it cannot widen what the query matches.
/// </summary>
public static class SearchCursorCodec
{
    /// <summary>The URL-safe text of <paramref name="cursor"/>.</summary>
    public static string Encode(SearchCursor cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        using var buffer = new MemoryStream(64);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("k", cursor.Key);
            w.WriteString("d", cursor.Direction == PageDirection.Backward ? "b" : "f");
            w.WriteStartArray("v");
            foreach (var value in cursor.SortValues)
            {
                switch (value)
                {
                    case null:
                        w.WriteNullValue();
                        break;
                    case string s:
                        w.WriteStartArray();
                        w.WriteStringValue("s");
                        w.WriteStringValue(s);
                        w.WriteEndArray();
                        break;
                    case decimal d:
                        w.WriteStartArray();
                        w.WriteStringValue("n");
                        w.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));
                        w.WriteEndArray();
                        break;
                    case double f:
                        w.WriteStartArray();
                        w.WriteStringValue("f");
                        w.WriteStringValue(f.ToString("R", CultureInfo.InvariantCulture));
                        w.WriteEndArray();
                        break;
                    case DateTime t:
                        w.WriteStartArray();
                        w.WriteStringValue("t");
                        w.WriteNumberValue(t.Ticks);
                        w.WriteEndArray();
                        break;
                    default:
                        throw new ArgumentException($"A sort value of type {value.GetType().Name} cannot be in a cursor.", nameof(cursor));
                }
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Base64Url.EncodeToString(buffer.ToArray());
    }

    /// <summary>Decodes a cursor made by <see cref="Encode"/>; false for anything else.</summary>
    public static bool TryDecode(string text, out SearchCursor? cursor)
    {
        cursor = null;
        try
        {
            var bytes = Base64Url.DecodeFromChars(text);
            using var doc = JsonDocument.Parse(bytes);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("k", out var k) || !k.TryGetInt64(out var key)
                || !root.TryGetProperty("d", out var d) || d.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("v", out var v) || v.ValueKind != JsonValueKind.Array)
            {
                return false;
            }
            var direction = d.GetString() switch { "f" => PageDirection.Forward, "b" => PageDirection.Backward, _ => (PageDirection?)null };
            if (direction is null) return false;
            var values = new List<object?>();
            foreach (var item in v.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Null)
                {
                    values.Add(null);
                    continue;
                }
                if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() != 2) return false;
                var tag = item[0].GetString();
                var body = item[1];
                switch (tag)
                {
                    case "s" when body.ValueKind == JsonValueKind.String:
                        values.Add(body.GetString());
                        break;
                    case "n" when body.ValueKind == JsonValueKind.String
                        && decimal.TryParse(body.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var number):
                        values.Add(number);
                        break;
                    case "f" when body.ValueKind == JsonValueKind.String
                        && double.TryParse(body.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var real):
                        values.Add(real);
                        break;
                    case "t" when body.TryGetInt64(out var ticks) && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks:
                        values.Add(new DateTime(ticks, DateTimeKind.Utc));
                        break;
                    default:
                        return false;
                }
            }
            cursor = new SearchCursor(key, values, direction.Value);
            return true;
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            return false;
        }
    }
}
