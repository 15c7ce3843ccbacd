using System.Net.Sockets;
using System.Text;
using Fhir.Search.Indexing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Fhir.Storage.Tests;

/// <summary>Issue 12 item 20: the failures of a database's state are told from bugs, whatever wraps them.</summary>
public class StoreFailuresTests
{
    public static TheoryData<Exception, StoreFailure?> Exceptions => new()
    {
        { new SqliteException("database or disk is full", 13), StoreFailure.Full },
        { new SqliteException("disk I/O error", 10 | (4 << 8)), StoreFailure.Unavailable }, // SQLITE_IOERR_WRITE
        { new SqliteException("database is locked", 5), StoreFailure.Unavailable },
        { new SqliteException("unable to open database file", 14), StoreFailure.Unavailable },
        { new SqliteException("attempt to write a readonly database", 8), StoreFailure.Unavailable },
        { new SqliteException("too many SQL variables", 1), null },
        { new SqliteException("database disk image is malformed", 11), null },
        { new PostgresException("could not extend file", "ERROR", "ERROR", "53100"), StoreFailure.Full },
        { new PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300"), StoreFailure.Unavailable },
        { new PostgresException("the database system is shutting down", "FATAL", "FATAL", "57P03"), StoreFailure.Unavailable },
        { new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"), StoreFailure.Unavailable },
        { new PostgresException("connection failure", "FATAL", "FATAL", "08006"), StoreFailure.Unavailable },
        { new PostgresException("canceling statement due to statement timeout", "ERROR", "ERROR", "57014"), StoreFailure.Unavailable },
        { new PostgresException("syntax error", "ERROR", "ERROR", "42601"), null },
        { new PostgresException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "ERROR", "22021"), null },
        { new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)), StoreFailure.Unavailable },
        { new NpgsqlException("Exception while reading from stream", new TimeoutException()), StoreFailure.Unavailable },
        { new NpgsqlException("A statement cannot have more than 65535 parameters"), null },
        { new InvalidOperationException("commit failed", new SqliteException("database or disk is full", 13)), StoreFailure.Full },
        { new AggregateException(new ArgumentException("x"), new PostgresException("disk full", "ERROR", "ERROR", "53100")), StoreFailure.Full },
        { new InvalidOperationException("a bug"), null },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void A_failure_of_the_database_is_classified_and_anything_else_is_not(Exception exception, StoreFailure? expected)
    {
        Assert.Equal(expected, StoreFailures.Classify(exception));
    }

    [Fact]
    public async Task A_SQLite_store_bounded_in_size_fails_as_a_full_disk_and_keeps_what_it_had()
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fhir-storage-tests-" + Guid.NewGuid().ToString("N"));
        var options = new StorageOptions { Provider = StorageProvider.Sqlite, ConnectionString = $"Data Source={System.IO.Path.Combine(folder, "fhir.db")}", MaxSizeBytes = 512 * 1024 };
        try
        {
            await using var store = FhirStores.Open(options);
            await store.InitializeAsync();
            Exception? failure = null;
            var written = 0;
            for (var i = 0; i < 10_000 && failure is null; i++)
            {
                var json = Encoding.UTF8.GetBytes($"{{\"resourceType\":\"Basic\",\"id\":\"b{i}\",\"text\":\"{new string('x', 2000)}\"}}");
                try
                {
                    await using var session = await store.BeginWriteAsync();
                    await session.WriteAsync(new ResourceWrite("Basic", "b" + i, 1, DateTimeOffset.UtcNow, WriteMethod.Create, json, [new StringIndexValue("text", "x", "x")], []));
                    await session.CommitAsync();
                    written++;
                }
                catch (Exception e)
                {
                    failure = e;
                }
            }
            Assert.NotNull(failure);
            Assert.Equal(StoreFailure.Full, StoreFailures.Classify(failure));
            Assert.True(written > 0);
            Assert.NotNull(await store.Reader(Fhir.Storage.Access.ReadScope.Everything).ReadAsync("Basic", "b0"));
            Assert.Null(await store.Reader(Fhir.Storage.Access.ReadScope.Everything).ReadAsync("Basic", "b" + written));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_size_bound_is_for_SQLite_only()
    {
        Assert.Throws<ArgumentException>(() => FhirStores.Open(new StorageOptions { Provider = StorageProvider.Postgres, ConnectionString = "Host=x", MaxSizeBytes = 1 }));
        Assert.Throws<ArgumentException>(() => FhirStores.Open(new StorageOptions { Provider = StorageProvider.Sqlite, MaxSizeBytes = 0 }));
    }
}
