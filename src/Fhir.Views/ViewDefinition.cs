using System.Text.Json;
using Fhir.Core.Outcomes;
using Fhir.Path;
using Fhir.Views.Definition;
using Fhir.Views.Input;

namespace Fhir.Views;

/// <summary>
/// A SQL on FHIR v2 ViewDefinition, read and compiled: the resource type it flattens, its output columns and the
/// compiled paths. Immutable and thread-safe; run it with <see cref="ViewRunner"/>.
/// </summary>
public sealed class ViewDefinition
{
    internal ViewDefinition(
        string resource, string? name, IReadOnlyList<ViewColumn> columns, SelectPlan root,
        IReadOnlyList<(CompiledExpression Path, string Location)> where, IReadOnlyDictionary<string, object?> constants, bool usesRowIndex,
        IReadOnlyList<string> expressions)
    {
        Resource = resource;
        Name = name;
        Columns = columns;
        Root = root;
        Where = where;
        Constants = constants;
        UsesRowIndex = usesRowIndex;
        Projection = ElementProjection.For(expressions);
    }

    /// <summary>The resource type the view reads (<c>resource</c>).</summary>
    public string Resource { get; }

    /// <summary>The view's <c>name</c>, when it has one (a table name).</summary>
    public string? Name { get; }

    /// <summary>The output columns, in output order.</summary>
    public IReadOnlyList<ViewColumn> Columns { get; }

    internal SelectPlan Root { get; }

    internal IReadOnlyList<(CompiledExpression Path, string Location)> Where { get; }

    internal IReadOnlyDictionary<string, object?> Constants { get; }

    internal bool UsesRowIndex { get; }

    /// <summary>The top-level elements the paths can reach, so that the others are not parsed; null for all.</summary>
    internal ElementProjection? Projection { get; }

    /// <summary>Reads and compiles a ViewDefinition from UTF-8 JSON.</summary>
    public static ViewParseResult Parse(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions { MaxDepth = 128 });
        JsonDocument document;
        try
        {
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            return new ViewParseResult(null, [Issue.Error(IssueType.Structure, $"The ViewDefinition is not well-formed JSON: {e.Message}")]);
        }
        using (document)
        {
            return Parse(document.RootElement);
        }
    }

    /// <summary>Reads and compiles a ViewDefinition from a parsed JSON value.</summary>
    public static ViewParseResult Parse(JsonElement json) => ViewReader.Read(json);

    /// <inheritdoc />
    public override string ToString() => $"{Name ?? "view"} over {Resource} ({Columns.Count} columns)";
}
