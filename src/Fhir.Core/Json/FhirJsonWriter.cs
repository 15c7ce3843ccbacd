using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Fhir.Core.Model;

namespace Fhir.Core.Json;

/// <summary>
/// Writes <see cref="ElementNode"/> trees as canonical FHIR JSON: <c>resourceType</c> first, elements in
/// definition order, arrays for repeating elements, primitive extensions as <c>_name</c> (aligned with
/// nulls in arrays), decimals exactly as read, no nulls otherwise, UTF-8 with only the escaping JSON needs.
/// </summary>
public static class FhirJsonWriter
{
    // Buffers larger than this are not kept for the next call on the thread.
    private const int MaxRetainedBuffer = 1024 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _buffer;

    private static readonly JsonWriterOptions Compact = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // FHIR JSON is UTF-8: no \u escapes for '<' or non-ASCII text
    };

    private static readonly JsonWriterOptions Pretty = Compact with { Indented = true };

    /// <summary>Writes <paramref name="node"/> (a resource, or any element) as UTF-8 JSON.</summary>
    public static byte[] Serialize(ElementNode node, FhirJsonWriterOptions? options = null)
    {
        var buffer = RentBuffer();
        try
        {
            WriteTo(buffer, node, options);
            return buffer.WrittenSpan.ToArray();
        }
        finally
        {
            ReturnBuffer(buffer);
        }
    }

    /// <summary>Writes <paramref name="node"/> as a JSON string.</summary>
    public static string SerializeToString(ElementNode node, FhirJsonWriterOptions? options = null)
    {
        var buffer = RentBuffer();
        try
        {
            WriteTo(buffer, node, options);
            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        finally
        {
            ReturnBuffer(buffer);
        }
    }

    /// <summary>
    /// Writes <paramref name="node"/> to <paramref name="writer"/> as one JSON value (for example as a property
    /// value inside a larger document). The writer's own settings decide indentation and escaping;
    /// <see cref="FhirJsonWriterOptions.Indented"/> is not used here.
    /// </summary>
    public static void Write(ElementNode node, Utf8JsonWriter writer, FhirJsonWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(writer);
        new JsonEmitter(writer, options ?? FhirJsonWriterOptions.Default, node).WriteRoot();
    }

    /// <summary>
    /// <paramref name="json"/> (a well-formed JSON document, such as a stored resource) indented, token by token:
    /// values exactly as written, at any depth. A tree of the document (JsonDocument) would stop at its depth limit,
    /// and a resource stored under a larger <c>MaxDepth</c> than the reader now allows must still be readable.
    /// </summary>
    public static byte[] Indent(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = int.MaxValue });
        var buffer = new ArrayBufferWriter<byte>(json.Length + json.Length / 2);
        using (var writer = new Utf8JsonWriter(buffer, Pretty with { MaxDepth = int.MaxValue }))
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        writer.WriteStartObject();
                        break;
                    case JsonTokenType.EndObject:
                        writer.WriteEndObject();
                        break;
                    case JsonTokenType.StartArray:
                        writer.WriteStartArray();
                        break;
                    case JsonTokenType.EndArray:
                        writer.WriteEndArray();
                        break;
                    case JsonTokenType.PropertyName when !reader.ValueIsEscaped:
                        writer.WritePropertyName(reader.ValueSpan);
                        break;
                    case JsonTokenType.PropertyName:
                        writer.WritePropertyName(reader.GetString()!);
                        break;
                    case JsonTokenType.String when !reader.ValueIsEscaped:
                        writer.WriteStringValue(reader.ValueSpan);
                        break;
                    case JsonTokenType.String:
                        writer.WriteStringValue(reader.GetString());
                        break;
                    case JsonTokenType.Number:
                        writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true); // 1.50 stays 1.50
                        break;
                    case JsonTokenType.True or JsonTokenType.False:
                        writer.WriteBooleanValue(reader.TokenType == JsonTokenType.True);
                        break;
                    case JsonTokenType.Null:
                        writer.WriteNullValue();
                        break;
                }
            }
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteTo(ArrayBufferWriter<byte> buffer, ElementNode node, FhirJsonWriterOptions? options)
    {
        ArgumentNullException.ThrowIfNull(node);
        options ??= FhirJsonWriterOptions.Default;
        using var writer = new Utf8JsonWriter(buffer, options.Indented ? Pretty : Compact);
        new JsonEmitter(writer, options, node).WriteRoot();
        writer.Flush();
    }

    private static ArrayBufferWriter<byte> RentBuffer()
    {
        var buffer = _buffer ?? new ArrayBufferWriter<byte>(16 * 1024);
        _buffer = null; // not shared with a nested call on the same thread
        return buffer;
    }

    private static void ReturnBuffer(ArrayBufferWriter<byte> buffer)
    {
        if (buffer.Capacity <= MaxRetainedBuffer)
        {
            buffer.ResetWrittenCount();
            _buffer = buffer;
        }
    }
}
