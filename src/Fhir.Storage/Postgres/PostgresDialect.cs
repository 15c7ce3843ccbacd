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
        .Replace("{bool}", "boolean", StringComparison.Ordinal);

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
