namespace Fhir.Core.Definitions;

/// <summary>
/// The parts of an ElementDefinition the model needs to read, write and navigate instances:
/// name, cardinality and types. Validation reads the full definition separately.
/// </summary>
public sealed class ElementDefinitionInfo
{
    private readonly Func<ElementDefinitionInfo, TypeDefinition?>? _nested;
    private TypeDefinition? _nestedType;
    private bool _nestedResolved;

    internal ElementDefinitionInfo(
        string name, string path, int order, int min, string max, bool isChoice,
        IReadOnlyList<ElementTypeRef> types, bool isSummary, bool isModifier,
        Func<ElementDefinitionInfo, TypeDefinition?>? nested)
    {
        Name = name;
        Path = path;
        Order = order;
        Min = min;
        Max = max;
        IsChoice = isChoice;
        Types = types;
        IsSummary = isSummary;
        IsModifier = isModifier;
        IsCollection = max != "1" && max != "0";
        _nested = nested;
    }

    /// <summary>The element name without the choice marker: <c>value</c> for <c>value[x]</c>.</summary>
    public string Name { get; }

    /// <summary>The element's path in its definition: <c>Observation.value[x]</c>.</summary>
    public string Path { get; }

    /// <summary>Position among its siblings in the definition; the canonical JSON order.</summary>
    public int Order { get; }

    /// <summary>Minimum cardinality.</summary>
    public int Min { get; }

    /// <summary>Maximum cardinality: a number or <c>*</c>.</summary>
    public string Max { get; }

    /// <summary>True when the element repeats (max other than 0 and 1): a JSON array.</summary>
    public bool IsCollection { get; }

    /// <summary>True for a choice element (<c>value[x]</c>).</summary>
    public bool IsChoice { get; }

    /// <summary>True when the element is part of the summary view.</summary>
    public bool IsSummary { get; }

    /// <summary>True when the element is a modifier.</summary>
    public bool IsModifier { get; }

    /// <summary>The allowed types; several for a choice element.</summary>
    public IReadOnlyList<ElementTypeRef> Types { get; }

    /// <summary>
    /// For an element defined inline (a backbone element) or by <c>contentReference</c>: the type
    /// holding its children; null when the element's type is a named type.
    /// </summary>
    public TypeDefinition? NestedType
    {
        get
        {
            if (!_nestedResolved)
            {
                _nestedType = _nested?.Invoke(this);
                _nestedResolved = true;
            }
            return _nestedType;
        }
    }

    /// <summary>For a choice element, the type whose JSON suffix is <paramref name="suffix"/> (<c>Quantity</c> in <c>valueQuantity</c>).</summary>
    public ElementTypeRef? FindChoiceType(ReadOnlySpan<char> suffix)
    {
        foreach (var type in Types)
        {
            if (suffix.SequenceEqual(type.ChoiceSuffix))
            {
                return type;
            }
        }
        return null;
    }

    /// <inheritdoc />
    public override string ToString() => Path;
}
