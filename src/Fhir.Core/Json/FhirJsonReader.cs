using System.Buffers;
using System.Text;
using Fhir.Core.Definitions;

namespace Fhir.Core.Json;

/// <summary>
/// Reads FHIR resources from JSON, strictly: anything the FHIR JSON format does not allow (unknown
/// elements, wrong arrays, wrong JSON types, invalid primitive values, nulls, empty values, duplicate
/// keys...) is an error issue whose expression points at the element, e.g.
/// <c>Observation.component[1].valueQuantity.value</c>. Every issue is collected; only JSON that is not
/// well-formed stops at its first fault. Elements come out in canonical order; decimals keep their text.
/// </summary>
public static class FhirJsonReader
{
    /// <summary>Reads a resource from UTF-8 JSON (a leading byte order mark is skipped).</summary>
    /// <param name="utf8Json">The JSON text.</param>
    /// <param name="options">Reader options; <see cref="FhirJsonReaderOptions.Default"/> when null.</param>
    /// <param name="definitions">The FHIR definitions; <see cref="FhirDefinitions.R4"/> when null.</param>
    public static ParseResult Parse(ReadOnlySpan<byte> utf8Json, FhirJsonReaderOptions? options = null, FhirDefinitions? definitions = null)
    {
        var parser = JsonParser.Rent(definitions ?? FhirDefinitions.R4, options ?? FhirJsonReaderOptions.Default);
        try
        {
            return parser.ParseResource(utf8Json);
        }
        finally
        {
            JsonParser.Return(parser);
        }
    }

    /// <summary>Reads a resource from a JSON string.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="options">Reader options; <see cref="FhirJsonReaderOptions.Default"/> when null.</param>
    /// <param name="definitions">The FHIR definitions; <see cref="FhirDefinitions.R4"/> when null.</param>
    public static ParseResult Parse(string json, FhirJsonReaderOptions? options = null, FhirDefinitions? definitions = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        // The tree keeps no reference to the bytes, so a pooled buffer can go back as soon as the parse is done.
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(json.Length));
        try
        {
            var length = Encoding.UTF8.GetBytes(json, buffer);
            return Parse(buffer.AsSpan(0, length), options, definitions);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads one JSON value of a FHIR data type or backbone element (an object; a JSON primitive for a
    /// primitive type; a resource when <paramref name="type"/> is a resource type), as FHIRPath Patch values
    /// need. Issue expressions start at <paramref name="name"/> (its JSON name for a choice element).
    /// </summary>
    /// <param name="utf8Json">The JSON text.</param>
    /// <param name="type">The value's type: <c>Coding</c>, <c>Observation.component</c>, <c>string</c>...</param>
    /// <param name="name">The element name the node gets (without a choice suffix).</param>
    /// <param name="definition">The element's definition, or null.</param>
    /// <param name="options">Reader options; <see cref="FhirJsonReaderOptions.Default"/> when null.</param>
    public static ParseResult ParseElement(
        ReadOnlySpan<byte> utf8Json, TypeDefinition type, string name, ElementDefinitionInfo? definition, FhirJsonReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(name);
        var parser = JsonParser.Rent(type.Definitions, options ?? FhirJsonReaderOptions.Default);
        try
        {
            return parser.ParseElement(utf8Json, type, name, definition);
        }
        finally
        {
            JsonParser.Return(parser);
        }
    }
}
