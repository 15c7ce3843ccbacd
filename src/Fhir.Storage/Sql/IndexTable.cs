namespace Fhir.Storage.Sql;

/// <summary>How an index column travels as a parameter (see <see cref="SqlDialect"/>).</summary>
internal enum ColumnKind { Text, Instant, Number, Integer }

/// <summary>One index table: its name and its columns after <c>res_key</c>, in insert order.</summary>
internal sealed class IndexTable(string name, string[] columns, ColumnKind[] kinds)
{
    /// <summary>The table name.</summary>
    public string Name { get; } = name;

    /// <summary>Columns after <c>res_key</c>; the first is always <c>code</c>.</summary>
    public string[] Columns { get; } = columns;

    /// <summary>The kind of each of <see cref="Columns"/>.</summary>
    public ColumnKind[] Kinds { get; } = kinds;

    /// <summary>Position in <see cref="IndexTables.All"/>.</summary>
    public int Ordinal { get; init; }

    /// <summary><c>res_key, code, ...</c> for insert statements.</summary>
    public string InsertColumnList => "res_key, " + string.Join(", ", Columns);
}
