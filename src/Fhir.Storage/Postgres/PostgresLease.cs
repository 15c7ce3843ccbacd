using System.Data.Common;
using Fhir.Storage.Sql;
using Npgsql;

namespace Fhir.Storage.Postgres;

/// <summary>A pooled connection lent for one read or for the migration (Npgsql prepares repeated statements itself).</summary>
internal sealed class PostgresLease(NpgsqlConnection connection, NpgsqlTransaction? transaction = null) : DbLease(PostgresDialect.Instance)
{
    public override DbCommand Command(string sql) => new NpgsqlCommand(sql, connection, transaction);

    public override ValueTask DisposeAsync() => connection.DisposeAsync();
}
