using Fhir.Server.Tests.Security.Confinement;
using Fhir.Server.Tests.Support;

namespace Fhir.Server.Tests.Jobs;

/// <summary>
/// A database written before the store kept the patient compartments of versions: the migration that adds them
/// queues a job that records them for every stored version, and until then a patient-scoped token sees none of the
/// older data (closed, not open). The old schema is made from a new one by undoing the migration.
/// </summary>
public abstract class PatientCompartmentJobTests
{
    protected abstract string Provider { get; }

    protected abstract Task<string> CreateStoreAsync();

    protected abstract Task ExecuteAsync(string connectionString, string sql);

    protected abstract Task DropStoreAsync(string connectionString);

    [Fact]
    public async Task A_migrated_store_gets_the_compartments_of_its_stored_versions()
    {
        var connection = await CreateStoreAsync();
        try
        {
            await using (var before = new FixedStoreServer(Provider, connection))
            {
                await before.InitializeAsync();
                await AttackData.SeedAsync(new AttackClient(before));
            }
            // Back to schema version 4: every migration from 5 on undone (a later migration adds its own DROP here).
            var dateWide = Provider == "Postgres"
                ? "DROP TRIGGER tr_idx_date_wide ON idx_date; DROP FUNCTION idx_date_wide_add(); DROP TABLE idx_date_wide; "
                    + "DROP TRIGGER tr_idx_quantity_multi ON idx_quantity; DROP FUNCTION idx_quantity_multi_add(); DROP TABLE idx_quantity_multi; "
                : "DROP TRIGGER tr_idx_date_wide; DROP TABLE idx_date_wide; DROP TRIGGER tr_idx_quantity_multi; DROP TABLE idx_quantity_multi; ";
            await ExecuteAsync(connection, "DROP TABLE patient_compartment; DROP TABLE single_use; DROP TABLE audit_outbox; DROP TABLE change_counter; DROP TABLE change_log; DROP TABLE shared_counter; DROP TABLE shared_set; " + dateWide + "DROP TABLE audit_journal_mark; DROP TABLE idx_token_date; DROP TABLE idx_reference_token; DELETE FROM schema_version WHERE version >= 5");

            await using var after = new FixedStoreServer(Provider, connection);
            await after.InitializeAsync();
            var client = new AttackClient(after);
            Observed history = new(0, "");
            for (var waited = 0; waited < 300; waited++)
            {
                history = await client.SendAsync(AttackClients.PatientApp, new("GET", "Observation/obs-moved/_history"));
                if (history.Status == 200)
                {
                    break;
                }
                await Task.Delay(100);
            }
            Assert.Equal(200, history.Status);
            Assert.Equal(["Observation/obs-moved"], AttackData.Matches(history.Body));
            Assert.Contains("MARK-obs-moved-v2", history.Body, StringComparison.Ordinal);
            Assert.Equal(200, (await client.SendAsync(AttackClients.PatientApp, new("GET", "Observation/obs-a1"))).Status);
            Assert.Equal(404, (await client.SendAsync(AttackClients.PatientApp, new("GET", "Observation/obs-b1"))).Status);
            Assert.Equal(404, (await client.SendAsync(AttackClients.PatientApp, new("GET", "Patient/pat-del/_history"))).Status);
            Assert.Equal(404, (await client.SendAsync(AttackClients.PatientApp, new("GET", "Observation/obs-b-deleted/_history"))).Status);
            var search = await client.SendAsync(AttackClients.PatientApp, new("GET", "Observation?_count=100"));
            Assert.Equal(["Observation/obs-a-perf", "Observation/obs-a1", "Observation/obs-moved", "Observation/obs-shared"], AttackData.Matches(search.Body).Order(StringComparer.Ordinal));
            // A tombstone of the patient's own resource, written after the migration, keeps its compartment.
            Assert.Equal(204, (await client.SendAsync(AttackClients.Seeder, new("DELETE", "Observation/obs-a1"))).Status);
            Assert.Equal(410, (await client.SendAsync(AttackClients.PatientApp, new("GET", "Observation/obs-a1"))).Status);
        }
        finally
        {
            await DropStoreAsync(connection);
        }
    }

    private sealed class FixedStoreServer(string provider, string connectionString) : ServerFixture, IAsyncDisposable
    {
        public override string Provider => provider;

        protected override IEnumerable<KeyValuePair<string, string>> Settings => AttackClients.Settings();

        protected override Task<string> CreateStoreAsync() => Task.FromResult(connectionString);

        protected override Task DropStoreAsync() => Task.CompletedTask;

        ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());
    }
}

public sealed class PatientCompartmentJobTestsOnSqlite : PatientCompartmentJobTests
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fhir-compartment-job-" + Guid.NewGuid().ToString("N"));

    protected override string Provider => "Sqlite";

    protected override Task<string> CreateStoreAsync()
    {
        Directory.CreateDirectory(_folder);
        return Task.FromResult($"Data Source={System.IO.Path.Combine(_folder, "fhir.db")}");
    }

    protected override async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    protected override Task DropStoreAsync(string connectionString)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PatientCompartmentJobTestsOnPostgres : PatientCompartmentJobTests
{
    protected override string Provider => "Postgres";

    protected override async Task<string> CreateStoreAsync() => await (await SharedPostgres.Instance).CreateDatabaseAsync();

    protected override async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override async Task DropStoreAsync(string connectionString) => await (await SharedPostgres.Instance).DropDatabaseAsync(connectionString);
}
