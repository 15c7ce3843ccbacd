using Fhir.Core.Definitions;

namespace Fhir.Path.Checking;

/// <summary>
/// What the checker knows of the values an expression yields: the possible types, or nothing (<see cref="Any"/>);
/// and whether the collection has an order.
/// </summary>
internal sealed class StaticType
{
    public static readonly StaticType Any = new([], isAny: true, unordered: false);
    public static readonly StaticType Empty = new([], isAny: false, unordered: false);

    public StaticType(IReadOnlyList<TypeDefinition> types, bool isAny = false, bool unordered = false)
    {
        Types = types;
        IsAny = isAny;
        Unordered = unordered;
    }

    public IReadOnlyList<TypeDefinition> Types { get; }

    /// <summary>Nothing is known: no check can fail.</summary>
    public bool IsAny { get; }

    /// <summary>The collection has no meaningful order (<c>children()</c>, <c>descendants()</c>).</summary>
    public bool Unordered { get; }

    /// <summary>Known and with at least one type.</summary>
    public bool IsKnown => !IsAny && Types.Count > 0;

    public static StaticType Of(TypeDefinition? type) => type is null ? Any : new([type]);

    public StaticType AsUnordered() => IsAny ? new([], isAny: true, unordered: true) : new(Types, false, true);

    public static StaticType Union(StaticType a, StaticType b)
    {
        if (a.IsAny || b.IsAny)
        {
            return Any;
        }
        var types = new List<TypeDefinition>(a.Types);
        foreach (var t in b.Types)
        {
            if (!types.Exists(x => x.Name == t.Name))
            {
                types.Add(t);
            }
        }
        return new StaticType(types, false, a.Unordered || b.Unordered);
    }

    public override string ToString() =>
        IsAny ? "Any" : Types.Count == 0 ? "{}" : string.Join(" | ", Types.Select(t => t.Kind == TypeKind.System ? t.Name : "FHIR." + t.Name));
}
