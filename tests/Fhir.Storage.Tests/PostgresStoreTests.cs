namespace Fhir.Storage.Tests;

/// <summary>The store tests on PostgreSQL: a fresh database per test on the shared <see cref="PostgresFixture"/> server.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresFixture postgres) : StoreTests
{
    protected override async Task<StorageOptions> CreateDatabaseAsync() =>
        new() { Provider = StorageProvider.Postgres, ConnectionString = await postgres.CreateDatabaseAsync() };

    protected override Task DropDatabaseAsync(StorageOptions database) => postgres.DropDatabaseAsync(database.ConnectionString!);
}
