using Fhir.Core.Definitions;
using Fhir.Core.Primitives;

namespace Fhir.Core.Json;

/// <summary>
/// One JSON property name a type accepts, resolved once per type: <c>valueQuantity</c> is the element
/// <c>value[x]</c> with type Quantity; <c>_given</c> holds the ids and extensions of the <c>given</c> primitives.
/// </summary>
internal sealed class JsonPropertyInfo
{
    private PropertyMap? _childMap;

    public JsonPropertyInfo(ElementDefinitionInfo element, TypeDefinition type, string jsonName, bool isExtension, PrimitiveKind kind)
    {
        Element = element;
        Type = type;
        JsonName = jsonName;
        IsExtension = isExtension;
        Kind = kind;
        Key = isExtension ? "_" + jsonName : jsonName;
        IsResource = type.Kind == TypeKind.Resource;
        IsProhibited = element.Max == "0";
        TypeLabel = type.Kind == TypeKind.System ? kind.ToString().ToLowerInvariant() : type.Name;
    }

    /// <summary>The element.</summary>
    public ElementDefinitionInfo Element { get; }

    /// <summary>The element's type: the choice type, the backbone type, a primitive, or the abstract Resource.</summary>
    public TypeDefinition Type { get; }

    /// <summary>The JSON name of the value: <c>valueQuantity</c>, <c>given</c> (no underscore).</summary>
    public string JsonName { get; }

    /// <summary>The property name as written in JSON: <see cref="JsonName"/>, with an underscore for <see cref="IsExtension"/>.</summary>
    public string Key { get; }

    /// <summary>True for the <c>_name</c> property of a primitive element.</summary>
    public bool IsExtension { get; }

    /// <summary>The primitive kind for primitive and system types; <see cref="PrimitiveKind.None"/> for complex ones.</summary>
    public PrimitiveKind Kind { get; }

    /// <summary>True when the value is a JSON primitive (always false for the <c>_name</c> property).</summary>
    public bool IsPrimitive => Kind != PrimitiveKind.None && !IsExtension;

    /// <summary>True when the element holds a resource (<c>contained</c>, <c>Bundle.entry.resource</c>).</summary>
    public bool IsResource { get; }

    /// <summary>True when the element repeats: a JSON array.</summary>
    public bool IsCollection => Element.IsCollection;

    /// <summary>True when the element is prohibited (max 0), like the extensions of <c>xhtml</c>.</summary>
    public bool IsProhibited { get; }

    /// <summary>The type's name for messages (<c>id</c> for <c>Resource.id</c>, whose type is System.String).</summary>
    public string TypeLabel { get; }

    /// <summary>The properties of the object this property holds (for <c>_name</c>: the primitive type's id and extension).</summary>
    public PropertyMap ChildMap => _childMap ??= PropertyMap.For(Type);
}
