using Fhir.Core.Model;

namespace Fhir.Path.Patch;

/// <summary>One operation of a FHIRPath Patch, read and checked for form but not yet applied.</summary>
internal sealed record PatchOperation
{
    /// <summary>The operation's position among the <c>Parameters.parameter</c>.</summary>
    public required int Index { get; init; }

    public required PatchOperationType Type { get; init; }

    /// <summary>The path as written.</summary>
    public required string PathText { get; init; }

    public required CompiledExpression Path { get; init; }

    /// <summary>add: the name of the element to add (a choice element by its name or JSON name).</summary>
    public string? Name { get; init; }

    /// <summary>add, insert, replace: the <c>value</c> part, holding a <c>value[x]</c>, a <c>resource</c> or <c>part</c>s.</summary>
    public ElementNode? Value { get; init; }

    /// <summary>Where <see cref="Value"/> is in the patch, for messages.</summary>
    public string? ValueLocation { get; init; }

    /// <summary>insert: the list index.</summary>
    public int InsertIndex { get; init; }

    /// <summary>move: the list index to move from.</summary>
    public int Source { get; init; }

    /// <summary>move: the list index to move to.</summary>
    public int Destination { get; init; }

    /// <summary>How messages name the operation: <c>operation 1 (replace 'Patient.birthDate')</c>.</summary>
    public string Describe() => $"operation {Index} ({Type.ToString().ToLowerInvariant()} '{PathText}')";
}
