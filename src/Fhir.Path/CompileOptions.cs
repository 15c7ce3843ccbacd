using Fhir.Core.Definitions;

namespace Fhir.Path;

/// <summary>How an expression is compiled. Instances are immutable; equal options share cached compilations.</summary>
public sealed record CompileOptions
{
    /// <summary>The default options: lenient, R4 definitions, root type inferred from the expression.</summary>
    public static CompileOptions Default { get; } = new();

    /// <summary>
    /// Strict mode: a type-checking pass rejects, before evaluation, names that are not elements of the types
    /// they are applied to, type names that cannot match the context, casts to impossible types and
    /// non-boolean criteria. Without it only errors that are certain whatever the data are reported.
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>
    /// The type of the input the expression will be evaluated on (<c>Patient</c>, <c>Observation.component</c>);
    /// enables type checking. When null and the expression starts with a resource type name, that type is assumed.
    /// </summary>
    public string? RootType { get; init; }

    /// <summary>In strict mode, also reject order-dependent functions (<c>first()</c>, <c>skip()</c>, indexers) applied to unordered collections (<c>children()</c>, <c>descendants()</c>).</summary>
    public bool CheckOrderedFunctions { get; init; }

    /// <summary>
    /// Make <c>as</c> (operator and function) fail when its input has more than one item, as the FHIRPath
    /// specification says. Off by default because FHIR R4's own invariants and search parameters apply it to
    /// collections (<c>%resource.descendants().as(canonical)</c> in dom-3, <c>useContext.value as Quantity</c>), where
    /// it then filters like <c>ofType()</c>.
    /// </summary>
    public bool AsRequiresSingleton { get; init; }

    /// <summary>
    /// Functions added to the language (SQL on FHIR's <c>getResourceKey()</c>, say); null for none. Options compare this
    /// list by reference, so keep one instance per set of functions to share cached compilations.
    /// </summary>
    public IReadOnlyList<FhirPathFunction>? Functions { get; init; }

    /// <summary>The added function named <paramref name="name"/>, or null.</summary>
    internal FhirPathFunction? FindFunction(string name)
    {
        if (Functions is null)
        {
            return null;
        }
        foreach (var function in Functions)
        {
            if (function.Name == name)
            {
                return function;
            }
        }
        return null;
    }

    /// <summary>The definitions that give element names and types; null for the R4 core definitions.</summary>
    public FhirDefinitions? Definitions { get; init; }
}
