using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Core.Outcomes;
using Hl7.Fhir.ElementModel;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace Fhir.Xml;

/// <summary>
/// Walks the SDK's source nodes of one XML document and writes the resource as FHIR JSON, typed by the project's
/// definitions. Elements the definitions do not know are written as they are, so that the JSON reader reports (or,
/// under lenient intake, drops) them with their path exactly as it does for JSON; what only XML can get wrong
/// (namespaces, attributes, text content, a value that is not a number where one is needed) is reported here.
/// </summary>
internal sealed class XmlJsonBuilder(FhirDefinitions definitions, FhirXmlReaderOptions options, IReadOnlyDictionary<(int Line, int Position), string> narratives)
{
    private const string FhirNamespace = "http://hl7.org/fhir";
    private const string XhtmlNamespace = XmlSafety.XhtmlNamespace;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = 4096, // the safety pass has bounded the nesting already
    };

    private readonly List<Issue> _issues = [];
    private readonly List<string> _path = [];
    private Utf8JsonWriter _json = null!;

    public XmlConversion Build(ISourceNode root)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (_json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            // The SDK reports what it finds wrong while its children are enumerated: the issue goes at the node being read.
            using (root.Catch((_, notification) => OnSdkIssue(notification)))
            {
                var details = Place(root);
                var ns = details.Namespace;
                if (ns != FhirNamespace)
                {
                    _path.Add(root.Name);
                    Report(IssueSeverity.Error, string.IsNullOrEmpty(ns)
                        ? $"The root element '{root.Name}' has no namespace; FHIR XML is in the namespace {FhirNamespace}{At(details)}"
                        : $"The root element '{root.Name}' is in the namespace '{ns}'; FHIR XML is in the namespace {FhirNamespace}{At(details)}");
                    return new XmlConversion(null, _issues);
                }
                WriteResource(root, root.Name);
            }
        }
        return new XmlConversion(buffer.WrittenSpan.ToArray(), _issues);
    }

    private void WriteResource(ISourceNode node, string resourceType)
    {
        _path.Add(resourceType);
        _json.WriteStartObject();
        _json.WriteString("resourceType", resourceType);
        // An unknown type is left for the JSON reader to report, as it does for JSON bodies.
        if (definitions.IsResourceType(resourceType) && definitions.FindType(resourceType) is { } type)
        {
            WriteChildren(node, Children(node), type);
        }
        _json.WriteEndObject();
        _path.RemoveAt(_path.Count - 1);
    }

    private void WriteObject(ISourceNode node, TypeDefinition type)
    {
        _json.WriteStartObject();
        WriteChildren(node, Children(node), type);
        _json.WriteEndObject();
    }

    private void WriteChildren(ISourceNode node, List<ISourceNode> children, TypeDefinition type)
    {
        CheckText(node);
        var groups = new List<(string Name, List<ISourceNode> Items)>();
        foreach (var child in children)
        {
            if (!CheckRepresentation(child, type))
            {
                continue;
            }
            var name = child.Name;
            var found = groups.FindIndex(g => g.Name == name);
            if (found < 0)
            {
                groups.Add((name, [child]));
            }
            else
            {
                groups[found].Items.Add(child);
            }
        }
        foreach (var (name, items) in groups)
        {
            if (!type.TryResolveJsonName(name, out var element, out var choice))
            {
                WriteUnknown(name, items);
                continue;
            }
            var childType = (choice is not null ? definitions.FindType(choice.Code) : element.NestedType ?? definitions.FindType(element.Types[0].Code))
                ?? throw new InvalidOperationException($"The type of {element.Path} is not defined.");
            var values = items;
            if (!element.IsCollection && items.Count > 1)
            {
                _path.Add(name);
                Report(IssueSeverity.Error, $"'{name}' does not repeat, but appears {items.Count} times{At(Place(items[1]))}");
                _path.RemoveAt(_path.Count - 1);
                values = [items[0]];
            }
            if (childType.IsPrimitive)
            {
                WritePrimitives(name, values, childType, element.IsCollection);
            }
            else
            {
                _json.WritePropertyName(name);
                if (element.IsCollection)
                {
                    _json.WriteStartArray();
                }
                for (var i = 0; i < values.Count; i++)
                {
                    _path.Add(element.IsCollection ? Indexed(name, i) : name);
                    WriteComplex(values[i], childType);
                    _path.RemoveAt(_path.Count - 1);
                }
                if (element.IsCollection)
                {
                    _json.WriteEndArray();
                }
            }
        }
    }

    private void WriteComplex(ISourceNode node, TypeDefinition type)
    {
        if (!type.IsResource)
        {
            WriteObject(node, type);
            return;
        }
        var resourceType = node.GetResourceTypeIndicator();
        if (resourceType is null)
        {
            Report(IssueSeverity.Error, $"'{node.Name}' must hold a resource{At(Place(node))}");
            _json.WriteStartObject();
            _json.WriteEndObject();
            return;
        }
        // The resource's own path starts at its element (Bundle.entry[0].resource.id), as the JSON reader's does.
        _json.WriteStartObject();
        _json.WriteString("resourceType", resourceType);
        if (definitions.IsResourceType(resourceType) && definitions.FindType(resourceType) is { } actual)
        {
            WriteChildren(node, Children(node), actual);
        }
        _json.WriteEndObject();
    }

    /// <summary>Writes <c>name</c> (the values) and <c>_name</c> (ids and extensions) of primitive elements.</summary>
    private void WritePrimitives(string name, List<ISourceNode> items, TypeDefinition type, bool repeats)
    {
        var texts = new string?[items.Count];
        var extras = new List<ISourceNode>?[items.Count];
        var anyValue = false;
        var anyExtra = false;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            _path.Add(repeats ? Indexed(name, i) : name);
            if (type.Name == "xhtml")
            {
                var details = Place(item);
                if (details.Namespace != XhtmlNamespace)
                {
                    Report(IssueSeverity.Error, $"'{name}' must be an xhtml div (namespace {XhtmlNamespace}){At(details)}");
                }
                else
                {
                    // The SDK's text of the div has lost its whitespace-only text; the scan's copy has all of it.
                    texts[i] = narratives.TryGetValue((details.Line, details.Position), out var exact) ? exact : item.Text;
                }
            }
            else if (type.Kind == TypeKind.System)
            {
                texts[i] = item.Text; // Element.id and Extension.url: attributes, checked by CheckRepresentation
            }
            else
            {
                texts[i] = CheckValue(item, type);
                var children = Children(item);
                if (children.Count > 0)
                {
                    extras[i] = children;
                    anyExtra = true;
                }
                CheckText(item);
            }
            anyValue |= texts[i] is not null;
            _path.RemoveAt(_path.Count - 1);
        }
        if (anyValue)
        {
            _json.WritePropertyName(name);
            if (repeats)
            {
                _json.WriteStartArray();
            }
            foreach (var text in texts)
            {
                WriteValue(text, type);
            }
            if (repeats)
            {
                _json.WriteEndArray();
            }
        }
        if (anyExtra)
        {
            _json.WritePropertyName("_" + name);
            if (repeats)
            {
                _json.WriteStartArray();
            }
            for (var i = 0; i < items.Count; i++)
            {
                _path.Add(repeats ? Indexed(name, i) : name);
                if (extras[i] is { } children)
                {
                    _json.WriteStartObject();
                    WriteChildren(items[i], children, type);
                    _json.WriteEndObject();
                }
                else
                {
                    _json.WriteNullValue(); // aligns with a value that has no id or extension
                }
                _path.RemoveAt(_path.Count - 1);
            }
            if (repeats)
            {
                _json.WriteEndArray();
            }
        }
    }

    private void WriteValue(string? text, TypeDefinition type)
    {
        if (text is null)
        {
            _json.WriteNullValue(); // aligns with an id or extension that has no value
            return;
        }
        switch (type.Name)
        {
            case "boolean":
                _json.WriteBooleanValue(text == "true");
                break;
            case "integer" or "positiveInt" or "unsignedInt" or "decimal":
                _json.WriteRawValue(text, skipInputValidation: true); // checked by CheckValue: the digits stay as written
                break;
            default:
                _json.WriteStringValue(text);
                break;
        }
    }

    /// <summary>The value attribute's text, or null when absent or not of the lexical form JSON needs for the type (reported).</summary>
    private string? CheckValue(ISourceNode item, TypeDefinition type)
    {
        var text = RawValue(item);
        if (text is null)
        {
            return null;
        }
        var valid = type.Name switch
        {
            "boolean" => text is "true" or "false",
            "integer" or "positiveInt" or "unsignedInt" or "decimal" => IsJsonNumber(text),
            _ => true,
        };
        if (!valid)
        {
            Report(IssueSeverity.Error, $"'{Shorten(text)}' is not a valid {type.Name}{At(Place(item))}");
            return null;
        }
        return text;
    }

    /// <summary>Elements not in the definitions: written as they are (a string for a bare value, else an object) for the JSON reader to judge.</summary>
    private void WriteUnknown(string name, List<ISourceNode> items)
    {
        if (name.StartsWith('_'))
        {
            // In JSON a leading underscore means "the id and extensions of a primitive": such a name cannot pass through.
            _path.Add(name);
            var message = $"Unknown element '{Shorten(name)}'{At(Place(items[0]))}";
            if (options.UnknownElements == UnknownElementHandling.Drop)
            {
                Report(IssueSeverity.Warning, message + "; dropped (lenient intake)");
            }
            else
            {
                Report(IssueSeverity.Error, message);
            }
            _path.RemoveAt(_path.Count - 1);
            return;
        }
        _json.WritePropertyName(name);
        WriteUnknownValues(items);
    }

    // One value as itself, several as an array (what an unknown element's JSON would be).
    private void WriteUnknownValues(IReadOnlyList<ISourceNode> items)
    {
        if (items.Count > 1)
        {
            _json.WriteStartArray();
        }
        foreach (var item in items)
        {
            WriteUnknownValue(item);
        }
        if (items.Count > 1)
        {
            _json.WriteEndArray();
        }
    }

    private void WriteUnknownValue(ISourceNode item)
    {
        var children = Children(item);
        if (children.Count == 0)
        {
            _json.WriteStringValue(item.Text ?? "");
            return;
        }
        _json.WriteStartObject();
        if (item.Text is { } text)
        {
            _json.WriteString("value", text);
        }
        foreach (var group in children.GroupBy(c => c.Name))
        {
            _json.WritePropertyName(group.Key.StartsWith('_') ? "x" + group.Key : group.Key);
            WriteUnknownValues(group.ToList());
        }
        _json.WriteEndObject();
    }

    /// <summary>
    /// Element.id and Extension.url are attributes in FHIR XML; everything else is an element. Attributes with names
    /// the type does not have pass through as unknown elements. False when the child is left out (reported).
    /// </summary>
    private bool CheckRepresentation(ISourceNode child, TypeDefinition owner)
    {
        var details = Place(child);
        var isAttribute = details.IsAttribute;
        if (details.IsNamespaceDeclaration)
        {
            return false;
        }
        if (!owner.TryResolveJsonName(child.Name, out var element, out var choice))
        {
            return true;
        }
        var asAttribute = choice is null && element.Types.Count == 1 && definitions.FindType(element.Types[0].Code) is { Kind: TypeKind.System }
            && !(owner.IsResource && element.Name == "id");
        if (isAttribute == asAttribute)
        {
            return true;
        }
        _path.Add(child.Name);
        Report(IssueSeverity.Error, asAttribute
            ? $"'{child.Name}' is an attribute in FHIR XML, not an element{At(details)}"
            : $"'{child.Name}' is an element in FHIR XML, not an attribute{At(details)}");
        _path.RemoveAt(_path.Count - 1);
        return false;
    }

    /// <summary>Text between FHIR elements (outside the xhtml narrative) is not FHIR content.</summary>
    private void CheckText(ISourceNode node)
    {
        if (Place(node).X is not XElement element)
        {
            return;
        }
        foreach (var content in element.Nodes())
        {
            if (content is XText text && !string.IsNullOrWhiteSpace(text.Value))
            {
                Report(IssueSeverity.Error, $"'{node.Name}' has text content ('{Shorten(text.Value.Trim())}'); FHIR XML carries values in 'value' attributes{At(Place(node))}");
                return;
            }
        }
    }

    private void OnSdkIssue(ExceptionNotification notification)
    {
        var message = notification.Message.StartsWith("Parser: ", StringComparison.Ordinal) ? notification.Message[8..] : notification.Message;
        // The SDK takes any Unicode whitespace (a no-break space too) for an empty attribute; the JSON reader judges
        // the value by its type's rules instead, as it does for JSON, and refuses values that are really empty.
        if (message.Contains("has an empty value", StringComparison.Ordinal))
        {
            return;
        }
        Report(notification.Severity == ExceptionSeverity.Warning ? IssueSeverity.Warning : IssueSeverity.Error, message);
    }

    private static List<ISourceNode> Children(ISourceNode node) => [.. node.Children()];

    /// <summary>
    /// The <c>value</c> attribute as written: the SDK's <see cref="ISourceNode.Text"/> trims it, and leading or trailing
    /// whitespace is part of a FHIR string (which the JSON form keeps).
    /// </summary>
    private static string? RawValue(ISourceNode node) => Place(node).X switch
    {
        XElement element => element.Attribute("value")?.Value,
        XAttribute attribute => attribute.Value,
        _ => node.Text,
    };

    /// <summary>Where a node of the SDK's XML tree is, read from its XML object (cheaper than the SDK's serialization-details annotation).</summary>
    private static XmlPlace Place(ISourceNode node)
    {
        var x = (node as FhirXmlNode)?.Current;
        var info = x as IXmlLineInfo;
        return x switch
        {
            XElement e => new XmlPlace(x, e.Name.NamespaceName, IsAttribute: false, IsNamespaceDeclaration: false, info?.LineNumber ?? 0, info?.LinePosition ?? 0),
            XAttribute a => new XmlPlace(x, a.Name.NamespaceName, IsAttribute: true, a.IsNamespaceDeclaration, info?.LineNumber ?? 0, info?.LinePosition ?? 0),
            _ => new XmlPlace(x, null, IsAttribute: false, IsNamespaceDeclaration: false, 0, 0),
        };
    }

    private static string At(XmlPlace place) => place.Line > 0 ? $" (line {place.Line}, position {place.Position})" : "";

    private void Report(IssueSeverity severity, string message) =>
        _issues.Add(new Issue(severity, IssueType.Structure, message, _path.Count == 0 ? null : string.Join('.', _path)));

    private static string Indexed(string name, int index) => name + "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "...";

    /// <summary>The JSON number grammar (which FHIR's numeric types narrow further; the JSON reader checks those rules).</summary>
    internal static bool IsJsonNumber(string text)
    {
        var i = 0;
        if (i < text.Length && text[i] == '-')
        {
            i++;
        }
        if (i >= text.Length || !char.IsAsciiDigit(text[i]))
        {
            return false;
        }
        if (text[i] == '0')
        {
            i++;
        }
        else
        {
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }
        if (i < text.Length && text[i] == '.')
        {
            i++;
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == start)
            {
                return false;
            }
        }
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                i++;
            }
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == start)
            {
                return false;
            }
        }
        return i == text.Length;
    }
}

/// <summary>A node's XML object, namespace, kind and position.</summary>
internal readonly record struct XmlPlace(XObject? X, string? Namespace, bool IsAttribute, bool IsNamespaceDeclaration, int Line, int Position);
