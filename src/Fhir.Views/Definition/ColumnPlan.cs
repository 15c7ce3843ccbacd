using Fhir.Path;

namespace Fhir.Views.Definition;

/// <summary>A column compiled: where its value goes in the row, the path that gives it and how to store it.</summary>
internal sealed record ColumnPlan(ViewColumn Column, int Index, CompiledExpression Path, string Location);
