using Fhir.Search.Indexing;
using Fhir.Storage.Sql;

namespace Fhir.Storage.Postgres;

/// <summary>Index rows as column arrays per index table, for one <c>unnest</c> INSERT per table.</summary>
internal static class PostgresIndexColumns
{
    /// <summary>
    /// The column arrays of each index table that has values (<c>[ordinal]</c> null when none), rows in
    /// the order of <paramref name="values"/>. With <paramref name="keys"/> (the <c>res_key</c> of each
    /// value), every table's arrays start with a <c>res_key</c> array.
    /// </summary>
    public static Array[]?[] Build(IReadOnlyList<IndexValue> values, IReadOnlyList<long>? keys = null)
    {
        var offset = keys is null ? 0 : 1;
        Span<int> counts = stackalloc int[IndexTables.All.Length];
        for (var i = 0; i < values.Count; i++) counts[IndexTables.For(values[i]).Ordinal]++;

        var columns = new Array[]?[IndexTables.All.Length];
        foreach (var table in IndexTables.All)
        {
            var n = counts[table.Ordinal];
            if (n == 0) continue;
            var arrays = new Array[table.Columns.Length + offset];
            if (keys is not null) arrays[0] = new long[n];
            for (var c = 0; c < table.Columns.Length; c++)
            {
                arrays[c + offset] = table.Kinds[c] switch
                {
                    ColumnKind.Text => new string?[n],
                    ColumnKind.Instant => new DateTime[n],
                    ColumnKind.Integer => new long?[n],
                    _ => new decimal?[n],
                };
            }
            columns[table.Ordinal] = arrays;
        }

        var row = new object?[IndexTables.MaxColumns];
        Span<int> filled = stackalloc int[IndexTables.All.Length];
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            var table = IndexTables.For(value);
            IndexTables.Fill(value, PostgresDialect.Instance, row);
            var arrays = columns[table.Ordinal]!;
            var at = filled[table.Ordinal]++;
            if (keys is not null) ((long[])arrays[0])[at] = keys[i];
            for (var c = offset; c < arrays.Length; c++)
            {
                switch (arrays[c])
                {
                    case string?[] s: s[at] = (string?)row[c - offset]; break;
                    case DateTime[] d: d[at] = (DateTime)row[c - offset]!; break;
                    case decimal?[] m: m[at] = (decimal?)row[c - offset]; break;
                    case long?[] g: g[at] = (long?)row[c - offset]; break;
                }
            }
        }
        return columns;
    }
}
