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

    // Issue 18: a generic plan once made a patient's Observations of a code take 355 ms instead of 3; planning every
    // write and read by id cost a fifth of the mixed load, and left to PostgreSQL's choice (auto) an update was still
    // planned on most runs. So each kind of statement has the plan mode it needs.
    [Fact]
    public async Task Searches_plan_for_their_values_while_writes_and_reads_by_id_take_generic_plans()
    {
        var store = (Fhir.Storage.Sql.SqlFhirStore)Store;
        await using (var lease = await store.LeaseForSearchAsync(default)) Assert.Equal("force_custom_plan", await PlanModeAsync(lease));
        await using (var lease = await store.LeaseForReadAsync(default)) Assert.Equal("force_generic_plan", await PlanModeAsync(lease));

        await using var session = await Store.BeginWriteAsync();
        await session.WriteAsync(Create("Patient", "a", index: Token("identifier", "urn:sys", "1")));
        // Writes are held back until the session's next step (which sends them first); a statement run directly on the
        // session before then is refused.
        await Assert.ThrowsAsync<InvalidOperationException>(() => PlanModeAsync((Fhir.Storage.Sql.DbLease)session));
        Assert.Equal(["a"], await session.CurrentPatientsAsync("Patient", "a"));
        Assert.Equal("force_generic_plan", await PlanModeAsync((Fhir.Storage.Sql.DbLease)session));
        // A conditional match in the session is a search: planned for its values, in this transaction only, until the
        // session's next read for update or write, which goes back to generic plans in the same round trip.
        var match = Query("Patient", TokenCriterion("identifier", null, new Fhir.Search.Queries.TokenSearchValue("urn:sys", "1", true)));
        Assert.Equal(["a"], await session.SearchIdsAsync(match, Access.ReadScope.Everything, 10));
        Assert.Equal("force_custom_plan", await PlanModeAsync((Fhir.Storage.Sql.DbLease)session));
        Assert.Equal(1, (await session.ReadForUpdateAsync("Patient", "a"))!.VersionId);
        Assert.Equal("force_generic_plan", await PlanModeAsync((Fhir.Storage.Sql.DbLease)session));

        Assert.Equal(["a"], await session.SearchIdsAsync(match, Access.ReadScope.Everything, 10));
        await session.WriteAsync(Update("Patient", "a", 2, T0.AddMinutes(1), Token("identifier", "urn:sys", "2")));
        Assert.Equal(["a"], await session.CurrentPatientsAsync("Patient", "a"));
        Assert.Equal("force_generic_plan", await PlanModeAsync((Fhir.Storage.Sql.DbLease)session));
        Assert.Empty(await session.SearchIdsAsync(match, Access.ReadScope.Everything, 10));
        await session.CommitAsync();

        await using (var check = await Store.BeginWriteAsync())
        {
            Assert.Equal(2, (await check.ReadForUpdateAsync("Patient", "a"))!.VersionId);
            Assert.Empty(await check.SearchIdsAsync(match, Access.ReadScope.Everything, 10));
            await check.WriteAsync(Update("Patient", "a", 3, T0.AddMinutes(3), Token("identifier", "urn:sys", "1")));
            Assert.Equal(["a"], await check.SearchIdsAsync(match, Access.ReadScope.Everything, 10));
            await check.CommitAsync();
        }

        await using (var lease = await store.LeaseForReadAsync(default)) Assert.Equal("force_generic_plan", await PlanModeAsync(lease));
    }

    private static async Task<string?> PlanModeAsync(Fhir.Storage.Sql.DbLease lease) =>
        (string?)await lease.Command("SHOW plan_cache_mode").ExecuteScalarAsync();
}
