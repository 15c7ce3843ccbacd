using System.Globalization;
using Fhir.Core.Definitions;
using Fhir.Core.Model;
using Fhir.Path.Types;

namespace Fhir.Path.Evaluation;

/// <summary>The FHIRPath system types a value can have.</summary>
internal enum SystemKind
{
    None,
    Boolean,
    String,
    Integer,
    Long,
    Decimal,
    Date,
    DateTime,
    Time,
    Quantity,
}

/// <summary>Conversions between instance nodes and FHIRPath system values.</summary>
internal static class Values
{
    public const string UcumSystem = "http://unitsofmeasure.org";

    /// <summary>The system type of the values of a FHIR primitive or system type; None for complex types.</summary>
    public static SystemKind KindOf(TypeDefinition type)
    {
        if (type.Kind == TypeKind.System)
        {
            return type.Name switch
            {
                "System.Boolean" => SystemKind.Boolean,
                "System.Integer" => SystemKind.Integer,
                "System.Decimal" => SystemKind.Decimal,
                "System.Date" => SystemKind.Date,
                "System.DateTime" => SystemKind.DateTime,
                "System.Time" => SystemKind.Time,
                "System.Quantity" => SystemKind.Quantity,
                _ => SystemKind.String,
            };
        }
        if (type.Kind != TypeKind.Primitive)
        {
            return SystemKind.None;
        }
        return type.Name switch
        {
            "boolean" => SystemKind.Boolean,
            "integer" or "positiveInt" or "unsignedInt" => SystemKind.Integer,
            "integer64" => SystemKind.Long,
            "decimal" => SystemKind.Decimal,
            "date" => SystemKind.Date,
            "dateTime" or "instant" => SystemKind.DateTime,
            "time" => SystemKind.Time,
            _ => SystemKind.String,
        };
    }

    /// <summary>The system type of a system value (not a node).</summary>
    public static SystemKind KindOfValue(object value) => value switch
    {
        bool => SystemKind.Boolean,
        string => SystemKind.String,
        int => SystemKind.Integer,
        long => SystemKind.Long,
        decimal => SystemKind.Decimal,
        FhirPathDate => SystemKind.Date,
        FhirPathDateTime => SystemKind.DateTime,
        FhirPathTime => SystemKind.Time,
        FhirPathQuantity => SystemKind.Quantity,
        _ => SystemKind.None,
    };

    public static string SystemTypeName(SystemKind kind) => kind switch
    {
        SystemKind.Boolean => "Boolean",
        SystemKind.String => "String",
        SystemKind.Integer => "Integer",
        SystemKind.Long => "Long",
        SystemKind.Decimal => "Decimal",
        SystemKind.Date => "Date",
        SystemKind.DateTime => "DateTime",
        SystemKind.Time => "Time",
        SystemKind.Quantity => "Quantity",
        _ => "Any",
    };

    /// <summary>True for a primitive node (FHIR primitive or system-typed).</summary>
    public static bool IsPrimitive(ElementNode node) => node.Type.Kind is TypeKind.Primitive or TypeKind.System;

    /// <summary>
    /// The system value of an item: itself for a system value; the value of a primitive node (null when it has
    /// only extensions); a Quantity node as a <see cref="FhirPathQuantity"/> when it converts; other nodes themselves.
    /// </summary>
    public static object? ToSystem(object item)
    {
        if (item is not ElementNode node)
        {
            return item;
        }
        var kind = KindOf(node.Type);
        if (kind == SystemKind.None)
        {
            return IsQuantityNode(node) ? QuantityOf(node) ?? (object)node : node;
        }
        return PrimitiveValue(node, kind);
    }

    /// <summary>The system value of a primitive node, or null when it has none (or it does not parse).</summary>
    public static object? PrimitiveValue(ElementNode node, SystemKind kind)
    {
        var raw = node.Value;
        if (raw is null)
        {
            return null;
        }
        switch (kind)
        {
            case SystemKind.String:
                return raw as string ?? Convert.ToString(raw, CultureInfo.InvariantCulture);
            case SystemKind.Boolean:
                return raw is bool b ? Items.Box(b) : raw is string sb && bool.TryParse(sb, out var pb) ? Items.Box(pb) : null;
            case SystemKind.Integer:
                return raw switch
                {
                    int i => raw,
                    long l when l is >= int.MinValue and <= int.MaxValue => Items.Box((int)l),
                    long l => l,
                    decimal d when d == decimal.Truncate(d) && d is >= int.MinValue and <= int.MaxValue => Items.Box((int)d),
                    string s when int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pi) => Items.Box(pi),
                    _ => null,
                };
            case SystemKind.Long:
                return raw switch
                {
                    long => raw,
                    int i => (long)i,
                    string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var pl) => pl,
                    _ => null,
                };
            case SystemKind.Decimal:
                return raw switch
                {
                    decimal => raw,
                    int i => (decimal)i,
                    long l => (decimal)l,
                    double dbl => (decimal)dbl,
                    string s when decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var pd) => pd,
                    _ => null,
                };
            case SystemKind.Date:
                return raw is string ds && FhirPathDate.TryParse(ds, out var date) ? date : null;
            case SystemKind.DateTime:
                return raw is string dts && FhirPathDateTime.TryParse(dts, out var dateTime) ? dateTime : null;
            case SystemKind.Time:
                return raw is string ts && FhirPathTime.TryParse(ts, out var time) ? time : null;
            default:
                return raw;
        }
    }

    public static bool IsQuantityNode(ElementNode node) =>
        node.Type.Kind == TypeKind.Complex && (node.Type.Name == "Quantity" || node.Type.IsA("Quantity"));

    /// <summary>
    /// A FHIR Quantity as a system Quantity: its value with its UCUM code (or, without a code system, its code or
    /// unit). Null when there is no value, when the unit is from another system, or when a comparator is present.
    /// </summary>
    public static FhirPathQuantity? QuantityOf(ElementNode node)
    {
        if (node.Child("value") is not { } valueNode || PrimitiveValue(valueNode, SystemKind.Decimal) is not decimal value)
        {
            return null;
        }
        if (node.Child("comparator") is not null)
        {
            return null;
        }
        var system = node.Child("system")?.Value as string;
        var code = node.Child("code")?.Value as string;
        var unit = node.Child("unit")?.Value as string;
        if (system is not null && system != UcumSystem)
        {
            return null;
        }
        return new FhirPathQuantity(value, system is null ? code ?? unit ?? "1" : code ?? "1");
    }

    /// <summary>The string of an item: a string value or a string-typed primitive node.</summary>
    public static bool TryGetString(object item, out string value)
    {
        switch (item)
        {
            case string s:
                value = s;
                return true;
            case ElementNode node when KindOf(node.Type) == SystemKind.String && node.Value is { } raw:
                value = raw as string ?? Convert.ToString(raw, CultureInfo.InvariantCulture) ?? "";
                return true;
            default:
                value = "";
                return false;
        }
    }

    /// <summary>The FHIRPath type name of an item for messages: <c>System.Integer</c>, <c>FHIR.HumanName</c>.</summary>
    public static string Describe(object item) => item switch
    {
        ElementNode node => node.Type.Kind == TypeKind.System ? node.Type.Name : "FHIR." + node.Type.Name,
        FhirPathTypeInfo => "System.TypeInfo",
        _ => "System." + SystemTypeName(KindOfValue(item)),
    };

    /// <summary>Formats a decimal as FHIRPath does: invariant culture, scale kept (<c>1.0</c>).</summary>
    public static string Format(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The number of digits after the decimal point of a decimal (its scale).</summary>
    public static int Scale(decimal value) => value.Scale;
}
