using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Fhir.Core.Definitions;
using Fhir.Core.Outcomes;
using Fhir.Path;
using Fhir.Path.Types;
using Fhir.Views.Evaluation;

namespace Fhir.Views.Definition;

/// <summary>
/// Reads a ViewDefinition (SQL on FHIR v2) from its JSON and compiles it: every problem is an issue located in the
/// view (<c>ViewDefinition.select[0].column[1].path</c>), found before any resource is read.
/// </summary>
internal sealed partial class ViewReader
{
    private static readonly HashSet<string> BuiltInVariables = ["resource", "rootResource", "context", "ucum", "sct", "loinc", ViewEvaluator.RowIndex];

    private readonly List<Issue> _issues = [];
    private readonly List<ViewColumn> _columns = [];
    private readonly Dictionary<string, object?> _constants = new(StringComparer.Ordinal);
    private readonly FhirDefinitions _definitions = FhirDefinitions.R4;
    private readonly List<string> _expressions = [];
    private bool _usesRowIndex;

    public static ViewParseResult Read(JsonElement root)
    {
        var reader = new ViewReader();
        var view = reader.ReadView(root);
        return new ViewParseResult(reader._issues.Any(i => i.IsError) ? null : view, reader._issues);
    }

    private ViewDefinition? ReadView(JsonElement root)
    {
        const string at = "ViewDefinition";
        if (root.ValueKind != JsonValueKind.Object)
        {
            Error(IssueType.Structure, "A ViewDefinition must be a JSON object", at);
            return null;
        }
        if (root.TryGetProperty("resourceType", out var resourceType) && resourceType.GetString() is not "ViewDefinition")
        {
            Error(IssueType.Invalid, $"Expected a ViewDefinition, found {resourceType}", at + ".resourceType");
        }
        var resource = String(root, "resource", at, required: true);
        if (resource is not null && !_definitions.IsResourceType(resource))
        {
            Error(IssueType.Value, $"'{resource}' is not a FHIR R4 resource type", at + ".resource");
            resource = null;
        }
        ReadConstants(root, at);
        var selects = Array(root, "select", at, required: true);
        if (resource is null)
        {
            return null;
        }
        var topSelects = new List<SelectPlan>();
        foreach (var (select, location) in selects)
        {
            if (ReadSelect(select, location, resource) is { } plan)
            {
                topSelects.Add(plan);
            }
        }
        var where = new List<(CompiledExpression, string)>();
        foreach (var (clause, location) in Array(root, "where", at, required: false))
        {
            if (clause.ValueKind != JsonValueKind.Object)
            {
                Error(IssueType.Structure, "A where clause must be an object with a 'path'", location);
                continue;
            }
            var path = Compile(clause, "path", location, resource, required: true);
            if (path is null)
            {
                continue;
            }
            if (path.ResultType is { } type && !type.Split('|').Any(t => t is "System.Boolean" or "FHIR.boolean"))
            {
                Error(IssueType.Invalid, $"A where path must give a boolean, not {type}", location + ".path");
                continue;
            }
            where.Add((path, location + ".path"));
        }
        CheckUniqueNames();
        var rootPlan = new SelectPlan { Selects = topSelects, AllIndexes = [.. Enumerable.Range(0, _columns.Count)], Location = at };
        return new ViewDefinition(
            resource, root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String ? name.GetString() : null,
            _columns, rootPlan, where, _constants, _usesRowIndex, _expressions);
    }

    private SelectPlan? ReadSelect(JsonElement select, string at, string? contextType)
    {
        if (select.ValueKind != JsonValueKind.Object)
        {
            Error(IssueType.Structure, "A select must be a JSON object", at);
            return null;
        }
        var iterations = new[] { "forEach", "forEachOrNull", "repeat" }.Count(p => select.TryGetProperty(p, out _));
        if (iterations > 1)
        {
            Error(IssueType.Invalid, "A select may have only one of forEach, forEachOrNull and repeat", at);
            return null;
        }
        var forEachName = select.TryGetProperty("forEachOrNull", out _) ? "forEachOrNull" : "forEach";
        var forEach = Compile(select, forEachName, at, contextType, required: false);
        List<CompiledExpression>? repeat = null;
        if (select.TryGetProperty("repeat", out var repeatPaths))
        {
            repeat = [];
            if (repeatPaths.ValueKind != JsonValueKind.Array || repeatPaths.GetArrayLength() == 0)
            {
                Error(IssueType.Structure, "'repeat' must be a non-empty array of FHIRPath expressions", at + ".repeat");
            }
            else
            {
                var i = 0;
                foreach (var item in repeatPaths.EnumerateArray())
                {
                    var location = $"{at}.repeat[{i++}]";
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        Error(IssueType.Structure, "A repeat path must be a string", location);
                    }
                    else if (CompileText(item.GetString()!, location, null) is { } compiled)
                    {
                        repeat.Add(compiled);
                    }
                }
            }
        }
        // The focus of the columns: what the iteration gives, when type checking could tell.
        var focusType = forEach is not null ? TypeName(forEach.ResultType) : repeat is not null ? null : contextType;
        var first = _columns.Count;
        var columns = new List<ColumnPlan>();
        foreach (var (column, location) in Array(select, "column", at, required: false))
        {
            if (ReadColumn(column, location, focusType) is { } plan)
            {
                columns.Add(plan);
            }
        }
        var nested = new List<SelectPlan>();
        foreach (var (child, location) in Array(select, "select", at, required: false))
        {
            if (ReadSelect(child, location, focusType) is { } plan)
            {
                nested.Add(plan);
            }
        }
        var union = ReadUnion(select, at, focusType);
        if (columns.Count == 0 && nested.Count == 0 && union.Count == 0)
        {
            Error(IssueType.Required, "A select needs at least one of column, select and unionAll", at);
        }
        return new SelectPlan
        {
            ForEach = forEach,
            OrNull = forEachName == "forEachOrNull",
            Repeat = repeat,
            Columns = columns,
            Selects = nested,
            UnionAll = union,
            AllIndexes = [.. Enumerable.Range(first, _columns.Count - first)],
            Location = at,
        };
    }

    private List<SelectPlan> ReadUnion(JsonElement select, string at, string? focusType)
    {
        var branches = new List<SelectPlan>();
        int? start = null;
        List<ViewColumn>? firstColumns = null;
        foreach (var (branch, location) in Array(select, "unionAll", at, required: false))
        {
            var before = _columns.Count;
            var plan = ReadSelect(branch, location, focusType);
            var added = _columns.GetRange(before, _columns.Count - before);
            if (firstColumns is null)
            {
                start = before;
                firstColumns = added;
                if (plan is not null)
                {
                    branches.Add(plan);
                }
                continue;
            }
            // Every branch fills the first branch's positions: its columns must have the same names, in the same order.
            _columns.RemoveRange(before, _columns.Count - before);
            if (!added.Select(c => c.Name).SequenceEqual(firstColumns.Select(c => c.Name)))
            {
                Error(IssueType.Invalid,
                    $"The branches of a unionAll must have the same columns in the same order: [{string.Join(", ", firstColumns.Select(c => c.Name))}] vs [{string.Join(", ", added.Select(c => c.Name))}]",
                    location);
                continue;
            }
            if (plan is not null)
            {
                branches.Add(Shift(plan, start!.Value - before));
            }
        }
        return branches;
    }

    /// <summary>A branch's plan moved onto the first branch's row positions.</summary>
    private static SelectPlan Shift(SelectPlan plan, int offset) => offset == 0 ? plan : new SelectPlan
    {
        ForEach = plan.ForEach,
        OrNull = plan.OrNull,
        Repeat = plan.Repeat,
        Columns = [.. plan.Columns.Select(c => c with { Index = c.Index + offset })],
        Selects = [.. plan.Selects.Select(s => Shift(s, offset))],
        UnionAll = [.. plan.UnionAll.Select(s => Shift(s, offset))],
        AllIndexes = [.. plan.AllIndexes.Select(i => i + offset)],
        Location = plan.Location,
    };

    private ColumnPlan? ReadColumn(JsonElement column, string at, string? focusType)
    {
        if (column.ValueKind != JsonValueKind.Object)
        {
            Error(IssueType.Structure, "A column must be a JSON object", at);
            return null;
        }
        var name = String(column, "name", at, required: true);
        var path = Compile(column, "path", at, focusType, required: true);
        var type = String(column, "type", at, required: false);
        var collection = false;
        if (column.TryGetProperty("collection", out var c))
        {
            if (c.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Error(IssueType.Structure, "'collection' must be a boolean", at + ".collection");
            }
            collection = c.ValueKind == JsonValueKind.True;
        }
        if (name is not null && !ColumnName().IsMatch(name))
        {
            Error(IssueType.Value, $"'{name}' is not a usable column name: a letter, then letters, digits and '_'", at + ".name");
        }
        type ??= ColumnTypes.FromResultType(path?.ResultType);
        if (!ColumnTypes.TryGetKind(type, out var kind))
        {
            Error(IssueType.Value, $"'{type}' is not a FHIR primitive type: columns hold primitive values", at + ".type");
        }
        if (name is null || path is null)
        {
            return null;
        }
        var description = column.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        var viewColumn = new ViewColumn(name, type, kind, collection, description);
        _columns.Add(viewColumn);
        return new ColumnPlan(viewColumn, _columns.Count - 1, path, at);
    }

    private void ReadConstants(JsonElement root, string at)
    {
        foreach (var (constant, location) in Array(root, "constant", at, required: false))
        {
            if (constant.ValueKind != JsonValueKind.Object)
            {
                Error(IssueType.Structure, "A constant must be a JSON object", location);
                continue;
            }
            var name = String(constant, "name", location, required: true);
            var values = constant.EnumerateObject().Where(p => p.Name.StartsWith("value", StringComparison.Ordinal)).ToList();
            if (values.Count != 1)
            {
                Error(IssueType.Required, "A constant needs exactly one value[x]", location);
                continue;
            }
            var value = ConstantValue(values[0], $"{location}.{values[0].Name}");
            if (name is null || value is null)
            {
                continue;
            }
            if (!_constants.TryAdd(name, value))
            {
                Error(IssueType.Duplicate, $"The constant '{name}' is defined twice", location + ".name");
            }
        }
    }

    private object? ConstantValue(JsonProperty property, string at)
    {
        var type = property.Name[5..];
        var value = property.Value;
        object? result = (type, value.ValueKind) switch
        {
            ("Boolean", JsonValueKind.True or JsonValueKind.False) => value.GetBoolean(),
            ("Integer" or "PositiveInt" or "UnsignedInt", JsonValueKind.Number) when value.TryGetInt32(out var i) => i,
            ("Integer64", JsonValueKind.Number or JsonValueKind.String) => long.TryParse(value.ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) ? l : null,
            ("Decimal", JsonValueKind.Number) when value.TryGetDecimal(out var m) => m,
            ("Date", JsonValueKind.String) => FhirPathDate.TryParse(value.GetString(), out var date) ? date : null,
            ("DateTime" or "Instant", JsonValueKind.String) => FhirPathDateTime.TryParse(value.GetString(), out var dateTime) ? dateTime : null,
            ("Time", JsonValueKind.String) => FhirPathTime.TryParse(value.GetString(), out var time) ? time : null,
            ("String" or "Code" or "Id" or "Uri" or "Url" or "Canonical" or "Oid" or "Uuid" or "Markdown" or "Base64Binary", JsonValueKind.String) => value.GetString(),
            _ => null,
        };
        if (result is null)
        {
            Error(IssueType.Value, $"'{property.Name}' is not a usable constant value ({value.ValueKind.ToString().ToLowerInvariant()})", at);
        }
        return result;
    }

    private CompiledExpression? Compile(JsonElement owner, string property, string at, string? contextType, bool required)
    {
        var text = String(owner, property, at, required);
        return text is null ? null : CompileText(text, $"{at}.{property}", contextType);
    }

    private CompiledExpression? CompileText(string text, string at, string? contextType)
    {
        _expressions.Add(text);
        foreach (var variable in VariableNames.In(text))
        {
            _usesRowIndex |= variable == ViewEvaluator.RowIndex;
            if (!_constants.ContainsKey(variable) && !BuiltInVariables.Contains(variable)
                && !variable.StartsWith("vs-", StringComparison.Ordinal) && !variable.StartsWith("ext-", StringComparison.Ordinal))
            {
                Error(IssueType.Invalid, $"'%{variable}' is not a constant of the view", at);
                return null;
            }
        }
        if (!FhirPathCompiler.TryCompile(text, out var compiled, out var error, Options(contextType)))
        {
            Error(IssueType.Invalid, $"'{text}' is not a usable FHIRPath expression: {error!.Reason}", at);
            return null;
        }
        return compiled;
    }

    private static CompileOptions Options(string? contextType) =>
        new() { RootType = contextType, Functions = SqlOnFhirFunctions.All };

    /// <summary>The context type for the paths below a forEach: its result type when it is one known type.</summary>
    private string? TypeName(string? resultType)
    {
        if (resultType is null || resultType.Contains('|') || !resultType.StartsWith("FHIR.", StringComparison.Ordinal))
        {
            return null;
        }
        var name = resultType[5..];
        return _definitions.FindType(name) is null ? null : name;
    }

    private string? String(JsonElement owner, string property, string at, bool required)
    {
        if (!owner.TryGetProperty(property, out var value))
        {
            if (required)
            {
                Error(IssueType.Required, $"'{property}' is required", at);
            }
            return null;
        }
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { Length: > 0 } text)
        {
            Error(IssueType.Structure, $"'{property}' must be a non-empty string", $"{at}.{property}");
            return null;
        }
        return text;
    }

    private IEnumerable<(JsonElement Item, string Location)> Array(JsonElement owner, string property, string at, bool required)
    {
        if (!owner.TryGetProperty(property, out var value))
        {
            if (required)
            {
                Error(IssueType.Required, $"'{property}' is required", at);
            }
            return [];
        }
        if (value.ValueKind != JsonValueKind.Array || (required && value.GetArrayLength() == 0))
        {
            Error(IssueType.Structure, $"'{property}' must be {(required ? "a non-empty" : "an")} array", $"{at}.{property}");
            return [];
        }
        return value.EnumerateArray().Select((item, i) => (item, $"{at}.{property}[{i}]")).ToList();
    }

    private void CheckUniqueNames()
    {
        foreach (var duplicate in _columns.GroupBy(c => c.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            Error(IssueType.Duplicate, $"The column name '{duplicate.Key}' is used more than once", "ViewDefinition");
        }
    }

    private void Error(IssueType type, string message, string at) => _issues.Add(Issue.Error(type, message, at));

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex ColumnName();
}
