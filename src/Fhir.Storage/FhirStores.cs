using Fhir.Storage.Postgres;
using Fhir.Storage.Sqlite;

namespace Fhir.Storage;

/// <summary>Creates the store that <see cref="StorageOptions"/> describe.</summary>
public static class FhirStores
{
    /// <summary>
    /// Opens a store. Nothing touches the database until <see cref="IFhirStore.InitializeAsync"/>,
    /// which the caller runs once at start-up before any other call.
    /// </summary>
    /// <param name="options">The provider and its connection string.</param>
    /// <exception cref="ArgumentException">PostgreSQL without a connection string or with a size bound, or an unknown provider.</exception>
    public static IFhirStore Open(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider switch
        {
            StorageProvider.Sqlite => new SqliteFhirStore(
                string.IsNullOrWhiteSpace(options.ConnectionString) ? StorageOptions.DefaultSqliteConnectionString : options.ConnectionString)
            {
                MaxSizeBytes = options.MaxSizeBytes is > 0 or null ? options.MaxSizeBytes
                    : throw new ArgumentException("Storage:MaxSizeBytes must be positive.", nameof(options)),
            },
            StorageProvider.Postgres when options.MaxSizeBytes is not null =>
                throw new ArgumentException("Storage:MaxSizeBytes applies to SQLite only; bound a PostgreSQL database with the server's own means.", nameof(options)),
            StorageProvider.Postgres => new PostgresFhirStore(
                string.IsNullOrWhiteSpace(options.ConnectionString)
                    ? throw new ArgumentException("Storage:ConnectionString is required for the Postgres provider.", nameof(options))
                    : options.ConnectionString),
            _ => throw new ArgumentException($"Unknown storage provider '{options.Provider}'.", nameof(options)),
        };
    }
}
