using System.Runtime.InteropServices;
using System.Text;
using System.Xml;
using Fhir.Core.Definitions;
using Fhir.Core.Outcomes;
using Hl7.Fhir.ElementModel;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace Fhir.Xml;

/// <summary>
/// Reads FHIR XML into FHIR JSON. Firely's SDK parses the XML (<c>FhirXmlNode</c>, its element layer: namespaces,
/// <c>value</c>/<c>id</c>/<c>url</c> attributes, resources inside <c>contained</c> and <c>resource</c>, the xhtml
/// <c>div</c>); this class walks that tree with the project's R4 definitions to write JSON with the right arrays,
/// numbers, booleans and <c>_name</c> objects, keeping each value's text as written (a decimal's digits too). DTDs are
/// refused before anything is read, so no entity is ever expanded and no external resource is ever fetched; nesting is
/// limited as for JSON. The content itself (unknown elements, values) is checked by <c>FhirJsonReader</c> on the result.
/// </summary>
public static class FhirXmlReader
{
    /// <summary>Converts a FHIR XML resource (UTF-8 or as its declaration says) to FHIR JSON.</summary>
    /// <param name="xml">The XML text.</param>
    /// <param name="options">Reader options; <see cref="FhirXmlReaderOptions.Default"/> when null.</param>
    /// <param name="definitions">The FHIR definitions; <see cref="FhirDefinitions.R4"/> when null.</param>
    public static XmlConversion ToJson(ReadOnlyMemory<byte> xml, FhirXmlReaderOptions? options = null, FhirDefinitions? definitions = null)
    {
        options ??= FhirXmlReaderOptions.Default;
        definitions ??= FhirDefinitions.R4;
        var bytes = MemoryMarshal.TryGetArray(xml, out var segment) ? segment : new ArraySegment<byte>(xml.ToArray());
        var scan = XmlSafety.Scan(bytes, options.MaxDepth);
        if (scan.Refused is { } refused)
        {
            return new XmlConversion(null, [refused]);
        }
        ISourceNode root;
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false), XmlSafety.ReaderSettings);
            root = FhirXmlNode.Read(reader, new FhirXmlParsingSettings { PermissiveParsing = false });
        }
        catch (FormatException e)
        {
            // The safety pass read the same bytes; anything left is the SDK's view of the document as a whole.
            return new XmlConversion(null, [Issue.Error(IssueType.Structure, $"The body is not FHIR XML: {e.Message}")]);
        }
        return new XmlJsonBuilder(definitions, options, scan.Narratives).Build(root);
    }

    /// <summary>Converts a FHIR XML resource given as a string to FHIR JSON.</summary>
    /// <param name="xml">The XML text.</param>
    /// <param name="options">Reader options; <see cref="FhirXmlReaderOptions.Default"/> when null.</param>
    /// <param name="definitions">The FHIR definitions; <see cref="FhirDefinitions.R4"/> when null.</param>
    public static XmlConversion ToJson(string xml, FhirXmlReaderOptions? options = null, FhirDefinitions? definitions = null)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return ToJson(Encoding.UTF8.GetBytes(xml), options, definitions);
    }
}
