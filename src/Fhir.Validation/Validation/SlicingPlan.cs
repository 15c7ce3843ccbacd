using Fhir.Core.Model;
using Fhir.Path;

namespace Fhir.Validation.Validation;

/// <summary>How an element is sliced: discriminators, rules and order.</summary>
internal sealed class SlicingPlan
{
    public required Discriminator[] Discriminators { get; init; }

    public required SlicingRules Rules { get; init; }

    public bool Ordered { get; init; }
}

/// <summary><c>ElementDefinition.slicing.rules</c>.</summary>
internal enum SlicingRules { Open, Closed, OpenAtEnd }

/// <summary><c>ElementDefinition.slicing.discriminator.type</c>.</summary>
internal enum DiscriminatorType { Value, Pattern, Type, Profile, Exists }

/// <summary>One discriminator: its type and path, the path compiled when it is not <c>$this</c>.</summary>
internal sealed record Discriminator(DiscriminatorType Type, string Path, CompiledExpression? Compiled);

/// <summary>
/// What a node must show at one discriminator's path to belong to one slice, worked out from the slice's
/// definition when the plan is compiled.
/// </summary>
internal sealed class SliceTest
{
    public required Discriminator Discriminator { get; init; }

    /// <summary>For value/pattern: the value the path must hold (compared as a pattern unless <see cref="IsFixed"/>).</summary>
    public ElementNode? Expected { get; init; }

    public bool IsFixed { get; init; }

    /// <summary>For value/pattern: the expected primitive as text (an extension slice's URL taken from its profile).</summary>
    public string? ExpectedText { get; init; }

    /// <summary>True when <see cref="Expected"/> belongs to an ancestor of the path, reached by <see cref="ExpectedAt"/>.</summary>
    public bool AtAncestor { get; init; }

    /// <summary>For value/pattern: when the expected value sits on an ancestor of the path, the path to that ancestor.</summary>
    public CompiledExpression? ExpectedAt { get; init; }

    /// <summary>For value/pattern without a fixed value: a required binding the value must be in.</summary>
    public string? ValueSet { get; init; }

    /// <summary>For type: the allowed type codes.</summary>
    public string[]? Types { get; init; }

    /// <summary>For profile: the profiles one of which the node must conform to.</summary>
    public string[]? Profiles { get; init; }

    /// <summary>For exists: whether the path must have a value.</summary>
    public bool MustExist { get; init; }

    /// <summary>True when nothing could be read from the slice for this discriminator: it matches any node.</summary>
    public bool Unconstrained { get; init; }
}
