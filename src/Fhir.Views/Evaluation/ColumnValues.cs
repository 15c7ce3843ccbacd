using System.Globalization;
using Fhir.Core.Model;
using Fhir.Path.Types;
using Fhir.Views.Definition;

namespace Fhir.Views.Evaluation;

/// <summary>
/// Turns what a column's path gave into the column's value: null, one value of the column's kind (<see cref="string"/>,
/// <see cref="bool"/>, <see cref="int"/>, <see cref="long"/>, <see cref="decimal"/>), or for a collection column an
/// <c>object[]</c> of them.
/// </summary>
internal static class ColumnValues
{
    public static object? From(ColumnPlan plan, IReadOnlyList<object> result)
    {
        var column = plan.Column;
        if (column.Collection)
        {
            if (result.Count == 0)
            {
                return Array.Empty<object>();
            }
            var items = new List<object>(result.Count);
            foreach (var item in result)
            {
                if (Convert(plan, item) is { } value)
                {
                    items.Add(value);
                }
            }
            return items.ToArray();
        }
        return result.Count switch
        {
            0 => null,
            1 => Convert(plan, result[0]),
            _ => throw new ViewEvaluationException(
                $"The column '{column.Name}' gave {result.Count} values; a column that can hold several needs \"collection\": true", plan.Location + ".path"),
        };
    }

    private static object? Convert(ColumnPlan plan, object item)
    {
        var value = item switch
        {
            ElementNode { Type.Kind: Core.Definitions.TypeKind.Primitive or Core.Definitions.TypeKind.System } node => node.Value,
            ElementNode node => throw new ViewEvaluationException(
                $"The column '{plan.Column.Name}' gave a {node.Type.Name}; columns hold primitive values (select one of its elements)", plan.Location + ".path"),
            _ => item,
        };
        if (value is null)
        {
            return null;
        }
        return plan.Column.Kind switch
        {
            ColumnKind.String => Text(value),
            ColumnKind.Boolean when value is bool => value,
            ColumnKind.Integer when value is int => value,
            ColumnKind.Integer when value is long l && l is >= int.MinValue and <= int.MaxValue => (int)l,
            ColumnKind.Integer64 when value is int or long => System.Convert.ToInt64(value, CultureInfo.InvariantCulture),
            ColumnKind.Decimal when value is decimal or int or long => System.Convert.ToDecimal(value, CultureInfo.InvariantCulture),
            // A decimal beyond System.Decimal's range (kept as a double by the reader) has no exact column value.
            ColumnKind.Decimal when value is double d && Math.Abs(d) < 7.9e28 => (decimal)d,
            _ => throw new ViewEvaluationException(
                $"The column '{plan.Column.Name}' is {plan.Column.Type} but its path gave '{Text(value)}'", plan.Location + ".path"),
        };
    }

    private static string Text(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        FhirPathQuantity q => q.ToString(),
        _ => value.ToString() ?? "",
    };
}
