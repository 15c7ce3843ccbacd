namespace Fhir.Storage.Tests;

public sealed class StorageOptionsTests
{
    [Fact]
    public void Options_default_to_SQLite_without_a_connection_string()
    {
        var options = new StorageOptions();

        Assert.Equal(StorageProvider.Sqlite, options.Provider);
        Assert.Null(options.ConnectionString);
        Assert.Equal("Data Source=./data/fhir.db", StorageOptions.DefaultSqliteConnectionString);
    }

    [Fact]
    public void Opening_PostgreSQL_without_a_connection_string_throws()
    {
        Assert.Throws<ArgumentException>(() => FhirStores.Open(new StorageOptions { Provider = StorageProvider.Postgres }));
    }

    [Fact]
    public async Task Opening_a_store_touches_no_database_before_initialize()
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fhir-storage-tests-" + Guid.NewGuid().ToString("N"));
        await using (FhirStores.Open(new StorageOptions { ConnectionString = $"Data Source={folder}/fhir.db" }))
        {
        }

        Assert.False(Directory.Exists(folder));
    }
}
