using System.Collections.Frozen;

namespace Fhir.Core.Definitions;

/// <summary>
/// A type of the FHIR model as the instance model sees it: its name, its base type and its
/// child elements in canonical order. Built from the snapshot of a StructureDefinition.
/// </summary>
public sealed class TypeDefinition
{
    private readonly FhirDefinitions _definitions;
    private TypeDefinition? _base;
    private FrozenDictionary<string, ElementDefinitionInfo> _byName = FrozenDictionary<string, ElementDefinitionInfo>.Empty;

    internal TypeDefinition(
        FhirDefinitions definitions, string name, TypeKind kind, string? baseName, string? url, bool isAbstract)
    {
        _definitions = definitions;
        Name = name;
        Kind = kind;
        BaseName = baseName;
        Url = url;
        IsAbstract = isAbstract;
    }

    /// <summary>
    /// The type name: <c>Observation</c>, <c>Quantity</c>, <c>string</c>, <c>System.String</c>, or a backbone
    /// element's path such as <c>Observation.component</c>.
    /// </summary>
    public string Name { get; }

    /// <summary>The definitions this type belongs to (to resolve the types of its elements).</summary>
    internal FhirDefinitions Definitions => _definitions;

    /// <summary>What kind of type this is.</summary>
    public TypeKind Kind { get; }

    /// <summary>The base type's name (<c>DomainResource</c> for <c>Observation</c>), or null at the root.</summary>
    public string? BaseName { get; }

    /// <summary>The canonical URL of the StructureDefinition, or null for system and backbone types.</summary>
    public string? Url { get; }

    /// <summary>True for abstract types (<c>Resource</c>, <c>Element</c>...).</summary>
    public bool IsAbstract { get; }

    /// <summary>For a FHIR primitive: the system type of its value (<c>System.Decimal</c> for <c>decimal</c>).</summary>
    public string? SystemType { get; internal set; }

    /// <summary>For a FHIR primitive: the regular expression its value must match, from the definition.</summary>
    public string? ValuePattern { get; internal set; }

    /// <summary>The child elements in canonical (definition) order, inherited ones included.</summary>
    public IReadOnlyList<ElementDefinitionInfo> Elements { get; private set; } = [];

    /// <summary>The base type, or null at the root of the hierarchy.</summary>
    public TypeDefinition? Base => _base ??= BaseName is null ? null : _definitions.FindType(BaseName);

    /// <summary>True for resource types.</summary>
    public bool IsResource => Kind == TypeKind.Resource;

    /// <summary>True for FHIR primitive and system types: the instance carries a value.</summary>
    public bool IsPrimitive => Kind is TypeKind.Primitive or TypeKind.System;

    /// <summary>The child element named <paramref name="name"/> (choice elements by their name without <c>[x]</c>).</summary>
    public ElementDefinitionInfo? FindElement(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// Finds the element a JSON property name stands for: a plain element, or a choice element plus
    /// the type its suffix selects (<c>valueQuantity</c> → <c>value[x]</c>, Quantity).
    /// </summary>
    public bool TryResolveJsonName(string jsonName, out ElementDefinitionInfo element, out ElementTypeRef? choiceType)
    {
        if (_byName.TryGetValue(jsonName, out element!) && !element.IsChoice)
        {
            choiceType = null;
            return true;
        }
        // A choice element's JSON name is its name plus a capitalised type: find the longest prefix that is a choice element.
        for (var cut = jsonName.Length - 1; cut > 0; cut--)
        {
            if (!char.IsUpper(jsonName[cut]))
            {
                continue;
            }
            if (_byName.TryGetValue(jsonName[..cut], out element!) && element.IsChoice)
            {
                choiceType = element.FindChoiceType(jsonName.AsSpan(cut));
                if (choiceType is not null)
                {
                    return true;
                }
            }
        }
        element = null!;
        choiceType = null;
        return false;
    }

    /// <summary>True when this type is <paramref name="typeName"/> or derives from it.</summary>
    public bool IsA(string typeName)
    {
        for (var t = this; t is not null; t = t.Base)
        {
            if (t.Name == typeName)
            {
                return true;
            }
        }
        return false;
    }

    internal void SetElements(IReadOnlyList<ElementDefinitionInfo> elements)
    {
        Elements = elements;
        var byName = new Dictionary<string, ElementDefinitionInfo>(elements.Count, StringComparer.Ordinal);
        foreach (var element in elements)
        {
            byName[element.Name] = element;
        }
        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
