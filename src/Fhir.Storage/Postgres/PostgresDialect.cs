using System.Data.Common;
using System.Runtime.InteropServices;
using Fhir.Storage.Sql;
using Npgsql;

namespace Fhir.Storage.Postgres;

/// <summary>PostgreSQL: timestamptz, numeric, bytea, identity keys, text in the C collation.</summary>
internal sealed class PostgresDialect : SqlDialect
{
    // Concurrent claims skip the job another node is claiming and take the next one, instead of
    // re-checking it after that node commits and coming back empty-handed.
    public override string SkipLocked => " FOR UPDATE SKIP LOCKED";

    public override string ForUpdate => " FOR UPDATE";

    public override string ProbeFence => " OFFSET 0";

    public override bool WalksWideWindows => true;

    public override bool CutsPagesBeforeVersions => true;

    public override bool ProbesDenseChains => true;

    public override bool MergesChainTargets => true;

    public override bool MatchesHasTargetsById => true;

    public override bool DrivesByJoin => true;

    public static readonly PostgresDialect Instance = new();

    private PostgresDialect()
    {
    }

    public override string ExpandDdl(string template) => template
        .Replace("{key}", "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY", StringComparison.Ordinal)
        .Replace("{text}", "text COLLATE \"C\"", StringComparison.Ordinal)
        .Replace("{int}", "integer", StringComparison.Ordinal)
        .Replace("{bigint}", "bigint", StringComparison.Ordinal)
        .Replace("{smallint}", "smallint", StringComparison.Ordinal)
        .Replace("{instant}", "timestamptz", StringComparison.Ordinal)
        .Replace("{num}", "numeric", StringComparison.Ordinal)
        .Replace("{bytes}", "bytea", StringComparison.Ordinal)
        .Replace("{bool}", "boolean", StringComparison.Ordinal)
        .Replace("{wide_span}", WideSpanInterval, StringComparison.Ordinal)
        .Replace("{date_wide_trigger}", DateWideTrigger, StringComparison.Ordinal)
        .Replace("{quantity_multi_trigger}", QuantityMultiTrigger, StringComparison.Ordinal);

    // An interval added to low rather than high - low: an open end is +-infinity, which PostgreSQL does not subtract.
    private static readonly string WideSpanInterval = $"interval '{(int)WideDateSpan.TotalDays} days'";

    // Lists the resources of new idx_date rows in idx_date_wide when a row is wide or not the resource's only one of its
    // code. Once per statement, over its rows (a transition table), which sees all of a multi-row INSERT: a row-level
    // plpgsql call per date row cost 25-35 us each (100,000 rows: 4.2-6.0 s against 1.7-2.5 s without), this 2-3 us.
    private static readonly string DateWideTrigger = $"""
        CREATE FUNCTION idx_date_wide_add() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO idx_date_wide (code, res_key)
                SELECT DISTINCT n.code, n.res_key FROM new_rows n
                WHERE n.high > n.low + {WideSpanInterval}
                    OR (SELECT COUNT(*) FROM (SELECT 1 FROM idx_date d WHERE d.res_key = n.res_key AND d.code = n.code LIMIT 2) x) > 1
            ON CONFLICT DO NOTHING;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER tr_idx_date_wide AFTER INSERT ON idx_date REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION idx_date_wide_add()
        """;

    // Lists the resources of new idx_quantity rows in idx_quantity_multi when a row is not the resource's only one of its
    // code; once per statement, as the date trigger.
    private const string QuantityMultiTrigger = """
        CREATE FUNCTION idx_quantity_multi_add() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO idx_quantity_multi (code, res_key)
                SELECT DISTINCT n.code, n.res_key FROM new_rows n
                WHERE (SELECT COUNT(*) FROM (SELECT 1 FROM idx_quantity q WHERE q.res_key = n.res_key AND q.code = n.code LIMIT 2) x) > 1
            ON CONFLICT DO NOTHING;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER tr_idx_quantity_multi AFTER INSERT ON idx_quantity REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION idx_quantity_multi_add()
        """;

    public override object Instant(DateTime utc) => utc;

    public override DateTimeOffset ReadInstant(DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetFieldValue<DateTime>(ordinal), DateTimeKind.Utc), TimeSpan.Zero);

    public override object Number(decimal value) => value;

    protected override object ReadNumber(DbDataReader reader, int ordinal) => reader.GetDecimal(ordinal);

    public override object TextSet(IReadOnlyList<string> values) => values as string[] ?? [.. values];

    // In the text columns' collation: unnest's strings would otherwise carry the default one, and the comparison two.
    public override string TextSetSelect(string placeholder) => "SELECT unnest(CAST(" + placeholder + " AS text[])) COLLATE \"C\"";

    public override object Bytes(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToArray();

    // Unique violation (the same version or id written first), serialization failure, deadlock.
    public override bool IsConflict(Exception error) =>
        error is PostgresException { SqlState: "23505" or "40001" or "40P01" };
}
