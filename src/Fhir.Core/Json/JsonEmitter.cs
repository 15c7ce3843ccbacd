using System.Globalization;
using System.Text.Json;
using Fhir.Core.Model;
using Fhir.Core.Primitives;

namespace Fhir.Core.Json;

/// <summary>
/// Writes an <see cref="ElementNode"/> tree as canonical FHIR JSON: <c>resourceType</c> first, children in
/// the tree's (canonical) order, arrays for repeating elements, primitive ids and extensions as
/// <c>_name</c> aligned with nulls, decimals as written. Applies <c>_summary</c> and <c>_elements</c>.
/// </summary>
internal readonly struct JsonEmitter
{
    private const string SubsettedSystem = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";
    private const string SubsettedCode = "SUBSETTED";
    private static readonly JsonEncodedText ResourceTypeName = JsonEncodedText.Encode("resourceType");

    private readonly Utf8JsonWriter _writer;
    private readonly SummaryMode _summary;
    private readonly IReadOnlySet<string>? _elements;
    private readonly ElementNode _root;
    private readonly bool _subsetting;

    public JsonEmitter(Utf8JsonWriter writer, FhirJsonWriterOptions options, ElementNode root)
    {
        _writer = writer;
        _summary = options.Summary;
        _elements = options.Elements;
        _root = root;
        _subsetting = _elements is not null || _summary != SummaryMode.False;
    }

    public void WriteRoot()
    {
        if (_root.Type.IsPrimitive)
        {
            if (_root.Value is null)
            {
                _writer.WriteNullValue();
            }
            else
            {
                WriteValue(_root);
            }
            return;
        }
        WriteComplex(_root, summaryOnly: false);
    }

    private void WriteComplex(ElementNode node, bool summaryOnly)
    {
        _writer.WriteStartObject();
        if (node.IsResource)
        {
            _writer.WriteString(ResourceTypeName, node.Type.Name);
            if (IsSubject(node))
            {
                WriteSubjectChildren(node);
                _writer.WriteEndObject();
                return;
            }
        }
        WriteChildren(node, summaryOnly);
        _writer.WriteEndObject();
    }

    private void WriteChildren(ElementNode node, bool summaryOnly)
    {
        var children = node.Children;
        var start = 0;
        while (start < children.Count)
        {
            var end = GroupEnd(children, start);
            var definition = children[start].Definition;
            if (!summaryOnly || definition is null || definition.IsSummary)
            {
                WriteGroup(children, start, end, summaryOnly);
            }
            start = end;
        }
    }

    /// <summary>Writes the siblings [start, end) that share an element name as one JSON property (two for primitives with extensions).</summary>
    private void WriteGroup(IReadOnlyList<ElementNode> children, int start, int end, bool summaryOnly)
    {
        var first = children[start];
        var asArray = first.Definition?.IsCollection ?? end - start > 1;
        // A single element given twice cannot be written as one; an array keeps the data and the reader then says what is wrong.
        asArray |= end - start > 1;
        var name = first.JsonName;
        if (first.Type.IsPrimitive)
        {
            WritePrimitives(children, start, end, name, asArray, summaryOnly);
            return;
        }
        if (!asArray)
        {
            if (HasContent(first, summaryOnly))
            {
                _writer.WritePropertyName(name);
                WriteComplex(first, summaryOnly);
            }
            return;
        }
        var opened = false;
        for (var i = start; i < end; i++)
        {
            if (!HasContent(children[i], summaryOnly))
            {
                continue;
            }
            if (!opened)
            {
                _writer.WriteStartArray(name);
                opened = true;
            }
            WriteComplex(children[i], summaryOnly);
        }
        if (opened)
        {
            _writer.WriteEndArray();
        }
    }

    private void WritePrimitives(IReadOnlyList<ElementNode> children, int start, int end, string name, bool asArray, bool summaryOnly)
    {
        if (!asArray)
        {
            var node = children[start];
            if (node.Value is not null)
            {
                _writer.WritePropertyName(name);
                WriteValue(node);
            }
            if (HasExtensionContent(node, summaryOnly))
            {
                _writer.WriteStartObject("_" + name);
                WriteChildren(node, summaryOnly);
                _writer.WriteEndObject();
            }
            return;
        }
        // Items with neither a value nor extensions are left out of both arrays, keeping them aligned.
        bool anyValue = false, anyExtension = false;
        for (var i = start; i < end; i++)
        {
            anyValue |= children[i].Value is not null;
            anyExtension |= HasExtensionContent(children[i], summaryOnly);
        }
        if (anyValue)
        {
            _writer.WriteStartArray(name);
            for (var i = start; i < end; i++)
            {
                var node = children[i];
                if (node.Value is not null)
                {
                    WriteValue(node);
                }
                else if (anyExtension && HasExtensionContent(node, summaryOnly))
                {
                    _writer.WriteNullValue();
                }
            }
            _writer.WriteEndArray();
        }
        if (anyExtension)
        {
            _writer.WriteStartArray("_" + name);
            for (var i = start; i < end; i++)
            {
                var node = children[i];
                if (HasExtensionContent(node, summaryOnly))
                {
                    _writer.WriteStartObject();
                    WriteChildren(node, summaryOnly);
                    _writer.WriteEndObject();
                }
                else if (node.Value is not null)
                {
                    _writer.WriteNullValue();
                }
            }
            _writer.WriteEndArray();
        }
    }

    private void WriteValue(ElementNode node)
    {
        switch (node.Value)
        {
            case string text:
                _writer.WriteStringValue(text);
                break;
            case bool flag:
                _writer.WriteBooleanValue(flag);
                break;
            case int number:
                _writer.WriteNumberValue(number);
                break;
            case long number:
                _writer.WriteNumberValue(number);
                break;
            case decimal number:
                // The text as read keeps the precision (1.50, 1e3) as long as it still says the same number.
                if (node.DecimalText is { } written && PrimitiveChecks.TryParseDecimalText(written, out var parsed) && parsed == number)
                {
                    _writer.WriteRawValue(written, skipInputValidation: true);
                }
                else
                {
                    _writer.WriteNumberValue(number);
                }
                break;
            case double number:
                // A decimal beyond System.Decimal: its text is exact, the double only approximates it.
                if (node.DecimalText is { } exact && double.TryParse(exact, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == number)
                {
                    _writer.WriteRawValue(exact, skipInputValidation: true);
                }
                else
                {
                    _writer.WriteNumberValue(number);
                }
                break;
            case var other:
                _writer.WriteStringValue(Convert.ToString(other, CultureInfo.InvariantCulture));
                break;
        }
    }

    // ---- _summary and _elements ----

    /// <summary>True for the resources the subsetting applies to: the root, or the entry resources of a root Bundle.</summary>
    private bool IsSubject(ElementNode resource)
    {
        if (!_subsetting)
        {
            return false;
        }
        var rootIsBundle = _root.IsResource && _root.Type.Name == "Bundle";
        return ReferenceEquals(resource, _root)
            ? !rootIsBundle
            : rootIsBundle && resource.Definition?.Path == "Bundle.entry.resource" && ReferenceEquals(resource.Parent?.Parent, _root);
    }

    private void WriteSubjectChildren(ElementNode resource)
    {
        var summaryOnly = _elements is null && _summary == SummaryMode.True;
        var metaOrder = resource.Type.FindElement("meta")?.Order ?? -1;
        var metaWritten = false;
        var children = resource.Children;
        var start = 0;
        while (start < children.Count)
        {
            var end = GroupEnd(children, start);
            var first = children[start];
            var definition = first.Definition;
            if (!metaWritten && (definition?.Order ?? int.MaxValue) >= metaOrder)
            {
                WriteSubsettedMeta(first.Name == "meta" ? first : null);
                metaWritten = true;
                if (first.Name == "meta")
                {
                    start = end;
                    continue;
                }
            }
            if (KeepTopLevel(first))
            {
                WriteGroup(children, start, end, summaryOnly);
            }
            start = end;
        }
        if (!metaWritten)
        {
            WriteSubsettedMeta(null);
        }
    }

    private bool KeepTopLevel(ElementNode node)
    {
        var definition = node.Definition;
        if (definition is null || node.Name is "id" or "meta")
        {
            return true;
        }
        if (_elements is not null)
        {
            return definition.Min > 0 || _elements.Contains(node.Name) || _elements.Contains(node.JsonName);
        }
        return _summary switch
        {
            SummaryMode.True => definition.IsSummary || definition.Min > 0,
            SummaryMode.Text => node.Name == "text" || definition.Min > 0,
            SummaryMode.Data => node.Name != "text",
            _ => true,
        };
    }

    /// <summary>Writes <c>meta</c> (in full) with the SUBSETTED tag added to <c>meta.tag</c>, the last element of Meta.</summary>
    private void WriteSubsettedMeta(ElementNode? meta)
    {
        _writer.WriteStartObject("meta");
        var tagged = false;
        if (meta is not null)
        {
            var children = meta.Children;
            var start = 0;
            while (start < children.Count)
            {
                var end = GroupEnd(children, start);
                if (children[start].Name != "tag")
                {
                    WriteGroup(children, start, end, summaryOnly: false);
                    start = end;
                    continue;
                }
                _writer.WriteStartArray("tag");
                for (var i = start; i < end; i++)
                {
                    tagged |= children[i].GetString("system") == SubsettedSystem && children[i].GetString("code") == SubsettedCode;
                    WriteComplex(children[i], summaryOnly: false);
                }
                if (!tagged)
                {
                    WriteSubsettedTag();
                }
                _writer.WriteEndArray();
                tagged = true;
                start = end;
            }
        }
        if (!tagged)
        {
            _writer.WriteStartArray("tag");
            WriteSubsettedTag();
            _writer.WriteEndArray();
        }
        _writer.WriteEndObject();
    }

    private void WriteSubsettedTag()
    {
        _writer.WriteStartObject();
        _writer.WriteString("system", SubsettedSystem);
        _writer.WriteString("code", SubsettedCode);
        _writer.WriteString("display", "Resource encoded in summary mode");
        _writer.WriteEndObject();
    }

    // ---- helpers ----

    private static int GroupEnd(IReadOnlyList<ElementNode> children, int start)
    {
        var name = children[start].Name;
        var end = start + 1;
        while (end < children.Count && children[end].Name == name)
        {
            end++;
        }
        return end;
    }

    /// <summary>True when a complex node has something to write (an empty object is not valid FHIR JSON).</summary>
    private static bool HasContent(ElementNode node, bool summaryOnly)
    {
        if (node.IsResource)
        {
            return true;
        }
        if (node.Type.IsPrimitive)
        {
            return node.Value is not null || HasExtensionContent(node, summaryOnly);
        }
        foreach (var child in node.Children)
        {
            if (summaryOnly && child.Definition is { IsSummary: false })
            {
                continue;
            }
            if (!summaryOnly || HasContent(child, summaryOnly))
            {
                return true;
            }
        }
        return false;
    }

    private static bool HasExtensionContent(ElementNode primitive, bool summaryOnly)
    {
        var children = primitive.Children;
        if (!summaryOnly)
        {
            return children.Count > 0;
        }
        foreach (var child in children)
        {
            if (child.Definition is not { IsSummary: false } && HasContent(child, summaryOnly))
            {
                return true;
            }
        }
        return false;
    }
}
