using System.Text;
using System.Xml;
using Fhir.Core.Outcomes;

namespace Fhir.Xml;

/// <summary>
/// The XML reader settings every FHIR XML body is read with, and a streaming pass over the body before anything is
/// built from it. The pass refuses documents that are not well-formed, DTDs (so no entity is declared, expanded or
/// fetched) and nesting deeper than the JSON limit allows; and it copies each narrative (<c>xhtml:div</c>) exactly,
/// whitespace included, which the SDK's element layer does not keep.
/// </summary>
internal static class XmlSafety
{
    public const string XhtmlNamespace = "http://www.w3.org/1999/xhtml";

    /// <summary>DTDs prohibited (an error, not ignored), no resolver, processing instructions skipped; whitespace and comments kept for the xhtml narrative.</summary>
    public static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersFromEntities = 1024,
        IgnoreComments = false,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
        CloseInput = true,
    };

    private static readonly XmlWriterSettings FragmentSettings = new()
    {
        OmitXmlDeclaration = true,
        ConformanceLevel = ConformanceLevel.Fragment,
        NewLineHandling = NewLineHandling.None,
    };

    /// <summary>
    /// Reads the whole document once. FHIR elements may nest one level deeper than <paramref name="maxDepth"/> (a
    /// primitive's element is a JSON value, not an object); a narrative, a JSON string, may nest <paramref name="maxDepth"/>
    /// levels inside its <c>div</c>.
    /// </summary>
    public static XmlScan Scan(ArraySegment<byte> xml, int maxDepth)
    {
        var narratives = new Dictionary<(int Line, int Position), string>();
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(xml.Array!, xml.Offset, xml.Count, writable: false), ReaderSettings);
            var info = (IXmlLineInfo)reader;
            var xhtmlStart = -1;
            StringBuilder? text = null;
            XmlWriter? copy = null;
            (int, int) at = default;
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element)
                {
                    var depth = reader.Depth;
                    if (xhtmlStart < 0 && reader.NamespaceURI == XhtmlNamespace)
                    {
                        xhtmlStart = depth;
                        at = (info.LineNumber, info.LinePosition);
                        text = new StringBuilder();
                        copy = XmlWriter.Create(text, FragmentSettings);
                    }
                    if (xhtmlStart >= 0 ? depth - xhtmlStart > maxDepth : depth > maxDepth)
                    {
                        copy?.Dispose();
                        return new XmlScan(Issue.Error(IssueType.Structure,
                            $"The XML nests deeper than the maximum depth of {maxDepth} (line {info.LineNumber}, position {info.LinePosition})"), narratives);
                    }
                }
                if (copy is null)
                {
                    continue;
                }
                Copy(reader, copy);
                if (reader.Depth == xhtmlStart && (reader.NodeType == XmlNodeType.EndElement || reader.IsEmptyElement))
                {
                    copy.Dispose();
                    narratives[at] = text!.ToString();
                    copy = null;
                    xhtmlStart = -1;
                }
            }
            return new XmlScan(null, narratives);
        }
        catch (XmlException e)
        {
            if (e.Message.Contains("DTD", StringComparison.Ordinal))
            {
                return new XmlScan(Issue.Error(IssueType.Security,
                    $"The XML has a document type declaration (line {e.LineNumber}, position {e.LinePosition}): FHIR XML does not allow DTDs, so entities are neither declared nor expanded here"), narratives);
            }
            return new XmlScan(Issue.Error(IssueType.Structure, $"The body is not well-formed XML (line {e.LineNumber}, position {e.LinePosition}): {Reason(e)}"), narratives);
        }
    }

    /// <summary>Copies the node the reader is on (not its subtree) to <paramref name="copy"/>.</summary>
    private static void Copy(XmlReader reader, XmlWriter copy)
    {
        switch (reader.NodeType)
        {
            case XmlNodeType.Element:
                copy.WriteStartElement(reader.Prefix, reader.LocalName, reader.NamespaceURI);
                copy.WriteAttributes(reader, defattr: false);
                reader.MoveToElement();
                if (reader.IsEmptyElement)
                {
                    copy.WriteEndElement();
                }
                break;
            case XmlNodeType.EndElement:
                copy.WriteFullEndElement();
                break;
            case XmlNodeType.Text or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                copy.WriteString(reader.Value);
                break;
            case XmlNodeType.CDATA:
                copy.WriteCData(reader.Value);
                break;
            case XmlNodeType.Comment:
                copy.WriteComment(reader.Value);
                break;
        }
    }

    // XmlException messages end with their own "Line n, position m."; the issue says it once, at the front.
    private static string Reason(XmlException e)
    {
        var message = e.Message;
        var cut = message.LastIndexOf(" Line ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

/// <summary>What the streaming pass found: the issue that refuses the document (or null), and each narrative by where its <c>div</c> starts.</summary>
internal sealed record XmlScan(Issue? Refused, IReadOnlyDictionary<(int Line, int Position), string> Narratives);
