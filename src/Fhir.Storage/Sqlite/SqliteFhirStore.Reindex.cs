using System.Globalization;
using System.Text;
using Fhir.Storage.Sql;

namespace Fhir.Storage.Sqlite;

/// <summary>SQLite's reindex rows: key and code lists travel as JSON arrays (<c>json_each</c>), rows in multi-row INSERTs.</summary>
internal sealed partial class SqliteFhirStore
{
    // Rows per INSERT; a batch is cut into power-of-two pieces, so each table has few statement shapes.
    // Microsoft.Data.Sqlite binds each parameter by looking its name up among the statement's, so binding costs
    // the square of the parameters: at 64 rows (~450 parameters) binding was 40% of a full reindex.
    private const int MaxReindexRows = 16;

    private static readonly string[] SelectSeqSql = ["SELECT res_key, version_seq FROM resource WHERE res_key IN (SELECT value FROM json_each(@p0))"];
    private static readonly string[] DeleteAllRowsSql = [.. IndexTables.All.Select(t => $"DELETE FROM {t.Name} WHERE res_key IN (SELECT value FROM json_each(@p0))")];
    private static readonly string[] DeleteCodeRowsSql = [.. IndexTables.All.Select(t => $"DELETE FROM {t.Name} WHERE res_key IN (SELECT value FROM json_each(@p0)) AND code IN (SELECT value FROM json_each(@p1))")];
    private static readonly Dictionary<(int Table, int Rows), string> ReindexInserts = CreateReindexInserts();

    protected override Task ReplaceIndexRowsAsync(
        SqlWriteSession session, IReadOnlyList<ReindexedResource> resources, IReadOnlyCollection<string>? codes, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        // The session holds the write gate, so the writer connection is this session's.
        var link = writer!;
        var current = new Dictionary<long, long>(resources.Count);
        var select = link.Statement(SelectSeqSql[0], 1);
        select.Parameters[0].Value = JsonArray(resources.Select(r => r.Key.ToString(CultureInfo.InvariantCulture)));
        using (var reader = select.ExecuteReader())
        {
            while (reader.Read()) current[reader.GetInt64(0)] = reader.GetInt64(1);
        }
        var keep = resources.Where(r => current.TryGetValue(r.Key, out var seq) && seq == r.VersionSeq).ToList();
        if (keep.Count == 0) return Task.CompletedTask;

        var keys = JsonArray(keep.Select(r => r.Key.ToString(CultureInfo.InvariantCulture)));
        var codeList = codes is null ? null : JsonArray(codes.Select(c => System.Text.Json.JsonSerializer.Serialize(c)));
        foreach (var table in IndexTables.All)
        {
            var delete = codeList is null ? link.Statement(DeleteAllRowsSql[table.Ordinal], 1) : link.Statement(DeleteCodeRowsSql[table.Ordinal], 2);
            delete.Parameters[0].Value = keys;
            if (codeList is not null) delete.Parameters[1].Value = codeList;
            delete.ExecuteNonQuery();
        }

        // Rows by table: (key, column values).
        var rows = new List<(long Key, object?[] Values)>[IndexTables.All.Length];
        foreach (var resource in keep)
        {
            foreach (var value in resource.Index)
            {
                var table = IndexTables.For(value);
                var row = new object?[table.Columns.Length];
                IndexTables.Fill(value, SqliteDialect.Instance, row);
                (rows[table.Ordinal] ??= []).Add((resource.Key, row));
            }
        }
        foreach (var table in IndexTables.All)
        {
            var list = rows[table.Ordinal];
            if (list is null) continue;
            var width = table.Columns.Length + 1;
            var at = 0;
            while (at < list.Count)
            {
                var n = MaxReindexRows;
                while (n > list.Count - at) n >>= 1;
                var cmd = link.Statement(ReindexInserts[(table.Ordinal, n)], n * width);
                var p = cmd.Parameters;
                var i = 0;
                for (var r = at; r < at + n; r++)
                {
                    var (key, values) = list[r];
                    p[i++].Value = key;
                    foreach (var v in values) p[i++].Value = v ?? DBNull.Value;
                }
                cmd.ExecuteNonQuery();
                at += n;
            }
        }
        return Task.CompletedTask;
    }

    private static string JsonArray(IEnumerable<string> items) => "[" + string.Join(",", items) + "]";

    private static Dictionary<(int, int), string> CreateReindexInserts()
    {
        var sql = new Dictionary<(int, int), string>();
        var text = new StringBuilder(8192);
        foreach (var t in IndexTables.All)
        {
            var width = t.Columns.Length + 1;
            for (var rows = 1; rows <= MaxReindexRows; rows <<= 1)
            {
                text.Clear().Append("INSERT INTO ").Append(t.Name).Append(" (").Append(t.InsertColumnList).Append(") VALUES ");
                for (var r = 0; r < rows; r++)
                {
                    text.Append(r == 0 ? "(" : ", (");
                    for (var c = 0; c < width; c++) text.Append(c == 0 ? "" : ", ").Append(SqlParams.Name(r * width + c));
                    text.Append(')');
                }
                sql[(t.Ordinal, rows)] = text.ToString();
            }
        }
        return sql;
    }
}
