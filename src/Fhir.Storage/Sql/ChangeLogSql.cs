namespace Fhir.Storage.Sql;

/// <summary>The change log's statements (<see cref="Changes.IChangeLogStore"/>), the same on both databases.</summary>
internal static class ChangeLogSql
{
    /// <summary>Takes the next change number, locking the counter row until the transaction ends.</summary>
    public const string Next = "UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value";

    /// <summary>The last number taken by a committed transaction.</summary>
    public const string Last = "SELECT value FROM change_counter WHERE id = 1";

    /// <summary>The changes in a range of numbers, with each resource's current version.</summary>
    public const string Read =
        "SELECT c.seq, c.res_type, c.res_id, r.version, v.method, v.json FROM change_log c"
        + " LEFT JOIN resource r ON r.res_type = c.res_type AND r.res_id = c.res_id"
        + " LEFT JOIN resource_version v ON v.seq = r.version_seq"
        + " WHERE c.seq > @p0 AND c.seq <= @p1 ORDER BY c.seq, c.res_type, c.res_id";
}
