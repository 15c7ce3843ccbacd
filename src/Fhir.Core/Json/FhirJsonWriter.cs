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
