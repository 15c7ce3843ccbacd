using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Hl7.Fhir.Utility;
using Hl7.Fhir.ElementModel;
using Hl7.Fhir.Model;

namespace Fhir.Xml;

/// <summary>
/// Writes FHIR JSON (a resource, as the server stores and answers it) as FHIR XML with Firely's SDK: the JSON is
/// presented to the SDK as source nodes, typed by the SDK's R4 model, and serialised by its XML writer. Primitive
/// values reach the writer as the text they have in the JSON (so <c>1.50</c> and <c>1e3</c> keep their digits), ids
/// and extensions of primitives become attributes and child elements, the narrative's xhtml is embedded as XML, and
/// nested resources (contained, Bundle entries, Parameters) are wrapped as XML requires.
/// </summary>
public static class FhirXmlWriter
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 4096 };
    private static readonly XNamespace XhtmlNamespace = "http://www.w3.org/1999/xhtml";
    private static readonly XName XhtmlDiv = XhtmlNamespace + "div";

    /// <summary>The XML form of the FHIR JSON resource <paramref name="json"/>, UTF-8 without a byte order mark.</summary>
    /// <param name="json">A FHIR resource in JSON, valid for R4 (as the server's stored and generated resources are).</param>
    /// <param name="options">Writer options; <see cref="FhirXmlWriterOptions.Default"/> when null.</param>
    public static byte[] FromJson(ReadOnlyMemory<byte> json, FhirXmlWriterOptions? options = null)
    {
        options ??= FhirXmlWriterOptions.Default;
        using var document = JsonDocument.Parse(json, DocumentOptions);
        var root = document.RootElement;
        var resourceType = root.TryGetProperty("resourceType", out var rt) && rt.ValueKind == JsonValueKind.String
            ? rt.GetString()!
            : throw new ArgumentException("The JSON is not a FHIR resource: it has no resourceType.", nameof(json));
        var source = new JsonSourceNode(resourceType, root, extension: null, parent: null, index: -1);
        var narratives = new List<string>();
        var typed = new ExactTextElement(source.ToTypedElement(ModelInfo.ModelInspector), narratives);
        var xml = new XDocument();
        using (var builder = xml.CreateWriter())
        {
            typed.WriteTo(builder);
        }
        RestoreNarrativeWhitespace(xml, narratives);
        RestoreValueWhitespace(xml);
        using var stream = new MemoryStream(json.Length + json.Length / 2);
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            Indent = options.Indented,
            IndentChars = "  ",
            NewLineHandling = NewLineHandling.Entitize, // line breaks inside values survive a round trip
            OmitXmlDeclaration = false,
        }))
        {
            xml.Save(writer);
        }
        return stream.ToArray();
    }

    private static void RestoreValueWhitespace(XDocument xml)
    {
        foreach (var element in xml.Descendants())
        {
            if (element.Attribute("value") is { } value && value.Value is { Length: >= 2 } text
                && text[0] == ExactTextElement.Marker && text[^1] == ExactTextElement.Marker)
            {
                value.Value = text[1..^1];
            }
        }
    }

    /// <summary>
    /// The SDK parses each narrative without keeping whitespace-only text (<c>&lt;b&gt;a&lt;/b&gt; &lt;i&gt;b&lt;/i&gt;</c> would lose its
    /// space); the narratives are parsed again here, keeping it, and put in place of the SDK's, which come in the same order.
    /// </summary>
    private static void RestoreNarrativeWhitespace(XDocument document, List<string> narratives)
    {
        var divs = document.Descendants(XhtmlDiv).Where(d => d.Parent?.Name.Namespace != XhtmlNamespace).ToList();
        if (divs.Count != narratives.Count)
        {
            return; // nothing to pair them with safely: keep the SDK's
        }
        for (var i = 0; i < divs.Count; i++)
        {
            var text = narratives[i];
            if (!text.TrimStart().StartsWith("<div", StringComparison.Ordinal))
            {
                continue;
            }
            var parsed = XElement.Parse(SerializationUtil.SanitizeXml(text), LoadOptions.PreserveWhitespace);
            parsed.Name = XhtmlNamespace + parsed.Name.LocalName;
            divs[i].ReplaceWith(parsed);
        }
    }
}
