using System.Data.Common;
using System.Runtime.InteropServices;
using Fhir.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Fhir.Storage.Sqlite;

/// <summary>SQLite: instants as UTC ticks (INTEGER), decimals as REAL, keys as rowid aliases.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    private const int SqliteConstraint = 19, SqliteConstraintPrimaryKey = 1555, SqliteConstraintUnique = 2067;

    public static readonly SqliteDialect Instance = new();

    private SqliteDialect()
    {
    }

    public override string ExpandDdl(string template) => template
        .Replace("{key}", "INTEGER PRIMARY KEY", StringComparison.Ordinal)
        .Replace("{text}", "TEXT", StringComparison.Ordinal)
        .Replace("{int}", "INTEGER", StringComparison.Ordinal)
        .Replace("{bigint}", "INTEGER", StringComparison.Ordinal)
        .Replace("{smallint}", "INTEGER", StringComparison.Ordinal)
        .Replace("{instant}", "INTEGER", StringComparison.Ordinal)
        .Replace("{num}", "REAL", StringComparison.Ordinal)
        .Replace("{bytes}", "BLOB", StringComparison.Ordinal)
        .Replace("{bool}", "INTEGER", StringComparison.Ordinal)
        .Replace("{wide_span}", WideDateSpan.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{date_wide_trigger}", DateWideTrigger, StringComparison.Ordinal)
        .Replace("{quantity_multi_trigger}", QuantityMultiTrigger, StringComparison.Ordinal);

    // The resources whose rows a window cannot stand for: those of new idx_date rows that are wide or not the resource's
    // only row of their code (idx_date_wide), and of new idx_quantity rows that are not (idx_quantity_multi).
    private static readonly string DateWideTrigger = ListingTrigger("idx_date", "idx_date_wide", $"NEW.high > NEW.low + {WideDateSpan.Ticks}");
    private static readonly string QuantityMultiTrigger = ListingTrigger("idx_quantity", "idx_quantity_multi", null);

    // Lists in `list` the (code, res_key) of a new row of `table` that is not its resource's only row of the code, or that
    // satisfies `also` (the (res_key, code) index answers; a multi-row INSERT fires per row, so the second row sees the first).
    private static string ListingTrigger(string table, string list, string? also) => $"""
        CREATE TRIGGER tr_{list} AFTER INSERT ON {table}
        WHEN {(also is null ? "" : also + " OR ")}(SELECT COUNT(*) FROM (SELECT 1 FROM {table} d WHERE d.res_key = NEW.res_key AND d.code = NEW.code LIMIT 2)) > 1
        BEGIN
            INSERT OR IGNORE INTO {list} (code, res_key) VALUES (NEW.code, NEW.res_key);
        END
        """;

    public override string Unindexed(string column) => "+" + column;

    public override bool SplitsOrBranches => true;

    public override bool WalksWideWindows => true;

    public override object Instant(DateTime utc) => utc.Ticks;

    public override DateTimeOffset ReadInstant(DbDataReader reader, int ordinal) => new(reader.GetInt64(ordinal), TimeSpan.Zero);

    public override object Number(decimal value) => (double)value;

    // A double stays a double: through a decimal it could come back a different double.
    public override object SortValue(object value) => value is double f ? f : base.SortValue(value);

    protected override object ReadNumber(DbDataReader reader, int ordinal) => reader.GetDouble(ordinal);

    public override object TextSet(IReadOnlyList<string> values) => System.Text.Json.JsonSerializer.Serialize(values);

    public override string TextSetSelect(string placeholder) => "SELECT value FROM json_each(" + placeholder + ")";

    public override object Bytes(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToArray();

    public override bool IsConflict(Exception error) =>
        error is SqliteException { SqliteErrorCode: SqliteConstraint } e
        && e.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey;
}
