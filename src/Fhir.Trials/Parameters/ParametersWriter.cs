using Fhir.Core.Definitions;
using Fhir.Core.Model;

namespace Fhir.Trials.Parameters;

/// <summary>Builds a <c>Parameters</c> resource as an <see cref="ElementNode"/> tree, one parameter or part at a time.</summary>
internal static class ParametersWriter
{
    /// <summary>An empty Parameters resource.</summary>
    public static ElementNode NewParameters() =>
        new("Parameters", FhirDefinitions.R4.FindType("Parameters") ?? throw new InvalidOperationException("R4 has no Parameters type."));

    /// <summary>A new <c>parameter</c> (on the resource) or <c>part</c> (on a parameter) named <paramref name="name"/>.</summary>
    public static ElementNode Add(ElementNode parent, string name)
    {
        var node = AddComplex(parent, parent.IsResource ? "parameter" : "part");
        node.SetPrimitive("name", name);
        return node;
    }

    public static void AddString(ElementNode parent, string name, string value) => Add(parent, name).SetPrimitive("valueString", value);

    public static void AddInteger(ElementNode parent, string name, int value) => Add(parent, name).SetPrimitive("valueInteger", value);

    public static void AddBoolean(ElementNode parent, string name, bool value) => Add(parent, name).SetPrimitive("valueBoolean", value);

    public static void AddDecimal(ElementNode parent, string name, decimal value) => Add(parent, name).SetPrimitive("valueDecimal", value);

    public static void AddCode(ElementNode parent, string name, string value) => Add(parent, name).SetPrimitive("valueCode", value);

    public static void AddDate(ElementNode parent, string name, DateOnly value) =>
        Add(parent, name).SetPrimitive("valueDate", value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>A parameter or part whose value is a new, empty resource of <paramref name="type"/>; returns that resource to fill.</summary>
    public static ElementNode AddResource(ElementNode parent, string name, string type)
    {
        var p = Add(parent, name);
        if (!p.Type.TryResolveJsonName("resource", out var element, out _))
        {
            throw new InvalidOperationException("Parameters.parameter has no element 'resource'.");
        }
        var node = new ElementNode(element.Name, FhirDefinitions.R4.FindType(type) ?? throw new InvalidOperationException($"R4 has no {type} type."), element);
        p.Add(node);
        return node;
    }

    /// <summary>A new node of the complex element <paramref name="jsonName"/> (<c>issue</c>, <c>valueCodeableConcept</c>...).</summary>
    public static ElementNode AddElement(ElementNode parent, string jsonName) => AddComplex(parent, jsonName);

    public static void AddReference(ElementNode parent, string name, string reference) =>
        AddComplex(Add(parent, name), "valueReference").SetPrimitive("reference", reference);

    public static void AddQuantity(ElementNode parent, string name, decimal value, string unit, string system, string code)
    {
        var quantity = AddComplex(Add(parent, name), "valueQuantity");
        quantity.SetPrimitive("value", value);
        quantity.SetPrimitive("unit", unit);
        quantity.SetPrimitive("system", system);
        quantity.SetPrimitive("code", code);
    }

    public static void AddCoding(ElementNode parent, string name, string system, string code, string? display)
    {
        var coding = AddComplex(Add(parent, name), "valueCoding");
        coding.SetPrimitive("system", system);
        coding.SetPrimitive("code", code);
        if (display is not null)
        {
            coding.SetPrimitive("display", display);
        }
    }

    // A new node of a complex element, even when siblings of that element exist (GetOrAddComplex would reuse them).
    private static ElementNode AddComplex(ElementNode parent, string jsonName)
    {
        if (!parent.Type.TryResolveJsonName(jsonName, out var element, out var choice))
        {
            throw new ArgumentException($"{parent.Type.Name} has no element '{jsonName}'.", nameof(jsonName));
        }
        var type = choice is not null
            ? FhirDefinitions.R4.FindType(choice.Code)
            : element.NestedType ?? FhirDefinitions.R4.FindType(element.Types[0].Code);
        var node = new ElementNode(element.Name, type ?? throw new InvalidOperationException($"The type of '{jsonName}' is not defined."), element);
        parent.Add(node);
        return node;
    }
}
