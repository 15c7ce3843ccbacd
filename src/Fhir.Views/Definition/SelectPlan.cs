using Fhir.Path;

namespace Fhir.Views.Definition;

/// <summary>
/// A <c>select</c> compiled: the iteration (<c>forEach</c>, <c>forEachOrNull</c> or <c>repeat</c>; none for one row per
/// focus), its own columns, nested selects and <c>unionAll</c> branches. Branches of a union fill the same row positions.
/// </summary>
internal sealed class SelectPlan
{
    public CompiledExpression? ForEach { get; init; }

    /// <summary>True for <c>forEachOrNull</c>: no items still give one row, with nulls in every column of this select.</summary>
    public bool OrNull { get; init; }

    /// <summary>The <c>repeat</c> paths, applied again and again to what they give (depth first, in document order).</summary>
    public IReadOnlyList<CompiledExpression>? Repeat { get; init; }

    public IReadOnlyList<ColumnPlan> Columns { get; init; } = [];

    public IReadOnlyList<SelectPlan> Selects { get; init; } = [];

    public IReadOnlyList<SelectPlan> UnionAll { get; init; } = [];

    /// <summary>Every row position this select fills: its columns, its nested selects' and its union's.</summary>
    public IReadOnlyList<int> AllIndexes { get; init; } = [];

    /// <summary>Where the select is in the view, for messages (<c>ViewDefinition.select[1]</c>).</summary>
    public string Location { get; init; } = "ViewDefinition";
}
