namespace Fhir.Storage.Tests;

/// <summary>The store tests on PostgreSQL: a fresh database per test on the shared <see cref="PostgresFixture"/> server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresFixture postgres) : StoreTests
{
    protected override async Task<StorageOptions> CreateDatabaseAsync() =>
        new() { Provider = StorageProvider.Postgres, ConnectionString = await postgres.CreateDatabaseAsync() };

    protected override Task DropDatabaseAsync(StorageOptions database) => postgres.DropDatabaseAsync(database.ConnectionString!);

    private protected override Fhir.Storage.Sql.SqlDialect Dialect => Fhir.Storage.Postgres.PostgresDialect.Instance;

    protected override async Task ExecuteSqlAsync(StorageOptions database, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    protected override async Task<long> ScalarAsync(StorageOptions database, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
