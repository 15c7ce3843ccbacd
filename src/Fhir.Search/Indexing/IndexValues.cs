using Fhir.Core.Model;
using Fhir.Core.Primitives;
using Fhir.Search.Parameters;
using Fhir.Search.Queries;

namespace Fhir.Search.Indexing;

/// <summary>How a value of each FHIR type becomes index values of each search-parameter type (FHIR R4 Search §3.1.1.4).</summary>
internal static class IndexValues
{
    public static void Add(List<IndexValue> values, SearchParameterInfo parameter, ElementNode node) =>
        Add(values, parameter.Code, parameter.Type, node);

    public static void Add(List<IndexValue> values, string code, SearchParamType type, ElementNode node)
    {
        switch (type)
        {
            case SearchParamType.String:
                AddStrings(values, code, node);
                break;
            case SearchParamType.Token:
                AddTokens(values, code, node);
                break;
            case SearchParamType.Reference:
                AddReference(values, code, node);
                break;
            case SearchParamType.Date:
                AddDate(values, code, node);
                break;
            case SearchParamType.Number:
                if (node.Value is decimal or int && SearchValues.TryParseNumber(Text(node)!, out var n, out var low, out var high))
                {
                    values.Add(new NumberIndexValue(code, n, low, high));
                }
                break;
            case SearchParamType.Quantity:
                AddQuantity(values, code, node);
                break;
            case SearchParamType.Uri:
                if (node.Value is string uri)
                {
                    values.Add(new UriIndexValue(code, uri));
                }
                break;
        }
    }

    private static void AddStrings(List<IndexValue> values, string code, ElementNode node)
    {
        if (node.Value is string s)
        {
            values.Add(new StringIndexValue(code, SearchText.Normalize(s), s));
            return;
        }
        // HumanName, Address and other complex values: every string part is searchable.
        foreach (var child in node.Children)
        {
            if (child.Value is string part && child.Type.Name is "string" or "markdown")
            {
                values.Add(new StringIndexValue(code, SearchText.Normalize(part), part));
            }
        }
    }

    private static void AddTokens(List<IndexValue> values, string code, ElementNode node)
    {
        switch (node.Type.Name)
        {
            case "Coding":
                values.Add(new TokenIndexValue(code, node.GetString("system"), node.GetString("code"), node.GetString("display")));
                break;
            case "CodeableConcept":
                // :text searches the concept's text and every coding's display: each coding row carries its
                // display, and the text gets a row of its own (no system or code, so only :text and :missing see it).
                foreach (var coding in node.ChildrenNamed("coding"))
                {
                    values.Add(new TokenIndexValue(code, coding.GetString("system"), coding.GetString("code"), coding.GetString("display")));
                }
                if (node.GetString("text") is { } text)
                {
                    values.Add(new TokenIndexValue(code, null, null, text));
                }
                break;
            case "Identifier":
                var identifierValue = node.GetString("value");
                var type = node.Child("type");
                values.Add(new TokenIndexValue(code, node.GetString("system"), identifierValue, type?.GetString("text")));
                if (type is not null && identifierValue is not null)
                {
                    // :of-type=system|code|value, as its own code: the type's coding and the value in one row.
                    foreach (var coding in type.ChildrenNamed("coding"))
                    {
                        if (coding.GetString("code") is { } typeCode)
                        {
                            values.Add(new TokenIndexValue(code + ":of-type", coding.GetString("system"), typeCode + "|" + identifierValue));
                        }
                    }
                }
                break;
            case "ContactPoint":
                values.Add(new TokenIndexValue(code, node.GetString("system"), node.GetString("value")));
                break;
            default:
                if (node.Value is bool b)
                {
                    values.Add(new TokenIndexValue(code, null, b ? "true" : "false"));
                }
                else if (node.Value is string s)
                {
                    values.Add(new TokenIndexValue(code, null, s));
                }
                break;
        }
    }

    private static void AddReference(List<IndexValue> values, string code, ElementNode node)
    {
        var reference = node.Type.Name == "Reference" ? node.GetString("reference") : node.Value as string;
        if (node.Type.Name == "Reference" && node.Child("identifier") is { } identifier)
        {
            // :identifier searches the logical reference as a token under its own code.
            values.Add(new TokenIndexValue(code + ":identifier", identifier.GetString("system"), identifier.GetString("value")));
        }
        if (reference is null || reference.StartsWith('#'))
        {
            return; // logical (identifier-only) and contained references are not resolvable through the index
        }
        if (reference.StartsWith("http://", StringComparison.Ordinal) || reference.StartsWith("https://", StringComparison.Ordinal) || reference.StartsWith("urn:", StringComparison.Ordinal))
        {
            values.Add(new ReferenceIndexValue(code, null, null, reference));
            return;
        }
        var parts = reference.Split('/');
        // Type/id or Type/id/_history/vid
        if ((parts.Length == 2 || (parts.Length == 4 && parts[2] == "_history")) && parts[0].Length > 0 && parts[1].Length > 0)
        {
            values.Add(new ReferenceIndexValue(code, parts[0], parts[1], null));
        }
    }

    private static void AddDate(List<IndexValue> values, string code, ElementNode node)
    {
        switch (node.Type.Name)
        {
            case "date" or "dateTime" or "instant":
                if (TryRange(node.Value as string, out var low, out var high))
                {
                    values.Add(new DateIndexValue(code, low, high));
                }
                break;
            case "Period":
                var hasStart = TryRange(node.GetString("start"), out var startLow, out _);
                var hasEnd = TryRange(node.GetString("end"), out _, out var endHigh);
                if (hasStart || hasEnd)
                {
                    // An open end runs to the end of time, an open start from its beginning.
                    values.Add(new DateIndexValue(code, hasStart ? startLow : DateTime.MinValue, hasEnd ? endHigh : DateTime.MaxValue));
                }
                break;
            case "Timing":
                var events = node.ChildrenNamed("event").Select(e => TryRange(e.Value as string, out var l, out var h) ? (l, h) : ((DateTime, DateTime)?)null).OfType<(DateTime Low, DateTime High)>().ToList();
                if (events.Count > 0)
                {
                    values.Add(new DateIndexValue(code, events.Min(e => e.Low), events.Max(e => e.High)));
                }
                else if (node.Child("repeat")?.Child("bounds") is { Type.Name: "Period" } bounds)
                {
                    // A repeating schedule without listed events covers its bounds.
                    AddDate(values, code, bounds);
                }
                break;
        }
    }

    private static void AddQuantity(List<IndexValue> values, string code, ElementNode node)
    {
        if (node.Type.Name == "Range")
        {
            AddRange(values, code, node);
            return;
        }
        if (node.Child("value") is not { Value: decimal } valueNode || !SearchValues.TryParseNumber(Text(valueNode)!, out var value, out var low, out var high))
        {
            return;
        }
        var system = node.GetString("system");
        var unit = node.GetString("code") ?? node.GetString("unit");
        if (node.Type.Name == "Money")
        {
            system = "urn:iso:std:iso:4217";
            unit = node.GetString("currency");
        }
        if (QuantityCanonicalizer.TryCanonical(value, low, high, system, node.GetString("code"), out var cv, out _, out _, out var cu))
        {
            values.Add(new QuantityIndexValue(code, value, low, high, system, unit, cv, cu));
        }
        else
        {
            values.Add(new QuantityIndexValue(code, value, low, high, system, unit));
        }
    }

    // A Range (the useContext quantity parameters) is the quantity range from its low to its high end, each end
    // with its own precision; both ends are needed, in the same unit.
    private static void AddRange(List<IndexValue> values, string code, ElementNode range)
    {
        var lowNode = range.Child("low");
        var highNode = range.Child("high");
        if (lowNode?.Child("value") is not { Value: decimal } lowValue || highNode?.Child("value") is not { Value: decimal } highValue
            || !SearchValues.TryParseNumber(Text(lowValue)!, out var lowMid, out var low, out _)
            || !SearchValues.TryParseNumber(Text(highValue)!, out var highMid, out _, out var high))
        {
            return;
        }
        var system = lowNode.GetString("system") ?? highNode.GetString("system");
        var unit = lowNode.GetString("code") ?? highNode.GetString("code");
        if (unit != highNode.GetString("code") && highNode.GetString("code") is not null)
        {
            return;
        }
        var value = (lowMid + highMid) / 2;
        if (value != 0 && QuantityCanonicalizer.TryCanonical(value, low, high, system, unit, out var cv, out _, out _, out var cu))
        {
            values.Add(new QuantityIndexValue(code, value, low, high, system, unit ?? lowNode.GetString("unit"), cv, cu));
        }
        else
        {
            values.Add(new QuantityIndexValue(code, value, low, high, system, unit ?? lowNode.GetString("unit")));
        }
    }

    private static bool TryRange(string? text, out DateTime low, out DateTime high)
    {
        low = high = default;
        return text is not null && SearchDates.TryParseRange(text, out low, out high);
    }

    private static string? Text(ElementNode node) => node.Value switch
    {
        decimal when node.DecimalText is { } text => text,
        decimal d => d.ToString(System.Globalization.CultureInfo.InvariantCulture),
        int i => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };
}
