using Microsoft.Data.Sqlite;

namespace Fhir.Storage.Tests;

/// <summary>The store tests on SQLite: a database file in a new temp folder per database.</summary>
public sealed class SqliteStoreTests : StoreTests
{
    protected override Task<StorageOptions> CreateDatabaseAsync()
    {
        // A folder that does not exist yet: the store must create it.
        var file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fhir-storage-tests", Guid.NewGuid().ToString("N"), "db", "fhir.db");
        return Task.FromResult(new StorageOptions { Provider = StorageProvider.Sqlite, ConnectionString = $"Data Source={file}" });
    }

    protected override Task DropDatabaseAsync(StorageOptions database)
    {
        var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(file))!;
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_database_file_is_created_in_WAL_mode()
    {
        await WriteAsync(Create("Patient", "a"));

        await using var connection = new SqliteConnection(Options.ConnectionString + ";Pooling=False");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await cmd.ExecuteScalarAsync());
    }
}
