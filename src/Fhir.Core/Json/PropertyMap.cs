using System.Collections.Concurrent;
using System.Collections.Frozen;
using Fhir.Core.Definitions;
using Fhir.Core.Primitives;

namespace Fhir.Core.Json;

/// <summary>
/// Every JSON property name a type accepts (plain, choice and <c>_</c> names), looked up by a span of
/// the name so that reading a property allocates nothing. Built once per type and cached.
/// </summary>
internal sealed class PropertyMap
{
    private static readonly ConcurrentDictionary<TypeDefinition, PropertyMap> Cache = new(ReferenceEqualityComparer.Instance);

    private readonly FrozenDictionary<string, JsonPropertyInfo> _byName;
    private readonly FrozenDictionary<string, JsonPropertyInfo>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    private PropertyMap(TypeDefinition type)
    {
        Type = type;
        var definitions = type.Definitions;
        var byName = new Dictionary<string, JsonPropertyInfo>(StringComparer.Ordinal);
        foreach (var element in type.Elements)
        {
            if (!element.IsChoice)
            {
                if (element.Types.Count == 0)
                {
                    continue;
                }
                var elementType = element.NestedType ?? definitions.FindType(element.Types[0].Code)
                    ?? throw new InvalidOperationException($"The type of {element.Path} ({element.Types[0].Code}) is not defined.");
                Add(byName, type, element, elementType, element.Name);
                continue;
            }
            foreach (var choice in element.Types)
            {
                var choiceType = definitions.FindType(choice.Code)
                    ?? throw new InvalidOperationException($"The type {choice.Code} of {element.Path} is not defined.");
                Add(byName, type, element, choiceType, element.Name + choice.ChoiceSuffix);
            }
        }
        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
        _bySpan = _byName.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The type whose properties these are.</summary>
    public TypeDefinition Type { get; }

    /// <summary>The property map of <paramref name="type"/>.</summary>
    public static PropertyMap For(TypeDefinition type) => Cache.GetOrAdd(type, static t => new PropertyMap(t));

    /// <summary>Finds a property by its JSON name.</summary>
    public bool TryGet(ReadOnlySpan<char> jsonName, out JsonPropertyInfo property) => _bySpan.TryGetValue(jsonName, out property!);

    /// <summary>Finds a property by its JSON name.</summary>
    public bool TryGet(string jsonName, out JsonPropertyInfo property) => _byName.TryGetValue(jsonName, out property!);

    private static void Add(
        Dictionary<string, JsonPropertyInfo> byName, TypeDefinition owner, ElementDefinitionInfo element, TypeDefinition elementType, string jsonName)
    {
        var kind = KindOf(owner, element, elementType);
        byName[jsonName] = new JsonPropertyInfo(element, elementType, jsonName, isExtension: false, kind);
        // Only FHIR primitives have ids and extensions; the system-typed Element.id and Extension.url do not.
        if (elementType.Kind == TypeKind.Primitive)
        {
            byName["_" + jsonName] = new JsonPropertyInfo(element, elementType, jsonName, isExtension: true, kind);
        }
    }

    /// <summary>The primitive kind of an element of <paramref name="owner"/> whose type is <paramref name="elementType"/>.</summary>
    internal static PrimitiveKind KindOf(TypeDefinition owner, ElementDefinitionInfo element, TypeDefinition elementType)
    {
        if (elementType.Kind == TypeKind.System)
        {
            // R4 types Resource.id and Extension.url as System.String; the specification says id and uri.
            return owner.Kind == TypeKind.Resource && element.Name == "id" ? PrimitiveKind.Id
                : owner.Name == "Extension" && element.Name == "url" ? PrimitiveKind.Uri
                : PrimitiveKind.String;
        }
        if (elementType.Kind != TypeKind.Primitive)
        {
            return PrimitiveKind.None;
        }
        var kind = PrimitiveChecks.KindOf(elementType.Name);
        return kind == PrimitiveKind.None ? PrimitiveKind.Other : kind;
    }
}
