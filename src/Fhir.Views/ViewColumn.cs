namespace Fhir.Views;

/// <summary>One column of a view's output, in output order.</summary>
/// <param name="Name">The column name (unique in the view).</param>
/// <param name="Type">The FHIR type the column holds: the view's <c>type</c>, or the type the path is known to give, or <c>string</c>.</param>
/// <param name="Kind">How values of <paramref name="Type"/> are stored.</param>
/// <param name="Collection">True when each value is a list (<c>collection: true</c>).</param>
/// <param name="Description">The column's description, when the view gives one.</param>
public sealed record ViewColumn(string Name, string Type, ColumnKind Kind, bool Collection, string? Description = null);
