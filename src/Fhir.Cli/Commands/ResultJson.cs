using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Core.Model;
using Fhir.Path.Types;

namespace Fhir.Cli.Commands;

/// <summary>
/// Writes FHIRPath results as JSON: primitives as JSON scalars, complex values as FHIR JSON objects, dates and
/// times as their FHIR strings, quantities as FHIR Quantity objects, type information as {namespace, name}.
/// </summary>
internal static class ResultJson
{
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string ToJson(IReadOnlyList<object> items)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartArray();
            foreach (var item in items)
            {
                Write(writer, item);
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, object item)
    {
        switch (item)
        {
            case ElementNode node when node.Type.Kind is TypeKind.Primitive or TypeKind.System:
                WritePrimitive(writer, node);
                break;
            case ElementNode node:
                FhirJsonWriter.Write(node, writer);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case decimal d:
                writer.WriteRawValue(d.ToString(CultureInfo.InvariantCulture));
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case FhirPathQuantity q:
                writer.WriteStartObject();
                writer.WritePropertyName("value");
                writer.WriteRawValue(q.Value.ToString(CultureInfo.InvariantCulture));
                writer.WriteString("unit", q.Unit);
                writer.WriteString("system", "http://unitsofmeasure.org");
                writer.WriteString("code", UcumCode(q.Unit));
                writer.WriteEndObject();
                break;
            case FhirPathTypeInfo t:
                writer.WriteStartObject();
                writer.WriteString("namespace", t.Namespace);
                writer.WriteString("name", t.Name);
                writer.WriteEndObject();
                break;
            default:
                // Dates, date/times and times: their FHIR (ISO 8601) text.
                writer.WriteStringValue(item.ToString());
                break;
        }
    }

    private static void WritePrimitive(Utf8JsonWriter writer, ElementNode node)
    {
        switch (node.Value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case decimal d:
                writer.WriteRawValue(node.DecimalText ?? d.ToString(CultureInfo.InvariantCulture));
                break;
            case var other:
                writer.WriteStringValue(Convert.ToString(other, CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>The UCUM code of a unit: calendar durations map to their UCUM counterparts (year to a, week to wk).</summary>
    private static string UcumCode(string unit) => unit switch
    {
        "year" or "years" => "a",
        "month" or "months" => "mo",
        "week" or "weeks" => "wk",
        "day" or "days" => "d",
        "hour" or "hours" => "h",
        "minute" or "minutes" => "min",
        "second" or "seconds" => "s",
        "millisecond" or "milliseconds" => "ms",
        _ => unit,
    };
}
