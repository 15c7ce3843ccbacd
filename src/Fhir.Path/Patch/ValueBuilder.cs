using System.Globalization;
using System.Text;
using System.Text.Json;
using Fhir.Core.Definitions;
using Fhir.Core.Json;
using Fhir.Core.Model;

namespace Fhir.Path.Patch;

/// <summary>
/// Turns the value of a patch operation into a node of the element it goes to. A <c>value[x]</c> of the element's type is
/// copied; a primitive of another primitive type is converted when both have the same JSON form (string-like, number,
/// boolean) and the text is valid for the target (<c>valueString</c> to <c>xhtml</c> or <c>code</c>, <c>valueInteger</c> to
/// <c>decimal</c>); a complex value given as parts is built element by element from the definitions; a resource goes where
/// resources go. Anything else is a type error: FHIR requires servers to reject values of the wrong type.
/// </summary>
internal sealed class ValueBuilder(FhirDefinitions definitions)
{
    private enum JsonForm { String, Number, Boolean }

    /// <summary>Builds the node for <paramref name="element"/> (named <paramref name="name"/>) from a value holder.</summary>
    /// <param name="element">The element the value becomes.</param>
    /// <param name="name">The node's name (the element name, without a choice suffix).</param>
    /// <param name="choiceType">For a choice element named with its type (<c>valueQuantity</c>), that type; else null.</param>
    /// <param name="holder">The <c>value</c> part (or a nested part): it holds a <c>value[x]</c>, a <c>resource</c> or <c>part</c>s.</param>
    /// <param name="location">Where the holder is in the patch.</param>
    public (ElementNode? Node, string? Error, string? Location) Build(
        ElementDefinitionInfo element, string name, ElementTypeRef? choiceType, ElementNode holder, string location)
    {
        var value = holder.Child("value");
        var resource = holder.Child("resource");
        var target = TargetType(element, choiceType, value ?? resource, out var error);
        if (target is null)
        {
            return (null, error, location);
        }

        if (target.IsResource)
        {
            if (resource is null || !resource.Type.IsA(target.Name))
            {
                return (null, $"{element.Path} takes a resource{(target.IsAbstract ? "" : $" of type {target.Name}")}, given as the part's resource.", location);
            }
            return Copied(Rehome(resource, name, resource.Type, element), location);
        }
        if (resource is not null)
        {
            return (null, $"{element.Path} is a {target.Name}, not a resource.", location);
        }
        if (value is null)
        {
            return target.IsPrimitive
                ? (null, $"{element.Path} is a {target.Name}: give it as a value[x], not as parts.", location)
                : FromParts(target, element, name, holder, location);
        }
        if (target.IsPrimitive)
        {
            return value.Type.IsPrimitive
                ? ConvertPrimitive(value, target, element, name, location)
                : (null, $"{element.Path} is a {target.Name}; a {value.Type.Name} cannot be its value.", location);
        }
        if (target.Kind == TypeKind.Backbone)
        {
            return (null, $"{element.Path} has no named type: give its content as parts, not as a {value.Type.Name}.", location);
        }
        if (value.Type.IsPrimitive || !value.Type.IsA(target.Name))
        {
            return (null, $"{element.Path} is a {target.Name}; a {value.Type.Name} cannot be its value.", location);
        }
        return Copied(Rehome(value, name, target, element), location);
    }

    /// <summary>The type the new node gets: the element's own type, or for a choice element the type named or given.</summary>
    private TypeDefinition? TargetType(ElementDefinitionInfo element, ElementTypeRef? choiceType, ElementNode? given, out string? error)
    {
        error = null;
        if (choiceType is not null)
        {
            return Find(choiceType.Code, out error);
        }
        if (element.IsChoice)
        {
            if (given is null)
            {
                error = $"{element.Path} is a choice element: give a typed value (value[x]), or name the element with its type.";
                return null;
            }
            foreach (var allowed in element.Types)
            {
                if (allowed.Code == given.Type.Name)
                {
                    return given.Type;
                }
            }
            error = $"{element.Path} does not allow a {given.Type.Name} (allowed: {string.Join(", ", element.Types.Select(t => t.Code))}).";
            return null;
        }
        if (element.NestedType is { } nested)
        {
            return nested;
        }
        if (element.Types.Count == 0)
        {
            error = $"{element.Path} has no type.";
            return null;
        }
        return Find(element.Types[0].Code, out error);
    }

    private TypeDefinition? Find(string code, out string? error)
    {
        var type = definitions.FindType(code);
        error = type is null ? $"the type '{code}' is not defined." : null;
        return type;
    }

    private (ElementNode?, string?, string?) FromParts(TypeDefinition target, ElementDefinitionInfo element, string name, ElementNode holder, string location)
    {
        var node = new ElementNode(name, target, element);
        var index = 0;
        foreach (var part in holder.ChildrenNamed("part"))
        {
            var partLocation = $"{location}.part[{index++}]";
            var partName = part.GetString("name")!;
            if (Resolve(target, partName) is not { } resolved)
            {
                return (null, $"{target.Name} has no element '{partName}'.", partLocation);
            }
            var (child, choice) = resolved;
            if (!child.IsCollection && node.Child(child.Name) is not null)
            {
                return (null, $"{child.Path} does not repeat: give it once.", partLocation);
            }
            var (built, error, errorLocation) = Build(child, child.Name, choice, part, partLocation);
            if (built is null)
            {
                return (null, error, errorLocation);
            }
            node.Add(built);
        }
        return (node, null, null);
    }

    private (ElementNode?, string?, string?) ConvertPrimitive(ElementNode value, TypeDefinition target, ElementDefinitionInfo element, string name, string location)
    {
        if (ReferenceEquals(value.Type, target))
        {
            return Copied(Rehome(value, name, target, element), location);
        }
        var from = FormOf(value.Type);
        var to = FormOf(target);
        if (from != to && !(from == JsonForm.Number && to == JsonForm.Number))
        {
            return (null, $"{element.Path} is a {target.Name}; a {value.Type.Name} cannot be converted to it.", location);
        }
        ElementNode node;
        if (value.Value is null)
        {
            node = new ElementNode(name, target, element); // only extensions: nothing to convert
        }
        else
        {
            var text = Text(value);
            var json = to == JsonForm.String ? JsonSerializer.Serialize(text) : text;
            // The JSON reader is the one authority on what a valid value of each primitive type is.
            var parsed = FhirJsonReader.ParseElement(Encoding.UTF8.GetBytes(json), target, name, element);
            if (!parsed.IsSuccess)
            {
                var reason = parsed.Issues.FirstOrDefault(i => i.IsError)?.Message ?? "not valid";
                return (null, $"{element.Path} is a {target.Name}; the {value.Type.Name} '{text}' is not a valid {target.Name}: {reason}", location);
            }
            node = parsed.Resource!;
        }
        foreach (var child in value.Children)
        {
            var copy = CopyChild(child, target);
            if (copy is null)
            {
                return (null, $"{target.Name} has no element '{child.Name}'.", location);
            }
            node.Add(copy);
        }
        return (node, null, null);
    }

    /// <summary>A copy of <paramref name="source"/> as element <paramref name="definition"/> of type <paramref name="type"/>; null when a child has no place there.</summary>
    private static ElementNode? Rehome(ElementNode source, string name, TypeDefinition type, ElementDefinitionInfo? definition)
    {
        var node = new ElementNode(name, type, definition) { Value = source.Value, DecimalText = source.DecimalText };
        foreach (var child in source.Children)
        {
            var copy = ReferenceEquals(source.Type, type) ? child.DeepCopy() : CopyChild(child, type);
            if (copy is null)
            {
                return null;
            }
            node.Add(copy);
        }
        return node;
    }

    /// <summary>A child copied into a node of another type (an Age as a Quantity, a date's extensions on a dateTime): its definition is looked up again.</summary>
    private static ElementNode? CopyChild(ElementNode child, TypeDefinition newOwner)
    {
        if (newOwner.FindElement(child.Name) is not { } definition)
        {
            return null;
        }
        return ReferenceEquals(definition, child.Definition)
            ? child.DeepCopy()
            : Rehome(child, child.Name, definition.NestedType ?? child.Type, definition);
    }

    private static (ElementNode?, string?, string?) Copied(ElementNode? node, string location) =>
        node is null ? (null, "the value has content its target type does not define.", location) : (node, null, null);

    /// <summary>An element of <paramref name="type"/> by name, or a choice element by its JSON name (with the type it selects).</summary>
    public static (ElementDefinitionInfo Element, ElementTypeRef? Choice)? Resolve(TypeDefinition type, string name)
    {
        if (type.TryResolveJsonName(name, out var element, out var choice))
        {
            return (element, choice);
        }
        return type.FindElement(name) is { IsChoice: true } choiceElement ? (choiceElement, null) : null;
    }

    private static JsonForm FormOf(TypeDefinition type) => type.Name switch
    {
        "boolean" or "System.Boolean" => JsonForm.Boolean,
        "integer" or "positiveInt" or "unsignedInt" or "decimal" or "integer64" or "System.Integer" or "System.Decimal" => JsonForm.Number,
        _ => JsonForm.String,
    };

    private static string Text(ElementNode primitive) => primitive.Value switch
    {
        string text => text,
        bool flag => flag ? "true" : "false",
        decimal number => primitive.DecimalText ?? number.ToString(CultureInfo.InvariantCulture),
        double number => primitive.DecimalText ?? number.ToString("R", CultureInfo.InvariantCulture),
        var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? "",
    };
}
