using System.Collections.Frozen;

namespace Fhir.Path.Functions;

/// <summary>Every function the engine knows, by name.</summary>
internal static class FunctionTable
{
    private static readonly FrozenDictionary<string, FunctionDef> Functions = ExistenceFunctions.All()
        .Concat(FilteringFunctions.All())
        .Concat(SubsettingFunctions.All())
        .Concat(ConversionFunctions.All())
        .Concat(StringFunctions.All())
        .Concat(MathFunctions.All())
        .Concat(UtilityFunctions.All())
        .Concat(FhirFunctions.All())
        .ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

    public static bool TryGet(string name, out FunctionDef definition) => Functions.TryGetValue(name, out definition!);

    public static IEnumerable<string> Names => Functions.Keys;
}
