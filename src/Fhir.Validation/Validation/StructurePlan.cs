namespace Fhir.Validation.Validation;

/// <summary>A StructureDefinition compiled for validation: its type, whether it constrains a base, and its element tree.</summary>
internal sealed class StructurePlan
{
    public required string Url { get; init; }

    public required string Type { get; init; }

    /// <summary>True for a profile (derivation constraint); false for a type's own definition.</summary>
    public required bool IsConstraint { get; init; }

    public required ElementPlan Root { get; init; }

    /// <summary>Every element by id (<c>Observation.component:systolic.code</c>), for content references and discriminators.</summary>
    public required Dictionary<string, ElementPlan> ById { get; init; }

    /// <summary>For an extension definition: the contexts it may be used in.</summary>
    public ExtensionContext[] Contexts { get; init; } = [];

    /// <summary>For an extension definition: whether it is a modifier extension.</summary>
    public bool IsModifierExtension { get; init; }

    public override string ToString() => Url;
}

/// <summary>One <c>StructureDefinition.context</c> of an extension.</summary>
internal sealed record ExtensionContext(string Type, string Expression);
