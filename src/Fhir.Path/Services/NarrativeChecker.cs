using System.Collections.Frozen;
using System.Xml;

namespace Fhir.Path.Services;

/// <summary>
/// <c>htmlChecks()</c>: a narrative is a well-formed XHTML <c>div</c> with some content, using only the basic HTML
/// formatting elements FHIR allows, no scripts, event handlers, forms or active content.
/// </summary>
internal static class NarrativeChecker
{
    private const string XhtmlNamespace = "http://www.w3.org/1999/xhtml";

    private static readonly FrozenSet<string> AllowedElements = new[]
    {
        "a", "abbr", "acronym", "address", "b", "bdo", "big", "blockquote", "br", "caption", "cite", "code", "col",
        "colgroup", "dd", "dfn", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd",
        "li", "ol", "p", "pre", "q", "samp", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot",
        "th", "thead", "tr", "tt", "ul", "var", "map", "area", "del", "ins", "s", "u", "strike", "center", "font",
    }.ToFrozenSet(StringComparer.Ordinal);

    public static bool IsValid(string xhtml)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = false,
        };
        try
        {
            using var reader = XmlReader.Create(new StringReader(xhtml), settings);
            var hasContent = false;
            var depth = 0;
            while (reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        if (depth == 0 && (reader.LocalName != "div" || reader.NamespaceURI != XhtmlNamespace))
                        {
                            return false;
                        }
                        if (reader.NamespaceURI != XhtmlNamespace || !AllowedElements.Contains(reader.LocalName))
                        {
                            return false;
                        }
                        if (reader.LocalName == "img")
                        {
                            hasContent = true;
                        }
                        if (!AttributesAllowed(reader))
                        {
                            return false;
                        }
                        if (!reader.IsEmptyElement)
                        {
                            depth++;
                        }
                        break;
                    case XmlNodeType.EndElement:
                        depth--;
                        break;
                    case XmlNodeType.Text:
                    case XmlNodeType.CDATA:
                        hasContent |= !string.IsNullOrWhiteSpace(reader.Value);
                        break;
                    case XmlNodeType.ProcessingInstruction:
                        return false;
                }
            }
            return hasContent;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    private static bool AttributesAllowed(XmlReader reader)
    {
        if (!reader.MoveToFirstAttribute())
        {
            return true;
        }
        do
        {
            var name = reader.LocalName;
            if (name.StartsWith("on", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
            if (name is "href" or "src" or "background" or "action"
                && reader.Value.TrimStart().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        while (reader.MoveToNextAttribute());
        reader.MoveToElement();
        return true;
    }
}
