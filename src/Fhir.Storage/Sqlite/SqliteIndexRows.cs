using Fhir.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Fhir.Storage.Sqlite;

/// <summary>
/// Index rows on SQLite, as the write sessions and the reindex both write them: multi-row INSERTs, and the
/// comparison of stored rows with wanted ones that lets both touch only the rows that differ.
/// </summary>
internal static class SqliteIndexRows
{
    // Rows per INSERT. Each statement execution has a fixed cost (in Microsoft.Data.Sqlite more than in SQLite)
    // that one row per statement paid ~20 times per resource; but Microsoft.Data.Sqlite binds each parameter by
    // looking its name up among the statement's, so binding grows with the square of the parameters (at 64 rows,
    // ~450 parameters, it was 40% of a full reindex). Exact row counts keep the cached shapes few.
    private const int MaxRowsPerInsert = 16;

    // [table ordinal][rows]: INSERT INTO t (res_key, ...) VALUES (@p0, ...), (...) with `rows` rows.
    private static readonly string[][] InsertSql = CreateInserts();

    /// <summary>Inserts <paramref name="rows"/>, all of resource <paramref name="key"/>, into <paramref name="table"/>.</summary>
    public static void Insert(SqliteLink link, IndexTable table, long key, List<object?[]> rows) =>
        Insert(link, table, rows.Count, i => (key, rows[i]));

    /// <summary>Inserts <paramref name="rows"/> (resource key, column values) into <paramref name="table"/>.</summary>
    public static void Insert(SqliteLink link, IndexTable table, List<(long Key, object?[] Values)> rows) =>
        Insert(link, table, rows.Count, i => rows[i]);

    /// <summary>
    /// Reads the stored row in the reader's columns from <paramref name="first"/> on into <paramref name="stored"/> and
    /// takes an equal row out of <paramref name="wanted"/>: true when there was one (the row stays as it is), false
    /// when the stored row is stale.
    /// </summary>
    public static bool TakeMatch(SqliteDataReader reader, int first, object?[] stored, List<object?[]>? wanted)
    {
        // One type check per value (GetValue), not two (IsDBNull, then GetValue).
        for (var c = 0; c < stored.Length; c++) stored[c] = reader.GetValue(first + c) is var v and not DBNull ? v : null;
        if (wanted is null) return false;
        for (var w = 0; w < wanted.Count; w++)
        {
            if (SameRow(stored, wanted[w]))
            {
                wanted.RemoveAt(w);
                return true;
            }
        }
        return false;
    }

    // Column values as stored and as IndexTables.Fill makes them: strings, long (instants), double (numbers), null.
    private static bool SameRow(object?[] stored, object?[] wanted)
    {
        for (var c = 0; c < stored.Length; c++)
        {
            if (!Equals(stored[c], wanted[c])) return false;
        }
        return true;
    }

    private static void Insert(SqliteLink link, IndexTable table, int count, Func<int, (long Key, object?[] Values)> row)
    {
        var width = table.Columns.Length + 1;
        for (var first = 0; first < count; first += MaxRowsPerInsert)
        {
            var n = Math.Min(count - first, MaxRowsPerInsert);
            var cmd = link.Statement(InsertSql[table.Ordinal][n], n * width);
            var p = cmd.Parameters;
            var at = 0;
            for (var r = first; r < first + n; r++)
            {
                var (key, values) = row(r);
                p[at++].Value = key;
                for (var c = 0; c < values.Length; c++) p[at++].Value = values[c] ?? DBNull.Value;
            }
            cmd.ExecuteNonQuery();
        }
    }

    private static string[][] CreateInserts()
    {
        var sql = new string[IndexTables.All.Length][];
        var text = new System.Text.StringBuilder(2048);
        foreach (var t in IndexTables.All)
        {
            var width = t.Columns.Length + 1;
            sql[t.Ordinal] = new string[MaxRowsPerInsert + 1];
            for (var rows = 1; rows <= MaxRowsPerInsert; rows++)
            {
                text.Clear().Append("INSERT INTO ").Append(t.Name).Append(" (").Append(t.InsertColumnList).Append(") VALUES ");
                for (var r = 0; r < rows; r++)
                {
                    text.Append(r == 0 ? "(" : ", (");
                    for (var c = 0; c < width; c++) text.Append(c == 0 ? "" : ", ").Append(SqlParams.Name(r * width + c));
                    text.Append(')');
                }
                sql[t.Ordinal][rows] = text.ToString();
            }
        }
        return sql;
    }
}
