using Fhir.Core.Outcomes;
using Fhir.Path;

namespace Fhir.Validation.Validation;

/// <summary>An invariant of an element (<c>ElementDefinition.constraint</c>), compiled once.</summary>
internal sealed class ConstraintPlan
{
    public required string Key { get; init; }

    public required string Human { get; init; }

    public required string Expression { get; init; }

    public required IssueSeverity Severity { get; init; }

    /// <summary>Marked as best practice by its definition (<see cref="ValidationOptions.CheckBestPractice"/> may leave it out).</summary>
    public bool BestPractice { get; init; }

    /// <summary>The compiled expression; null when it does not compile (<see cref="CompileError"/> says why).</summary>
    public CompiledExpression? Compiled { get; init; }

    public string? CompileError { get; init; }

    /// <summary>A native implementation of a well-known invariant, used instead of FHIRPath on the hot path.</summary>
    public NativeInvariant Native { get; init; }

    public override string ToString() => Key;
}

/// <summary>Invariants of the core that the walk checks natively (identified by key and exact expression).</summary>
internal enum NativeInvariant
{
    None,
    /// <summary>ele-1: <c>hasValue() or (children().count() > id.count())</c>.</summary>
    HasValueOrChildren,
    /// <summary>ext-1: <c>extension.exists() != value.exists()</c>.</summary>
    ExtensionOrValue,
    /// <summary>An expression starting <c>contained.</c>, true when there are no contained resources (dom-2 ... dom-5).</summary>
    ContainedOnly,
}
