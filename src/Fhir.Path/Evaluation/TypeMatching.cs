using Fhir.Core.Definitions;
using Fhir.Core.Model;
using Fhir.Path.Parsing;
using Fhir.Path.Types;

namespace Fhir.Path.Evaluation;

/// <summary>A type named in <c>is</c>, <c>as</c> or <c>ofType()</c>, resolved against the model.</summary>
/// <param name="Fhir">The FHIR type, when the name denotes one.</param>
/// <param name="System">The system type, when the name denotes one (<c>Quantity</c> unqualified denotes both).</param>
/// <param name="Display">The name as written.</param>
internal sealed record ResolvedType(TypeDefinition? Fhir, SystemKind System, string Display)
{
    private static readonly string[] SystemNames = ["Boolean", "String", "Integer", "Long", "Decimal", "Date", "DateTime", "Time", "Quantity"];

    /// <summary>Resolves a type name; null when it names no type.</summary>
    public static ResolvedType? Resolve(TypeName name, FhirDefinitions definitions)
    {
        var system = Array.IndexOf(SystemNames, name.Name) is var i and >= 0 ? (SystemKind)(i + 1) : SystemKind.None;
        switch (name.Namespace)
        {
            case "System":
                return system == SystemKind.None ? null : new ResolvedType(null, system, name.ToString());
            case "FHIR":
            {
                var fhir = FindFhir(name.Name, definitions);
                return fhir is null ? null : new ResolvedType(fhir, SystemKind.None, name.ToString());
            }
            case null:
            {
                var fhir = FindFhir(name.Name, definitions);
                if (fhir is null && system == SystemKind.None)
                {
                    return null;
                }
                // A FHIR name wins, except that an unqualified Quantity also matches System.Quantity values.
                return new ResolvedType(fhir, fhir is null || name.Name == "Quantity" ? system : SystemKind.None, name.ToString());
            }
            default:
                return null;
        }
    }

    /// <summary>Whether the name is a namespace-qualified System type that does not exist (such names never match).</summary>
    public static bool IsUnknownSystemName(TypeName name) => name.Namespace == "System" && Array.IndexOf(SystemNames, name.Name) < 0;

    private static TypeDefinition? FindFhir(string name, FhirDefinitions definitions)
    {
        var type = definitions.FindType(name);
        return type is null || type.Kind == TypeKind.System ? null : type;
    }

    /// <summary><c>is</c>: the item's type is this type or derives from it.</summary>
    public bool Matches(object item)
    {
        if (item is ElementNode node)
        {
            if (node.Type.Kind == TypeKind.System)
            {
                return System != SystemKind.None && Values.KindOf(node.Type) == System;
            }
            return Fhir is not null && node.Type.IsA(Fhir.Name);
        }
        return System != SystemKind.None && Values.KindOfValue(item) == System;
    }

    /// <summary>
    /// <c>as</c> and <c>ofType()</c>: like <see cref="Matches"/>, except that a FHIR primitive must be exactly of the
    /// type (a code is not returned by <c>as(string)</c>).
    /// </summary>
    public bool MatchesExactly(object item)
    {
        if (item is ElementNode { Type.Kind: TypeKind.Primitive } node)
        {
            return Fhir is not null && node.Type.Name == Fhir.Name;
        }
        return Matches(item);
    }

    /// <summary>The type of an item as <c>type()</c> reports it.</summary>
    public static FhirPathTypeInfo InfoOf(object item)
    {
        if (item is ElementNode node)
        {
            if (node.Type.Kind == TypeKind.System)
            {
                return new FhirPathTypeInfo("System", node.Type.Name["System.".Length..], null);
            }
            return new FhirPathTypeInfo("FHIR", node.Type.Name, node.Type.BaseName is { } b ? "FHIR." + b : null);
        }
        return new FhirPathTypeInfo("System", Values.SystemTypeName(Values.KindOfValue(item)), null);
    }
}
