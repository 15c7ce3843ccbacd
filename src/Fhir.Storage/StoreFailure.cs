namespace Fhir.Storage;

/// <summary>Why the database could not do what it was asked, when the reason is the database's state and not the request.</summary>
public enum StoreFailure
{
    /// <summary>The database has no room left (a full disk, SQLite's size bound, PostgreSQL's 53100 disk_full).</summary>
    Full,

    /// <summary>The database cannot be reached or is too busy for now (down, refusing connections, out of connections or locks).</summary>
    Unavailable,
}
