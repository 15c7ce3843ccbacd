using Hl7.Fhir.ElementModel;
using Hl7.Fhir.Specification;
using Hl7.Fhir.Utility;

namespace Fhir.Xml;

/// <summary>
/// The SDK's typed view of a JSON document, with one change: a primitive's value is the text the JSON has, not the
/// value the SDK parsed from it. The SDK's XML writer writes values as text, so the digits of a decimal (<c>1.50</c>,
/// <c>1e3</c>, more than 28 significant digits) reach the XML as they were sent; its parsed decimal would not keep them.
/// </summary>
internal sealed class ExactTextElement(ITypedElement inner, List<string> narratives) : ITypedElement, IAnnotated
{
    private bool _recorded;

    public string Name => inner.Name;

    public string InstanceType => inner.InstanceType!;

    public object Value
    {
        get
        {
            // The text, never the SDK's parse of it: that parse would also fail on values its types cannot hold (-1e+245).
            if (inner.Annotation<JsonSourceNode>() is not { } source)
            {
                return inner.Value!;
            }
            if (source.Text is not { } text)
            {
                return null!;
            }
            if (inner.InstanceType == "xhtml" && !_recorded)
            {
                // In the order the writer meets them, for FhirXmlWriter to restore what the SDK's xhtml parse drops.
                narratives.Add(text);
                _recorded = true;
            }
            return Guard(text);
        }
    }

    /// <summary>
    /// The SDK's writer trims values, but leading and trailing whitespace belong to a FHIR string: such a value (and
    /// one that already starts with the marker) is wrapped in a private-use character that trimming leaves alone and
    /// <see cref="FhirXmlWriter"/> removes again, once, from every value attribute it wraps.
    /// </summary>
    private static string Guard(string text) =>
        text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]) || text[0] == Marker) ? Marker + text + Marker : text;

    /// <summary>The marker of <see cref="Guard"/>: a character of the Unicode private use area, valid in XML.</summary>
    public const char Marker = '\uE000';

    public string Location => inner.Location!;

    public IElementDefinitionSummary Definition => inner.Definition!;

    public IEnumerable<ITypedElement> Children(string? name = null)
    {
        foreach (var child in inner.Children(name))
        {
            yield return new ExactTextElement(child, narratives);
        }
    }

    public IEnumerable<object> Annotations(Type type) => inner is IAnnotated annotated ? annotated.Annotations(type) : [];
}
