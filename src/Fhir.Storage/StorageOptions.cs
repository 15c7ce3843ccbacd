namespace Fhir.Storage;

/// <summary>Where and how resources are stored; bound from the <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    /// <summary>The SQLite connection string used when none is configured.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=./data/fhir.db";

    /// <summary>The database kind (<c>Storage:Provider</c>): <see cref="StorageProvider.Sqlite"/> unless set.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// The ADO.NET connection string (<c>Storage:ConnectionString</c>). Optional for SQLite
    /// (<see cref="DefaultSqliteConnectionString"/>), required for PostgreSQL.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// SQLite only (<c>Storage:MaxSizeBytes</c>): the most the database file may grow to, so that it cannot fill the disk
    /// it shares with the system and its logs; the audit journal beside it takes only the room the database leaves.
    /// Beyond it writes fail as on a full disk (the server answers 507). Null: no bound but the disk's.
    /// </summary>
    public long? MaxSizeBytes { get; set; }
}
