namespace Fhir.Storage.Sql;

/// <summary>The statement text both writers share.</summary>
internal static class WriteSql
{
    /// <summary>Inserts one history row: @p0 type, @p1 id, @p2 version, @p3 last_updated, @p4 method, @p5 json.</summary>
    public const string InsertVersion =
        "INSERT INTO resource_version (res_type, res_id, version, last_updated, method, json) VALUES (@p0, @p1, @p2, @p3, @p4, @p5) RETURNING seq";

    /// <summary>Inserts or moves the current row: columns (res_type, res_id, version, last_updated, deleted, version_seq).</summary>
    public const string UpsertCurrentHead = "INSERT INTO resource (res_type, res_id, version, last_updated, deleted, version_seq) ";

    /// <summary>
    /// Completes <see cref="UpsertCurrentHead"/>. The current row only moves forward: an older
    /// version (a caller that skipped ReadForUpdate) returns no row, which the writer reports as a conflict.
    /// </summary>
    public const string UpsertCurrentTail =
        " ON CONFLICT (res_type, res_id) DO UPDATE SET version = excluded.version, last_updated = excluded.last_updated,"
        + " deleted = excluded.deleted, version_seq = excluded.version_seq WHERE excluded.version > resource.version RETURNING res_key";

    /// <summary>One patient compartment row of a version: @p0 seq, @p1 patient id.</summary>
    public const string InsertPatient = "INSERT INTO patient_compartment (seq, patient_id) VALUES (@p0, @p1)";

    /// <summary>
    /// A tombstone's compartment rows: those of the version it deletes (@p0 the tombstone's seq, @p1 type, @p2 id),
    /// run before the current row moves to the tombstone.
    /// </summary>
    public const string CopyPatients =
        "INSERT INTO patient_compartment (seq, patient_id) SELECT @p0, o.patient_id FROM resource r JOIN patient_compartment o ON o.seq = r.version_seq"
        + " WHERE r.res_type = @p1 AND r.res_id = @p2";
}
