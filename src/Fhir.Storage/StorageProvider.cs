namespace Fhir.Storage;

/// <summary>The database behind the store (config key <c>Storage:Provider</c>).</summary>
public enum StorageProvider
{
    /// <summary>An embedded SQLite file: the default, for one machine.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server, shared by any number of server processes.</summary>
    Postgres,
}
