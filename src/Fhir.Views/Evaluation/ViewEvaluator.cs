using Fhir.Core.Model;
using Fhir.Path;
using Fhir.Views.Definition;

namespace Fhir.Views.Evaluation;

/// <summary>
/// Evaluates a view on one resource at a time, appending its rows. A select's rows are the product of its own columns,
/// each nested select and its union; iterations (<c>forEach</c>, <c>forEachOrNull</c>, <c>repeat</c>) give one such product
/// per item. Rows are built in one buffer that each level fills in turn (a nested loop), so a resource costs one array
/// per row. Not thread-safe: one evaluator per thread (it holds <c>%rowIndex</c>).
/// </summary>
internal sealed class ViewEvaluator
{
    /// <summary>The variable SQL on FHIR gives the index of the current item of the innermost iteration.</summary>
    public const string RowIndex = "rowIndex";

    private static readonly object[] Indexes = [.. Enumerable.Range(0, 64).Select(i => (object)i)];

    private readonly ViewDefinition _view;
    private readonly Dictionary<string, object?> _variables;
    private readonly EvaluationContext _context;
    private readonly object?[] _row;
    private List<object?[]> _output = [];

    public ViewEvaluator(ViewDefinition view)
    {
        _view = view;
        _variables = new Dictionary<string, object?>(view.Constants, StringComparer.Ordinal);
        if (view.UsesRowIndex)
        {
            _variables[RowIndex] = Indexes[0];
        }
        _context = new EvaluationContext { Variables = _variables };
        _row = new object?[view.Columns.Count];
    }

    /// <summary>Appends the rows of <paramref name="resource"/> (none when it is of another type or a where clause is not true).</summary>
    /// <exception cref="ViewEvaluationException">The view cannot give this resource's rows.</exception>
    public void Evaluate(ElementNode resource, List<object?[]> output)
    {
        if (resource.Type.Name != _view.Resource)
        {
            return;
        }
        _output = output;
        IReadOnlyList<object> focus = [resource];
        foreach (var (path, location) in _view.Where)
        {
            if (!IsTrue(Run(path, focus, location), location))
            {
                return;
            }
        }
        Fill(_view.Root, focus, 0, Emit);
    }

    private void Emit() => _output.Add((object?[])_row.Clone());

    /// <summary>
    /// Calls <paramref name="next"/> once for each row <paramref name="plan"/> gives on <paramref name="focus"/>, with its
    /// columns filled in. <c>%rowIndex</c> is the index of the item of the innermost iteration at or above the select
    /// (<paramref name="rowIndex"/> when the select does not iterate itself).
    /// </summary>
    private void Select(SelectPlan plan, IReadOnlyList<object> focus, int rowIndex, Action next)
    {
        IReadOnlyList<object> items;
        if (plan.ForEach is { } forEach)
        {
            items = Run(forEach, focus, plan.Location);
        }
        else if (plan.Repeat is { } repeat)
        {
            var collected = new List<object>();
            Repeat(repeat, focus, collected, plan.Location);
            items = collected;
        }
        else
        {
            Fill(plan, focus, rowIndex, next);
            return;
        }
        if (items.Count == 0)
        {
            if (plan.OrNull)
            {
                // One row of nulls: the select's own columns see no focus (so only %rowIndex and constants give values),
                // and what is nested below it is null.
                foreach (var index in plan.AllIndexes)
                {
                    _row[index] = null;
                }
                FillColumns(plan, [], 0);
                next();
            }
            return;
        }
        for (var i = 0; i < items.Count; i++)
        {
            Fill(plan, [items[i]], i, next);
        }
    }

    private void Fill(SelectPlan plan, IReadOnlyList<object> focus, int rowIndex, Action next)
    {
        FillColumns(plan, focus, rowIndex);
        Parts(plan, 0, focus, rowIndex, next);
    }

    private void FillColumns(SelectPlan plan, IReadOnlyList<object> focus, int rowIndex)
    {
        SetRowIndex(rowIndex);
        foreach (var column in plan.Columns)
        {
            _row[column.Index] = ColumnValues.From(column, Run(column.Path, focus, column.Location + ".path"));
        }
    }

    /// <summary>The product of the nested selects from the <paramref name="part"/>th on, then the union.</summary>
    private void Parts(SelectPlan plan, int part, IReadOnlyList<object> focus, int rowIndex, Action next)
    {
        if (part < plan.Selects.Count)
        {
            Select(plan.Selects[part], focus, rowIndex, () => Parts(plan, part + 1, focus, rowIndex, next));
            return;
        }
        if (plan.UnionAll.Count == 0)
        {
            next();
            return;
        }
        foreach (var branch in plan.UnionAll)
        {
            Select(branch, focus, rowIndex, next);
        }
    }

    private void Repeat(IReadOnlyList<CompiledExpression> paths, IReadOnlyList<object> focus, List<object> collected, string location)
    {
        foreach (var path in paths)
        {
            foreach (var item in Run(path, focus, location + ".repeat"))
            {
                collected.Add(item);
                Repeat(paths, [item], collected, location);
            }
        }
    }

    private void SetRowIndex(int index)
    {
        if (_view.UsesRowIndex)
        {
            _variables[RowIndex] = index < Indexes.Length ? Indexes[index] : index;
        }
    }

    private IReadOnlyList<object> Run(CompiledExpression path, IReadOnlyList<object> focus, string location)
    {
        try
        {
            return path.EvaluateCollection(focus, _context);
        }
        catch (FhirPathException e)
        {
            throw new ViewEvaluationException($"'{path.Expression}' failed: {e.Reason}", location, e);
        }
    }

    private static bool IsTrue(IReadOnlyList<object> result, string location) => result.Count switch
    {
        0 => false,
        1 => (result[0] is ElementNode node ? node.Value : result[0]) switch
        {
            bool b => b,
            var other => throw new ViewEvaluationException($"A where path must give a boolean, not '{other}'", location),
        },
        _ => throw new ViewEvaluationException($"A where path must give one boolean, not {result.Count} values", location),
    };
}
