using Fhir.Core.Model;

namespace Fhir.Validation.Validation;

/// <summary>
/// One element of a compiled StructureDefinition snapshot: everything the walk checks on the instance nodes that
/// the element stands for, read from the ElementDefinition once. Immutable after compilation.
/// </summary>
internal sealed class ElementPlan
{
    public required string Id { get; init; }

    public required string Path { get; init; }

    /// <summary>The element name without the choice marker (<c>value</c> for <c>value[x]</c>).</summary>
    public required string Name { get; init; }

    public string? SliceName { get; init; }

    public bool IsChoice { get; init; }

    public int Min { get; init; }

    /// <summary>The maximum cardinality; <see cref="int.MaxValue"/> for <c>*</c>.</summary>
    public int Max { get; init; } = int.MaxValue;

    public bool IsModifier { get; init; }

    public TypeRule[] Types { get; init; } = [];

    public ElementNode? Fixed { get; init; }

    public ElementNode? Pattern { get; init; }

    public BindingPlan? Binding { get; init; }

    public ElementNode? MinValue { get; init; }

    public ElementNode? MaxValue { get; init; }

    /// <summary>The maximum string length; 0 when unconstrained.</summary>
    public int MaxLength { get; init; }

    public ConstraintPlan[] Constraints { get; set; } = [];

    /// <summary>The child elements unrolled in the snapshot, in order; empty when the children come from the type.</summary>
    public ElementPlan[] Children { get; set; } = [];

    public Dictionary<string, ElementPlan>? ChildrenByName { get; set; }

    /// <summary>This element's position among its parent's <see cref="Children"/>.</summary>
    public int Index { get; set; }

    public SlicingPlan? Slicing { get; set; }

    /// <summary>The slices of this element (when <see cref="Slicing"/> is set), in definition order.</summary>
    public List<ElementPlan> Slices { get; } = [];

    /// <summary>For a slice: what a node must show to belong to it, one test per discriminator.</summary>
    public SliceTest[] Tests { get; set; } = [];

    /// <summary>For <c>contentReference</c>: the id of the element whose children this element has.</summary>
    public string? ContentReference { get; init; }

    /// <summary>True when a type names a profile other than the type's own definition (checked by nested validation).</summary>
    public bool HasTypeProfiles { get; init; }

    public ElementPlan? FindChild(string name) =>
        ChildrenByName is { } byName && byName.TryGetValue(name, out var plan) ? plan : null;

    public override string ToString() => Id;
}

/// <summary>One allowed type of an element: its code (<c>Quantity</c>, <c>System.String</c>), profiles and target profiles.</summary>
internal sealed record TypeRule(string Code, string[] Profiles, string[] TargetProfiles)
{
    /// <summary>For a Reference: where the target may be (<c>contained</c>, <c>referenced</c>, <c>bundled</c>); empty when anywhere.</summary>
    public string[] Aggregation { get; init; } = [];
}

/// <summary>A binding: strength and value set.</summary>
internal sealed record BindingPlan(BindingStrength Strength, string ValueSet);

/// <summary>The strengths of <c>ElementDefinition.binding</c>.</summary>
internal enum BindingStrength { Required, Extensible, Preferred, Example }
