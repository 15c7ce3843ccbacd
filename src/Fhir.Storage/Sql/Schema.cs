namespace Fhir.Storage.Sql;

/// <summary>
/// The schema, written once for both databases with type placeholders that each
/// <see cref="SqlDialect"/> expands. Migrations are append-only: never edit a shipped script,
/// add the next one; <c>schema_version</c> records what was applied.
/// </summary>
/// <remarks>
/// <para><c>resource_version</c> is the history and the only copy of each version's JSON; its
/// <c>seq</c> orders history globally and is the history paging cursor. (On PostgreSQL seq is
/// taken at insert, not at commit: a page read while an older transaction is still open can miss
/// that transaction's versions. SQLite writers are serial, so there seq order is commit order.)</para>
/// <para><c>resource</c> is one row per (type, id) pointing at its current version
/// (<c>version_seq</c>); <c>res_key</c> is the surrogate key of index rows and the search paging cursor.</para>
/// <para>One index table per search-parameter type, rows keyed by (res_key, code). Each has an
/// index (code, value...) for the searches and one (res_key, code) for replacing a resource's
/// rows and for <c>:missing</c>/<c>:not</c>. No foreign keys: writes maintain the rows, and the
/// checks would only slow them down.</para>
/// <para>Text columns use the C collation on PostgreSQL (SQLite's BINARY is the same): byte
/// order is code-point order, which the prefix searches rely on, and equality is exact.</para>
/// </remarks>
internal static class Schema
{
    /// <summary>The version <see cref="Migrations"/> bring a database to.</summary>
    public static int CurrentVersion => Migrations.Length;

    /// <summary>Migration <c>i</c> brings the schema from version <c>i</c> to <c>i + 1</c>.</summary>
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE resource_version (
            seq {key},
            res_type {text} NOT NULL,
            res_id {text} NOT NULL,
            version {int} NOT NULL,
            last_updated {instant} NOT NULL,
            method {smallint} NOT NULL,
            json {bytes} NOT NULL,
            CONSTRAINT uq_resource_version UNIQUE (res_type, res_id, version)
        );
        CREATE INDEX ix_resource_version_type ON resource_version (res_type, seq);

        CREATE TABLE resource (
            res_key {key},
            res_type {text} NOT NULL,
            res_id {text} NOT NULL,
            version {int} NOT NULL,
            last_updated {instant} NOT NULL,
            deleted {bool} NOT NULL,
            version_seq {bigint} NOT NULL,
            CONSTRAINT uq_resource UNIQUE (res_type, res_id)
        );
        CREATE INDEX ix_resource_type ON resource (res_type, res_key) WHERE deleted = FALSE;
        CREATE INDEX ix_resource_updated ON resource (res_type, last_updated) WHERE deleted = FALSE;

        CREATE TABLE idx_string (res_key {bigint} NOT NULL, code {text} NOT NULL, norm {text} NOT NULL, exact {text} NOT NULL);
        CREATE INDEX ix_string ON idx_string (code, norm);
        CREATE INDEX ix_string_res ON idx_string (res_key, code);

        CREATE TABLE idx_token (res_key {bigint} NOT NULL, code {text} NOT NULL, system {text}, value {text}, text_lc {text});
        CREATE INDEX ix_token ON idx_token (code, value, system);
        CREATE INDEX ix_token_res ON idx_token (res_key, code);

        CREATE TABLE idx_reference (res_key {bigint} NOT NULL, code {text} NOT NULL, target_type {text}, target_id {text}, url {text});
        CREATE INDEX ix_reference ON idx_reference (code, target_id, target_type);
        CREATE INDEX ix_reference_url ON idx_reference (code, url) WHERE url IS NOT NULL;
        CREATE INDEX ix_reference_res ON idx_reference (res_key, code);

        CREATE TABLE idx_date (res_key {bigint} NOT NULL, code {text} NOT NULL, low {instant} NOT NULL, high {instant} NOT NULL);
        CREATE INDEX ix_date_low ON idx_date (code, low, high);
        CREATE INDEX ix_date_high ON idx_date (code, high, low);
        CREATE INDEX ix_date_res ON idx_date (res_key, code);

        CREATE TABLE idx_number (res_key {bigint} NOT NULL, code {text} NOT NULL, low {num} NOT NULL, high {num} NOT NULL);
        CREATE INDEX ix_number ON idx_number (code, low, high);
        CREATE INDEX ix_number_res ON idx_number (res_key, code);

        CREATE TABLE idx_quantity (
            res_key {bigint} NOT NULL, code {text} NOT NULL, system {text}, unit {text},
            low {num} NOT NULL, high {num} NOT NULL,
            canonical_unit {text}, canonical_low {num}, canonical_high {num});
        CREATE INDEX ix_quantity ON idx_quantity (code, low, high);
        CREATE INDEX ix_quantity_canonical ON idx_quantity (code, canonical_unit, canonical_low) WHERE canonical_unit IS NOT NULL;
        CREATE INDEX ix_quantity_res ON idx_quantity (res_key, code);

        CREATE TABLE idx_uri (res_key {bigint} NOT NULL, code {text} NOT NULL, uri {text} NOT NULL);
        CREATE INDEX ix_uri ON idx_uri (code, uri);
        CREATE INDEX ix_uri_res ON idx_uri (res_key, code);
        """,
        // 2: background jobs (reindex; bulk export and import later). resume_at is the cursor a
        // runner resumes from; owner and lease_until make a claim that expires when its process dies.
        """
        CREATE TABLE job (
            id {text} PRIMARY KEY,
            kind {text} NOT NULL,
            status {text} NOT NULL,
            request {text} NOT NULL,
            resume_at {text},
            done {bigint} NOT NULL,
            total {bigint},
            result {text},
            error {text},
            created {instant} NOT NULL,
            started {instant},
            finished {instant},
            owner {text},
            lease_until {instant},
            heartbeat {instant}
        );
        CREATE INDEX ix_job_status ON job (status, created);
        """,
        // 3: composite parameters. Their components are rows of the ordinary tables under the codes
        // composite$0, composite$1...; grp numbers the repeating element they came from, and a search
        // joins the components on (res_key, grp). NULL for every other row. Adding a nullable column
        // without a default rewrites nothing on either database.
        // _sort=_lastUpdated: (type, last_updated, res_key) gives the sorted order with its tiebreak (SQLite
        // indexes end in the rowid anyway; PostgreSQL needs the column).
        """
        ALTER TABLE idx_string ADD COLUMN grp {bigint};
        ALTER TABLE idx_token ADD COLUMN grp {bigint};
        ALTER TABLE idx_reference ADD COLUMN grp {bigint};
        ALTER TABLE idx_date ADD COLUMN grp {bigint};
        ALTER TABLE idx_number ADD COLUMN grp {bigint};
        ALTER TABLE idx_quantity ADD COLUMN grp {bigint};
        ALTER TABLE idx_uri ADD COLUMN grp {bigint};

        CREATE INDEX ix_resource_updated_key ON resource (res_type, last_updated, res_key) WHERE deleted = FALSE;
        DROP INDEX ix_resource_updated;
        """,
        // 4: covering search indexes. A criterion is `res_key IN (SELECT res_key FROM idx_x WHERE code = ...)`;
        // without res_key in the index, every matching row cost a table (heap) lookup just to read it: on
        // PostgreSQL a bitmap heap scan over thousands of pages for a common code (the Synthea benchmark's
        // Observation?code=..&date=.. spent 130 of 157 ms there). With res_key last, the index alone answers,
        // and after equality on the leading columns (token system|code, reference target) it yields res_key in
        // order, so both planners can merge it with the resource scan and stop at the page size.
        """
        CREATE INDEX ix_string_key ON idx_string (code, norm, res_key);
        DROP INDEX ix_string;
        CREATE INDEX ix_token_key ON idx_token (code, value, system, res_key);
        DROP INDEX ix_token;
        CREATE INDEX ix_reference_key ON idx_reference (code, target_id, target_type, res_key);
        DROP INDEX ix_reference;
        CREATE INDEX ix_date_low_key ON idx_date (code, low, high, res_key);
        DROP INDEX ix_date_low;
        CREATE INDEX ix_date_high_key ON idx_date (code, high, low, res_key);
        DROP INDEX ix_date_high;
        CREATE INDEX ix_number_key ON idx_number (code, low, high, res_key);
        DROP INDEX ix_number;
        CREATE INDEX ix_quantity_key ON idx_quantity (code, low, high, res_key);
        DROP INDEX ix_quantity;
        CREATE INDEX ix_quantity_canonical_key ON idx_quantity (code, canonical_unit, canonical_low, canonical_high, res_key) WHERE canonical_unit IS NOT NULL;
        DROP INDEX ix_quantity_canonical;
        CREATE INDEX ix_uri_key ON idx_uri (code, uri, res_key);
        DROP INDEX ix_uri;
        """,
        // 5: the patient compartments of every version, for reads held to one patient (ReadScope.Patient): one row
        // per (version, patient whose compartment holds it), written with the version (a tombstone copies the rows of
        // the version it deletes). Per version, not per resource, so that history is judged as it was written.
        // (seq, patient_id) serves the per-row check; (patient_id, seq) lets a patient's rows drive a search.
        // A database that already holds versions gets them from the compartment backfill job.
        """
        CREATE TABLE patient_compartment (seq {bigint} NOT NULL, patient_id {text} NOT NULL, PRIMARY KEY (seq, patient_id));
        CREATE INDEX ix_patient_compartment ON patient_compartment (patient_id, seq);
        """,
        // 6: single-use keys (the jti of client assertions) until they expire, shared by every server process and
        // kept across restarts; expired rows are deleted as new keys come (ix_single_use_expires).
        """
        CREATE TABLE single_use (
            use_key {text} PRIMARY KEY,
            expires {instant} NOT NULL
        );
        CREATE INDEX ix_single_use_expires ON single_use (expires);
        """,
        // 7: the audit outbox. A request's audit record is one row here, durable before its response leaves (in the
        // write's own transaction, or in a group commit of reads); a background indexer turns the rows into AuditEvent
        // resources with their search index and deletes them in the same transaction (exactly once, whichever node
        // does it). The heavy part of auditing (parsing, indexing, a resource's rows) is off the request path.
        """
        CREATE TABLE audit_outbox (seq {key}, json {bytes} NOT NULL);
        """,
        // 8: what every server process on the database must share. The change log: conformance resources and
        // SearchParameters written (by type and id), numbered from a one-row counter whose lock orders the numbers as the
        // commits (IChangeLogStore); each process follows it. Counters and sets: the per-client request counts of the rate
        // limit and the token endpoint's failed authentications and known addresses (ISharedCounterStore).
        """
        CREATE TABLE change_counter (id {int} PRIMARY KEY, value {bigint} NOT NULL);
        INSERT INTO change_counter (id, value) VALUES (1, 0);
        CREATE TABLE change_log (seq {bigint} NOT NULL, res_type {text} NOT NULL, res_id {text} NOT NULL, PRIMARY KEY (seq, res_type, res_id));
        CREATE TABLE shared_counter (
            counter_key {text} PRIMARY KEY,
            value {bigint} NOT NULL,
            touched {instant} NOT NULL,
            expires {instant} NOT NULL
        );
        CREATE INDEX ix_shared_counter_expires ON shared_counter (expires);
        CREATE TABLE shared_set (set_key {text} NOT NULL, member {text} NOT NULL, touched {instant} NOT NULL, PRIMARY KEY (set_key, member));
        """,
        // 9: the date rows a window read cannot stand for. A search such as
        // `code=X&date=ge2015&date=lt2016` could only drive from the code (every Observation of a common code probed
        // for a year that has none of them: ~90,000 probes at a million resources) or from one half of the range (all
        // rows before 2016, or after 2015). A resource whose one `date` row is narrow (at most 32 days from
        // low to high) satisfies every criterion of the code on that row, so its row lies in one bounded stretch of
        // the (code, low) index that all the criteria together define (SearchSqlBuilder.DateWindow). The others, a
        // resource with more than one row of the code or a wide one, are listed here by a trigger on every insert
        // into idx_date, and join the window's candidates; each candidate is then checked by every criterion as
        // before, so the result is exact. Rows are never removed (a resource listed once stays a candidate): a
        // superset only costs a probe.
        """
        CREATE TABLE idx_date_wide (code {text} NOT NULL, res_key {bigint} NOT NULL, PRIMARY KEY (code, res_key));
        INSERT INTO idx_date_wide (code, res_key)
            SELECT code, res_key FROM idx_date GROUP BY code, res_key
            HAVING COUNT(*) > 1 OR MAX(CASE WHEN high > low + {wide_span} THEN 1 ELSE 0 END) = 1;
        {date_wide_trigger};
        """,
        // 10: how far the audit indexer has stored SQLite's audit journal (a database file of its own beside this one,
        // where the audit records of reads are appended without waiting for this file's writer; see
        // Sqlite/SqliteAuditJournal). The mark moves in the transaction that stores the records as resources, so each
        // is stored once even when the journal could not delete them afterwards. PostgreSQL appends those records to
        // the outbox and leaves this table empty.
        """
        CREATE TABLE audit_journal_mark (journal_id {text} PRIMARY KEY, seq {bigint} NOT NULL);
        """,
        // 11: the pair index (IndexPairs): each token of a resource's `code` with the one row of a date parameter, coded
        // code+<date code>, so that a code and a date range (a year of a common code) read one stretch of
        // (code, value, low) instead of probing every resource of the code or of the year. grp is always NULL (every index
        // table ends with it). Filled here from the stored rows, by the rule the store then keeps on every write.
        """
        CREATE TABLE idx_token_date (
            res_key {bigint} NOT NULL, code {text} NOT NULL, system {text}, value {text} NOT NULL,
            low {instant} NOT NULL, high {instant} NOT NULL, grp {bigint});
        CREATE INDEX ix_token_date_key ON idx_token_date (code, value, low, high, system, res_key);
        CREATE INDEX ix_token_date_res ON idx_token_date (res_key, code);
        {derive_pairs};
        """,
        // 12: the patient pair index (IndexPairs): each token of a resource's `code` with its `patient` reference and its
        // type, so that the patients of a code (Patient?_has:Observation:patient:code=X) are one stretch of
        // (code, type, value, system, target) instead of a read of every resource of the code, of its reference rows and of
        // the patient each names. Filled here from the stored rows, by the rule the store then keeps on every write.
        """
        CREATE TABLE idx_reference_token (
            res_key {bigint} NOT NULL, code {text} NOT NULL, res_type {text} NOT NULL, system {text}, value {text} NOT NULL,
            target_type {text} NOT NULL, target_id {text} NOT NULL, grp {bigint});
        CREATE INDEX ix_reference_token_key ON idx_reference_token (code, res_type, value, system, target_type, target_id);
        CREATE INDEX ix_reference_token_res ON idx_reference_token (res_key, code);
        {derive_patient_pairs};
        """,
        // 13: the overflow rows of the patient pair index (IndexPairs.PatientOverflowCode): a resource with a code and more
        // than one patient reference gets one row instead of its pairs, and the pairs of its type are not read while it has it.
        """
        {derive_patient_overflow};
        """,
        // 14: the quantity rows a window read cannot stand for. `value-quantity=ge34.4|u|C&value-quantity=le34.8|u|C`
        // drove from one half of the range (every value of the unit above 34.4) and probed each for the other. A resource
        // with one row of the code satisfies both criteria on that row, so its candidates are the rows that satisfy them
        // together, one read of the (code, unit, low) index bounded by the upper criterion (SearchSqlBuilder.QuantityWindow).
        // A resource with more than one row of the code may satisfy each criterion on another row: those are listed
        // here, by a trigger on every insert into idx_quantity, and join the window's candidates. As in idx_date_wide,
        // rows are never removed: a superset only costs a probe.
        """
        CREATE TABLE idx_quantity_multi (code {text} NOT NULL, res_key {bigint} NOT NULL, PRIMARY KEY (code, res_key));
        INSERT INTO idx_quantity_multi (code, res_key)
            SELECT code, res_key FROM idx_quantity GROUP BY code, res_key HAVING COUNT(*) > 1;
        {quantity_multi_trigger};
        """,
    ];

    /// <summary>Creates the version table; run under the migration lock before reading it.</summary>
    public const string CreateVersionTable = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)";

    /// <summary>The version the database is at (0 when new).</summary>
    public const string SelectVersion = "SELECT COALESCE(MAX(version), 0) FROM schema_version";

    /// <summary>Records one applied migration.</summary>
    public const string InsertVersion = "INSERT INTO schema_version (version) VALUES (@p0)";

    /// <summary>
    /// Brings the schema to <see cref="CurrentVersion"/>. The caller holds the migration lock and
    /// an open transaction on <paramref name="lease"/> (DDL is transactional on both databases).
    /// </summary>
    public static async Task MigrateAsync(DbLease lease, CancellationToken ct)
    {
        await lease.Command(CreateVersionTable).ExecuteNonQueryAsync(ct);
        var current = Convert.ToInt32(await lease.Command(SelectVersion).ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        if (current > CurrentVersion)
        {
            throw new InvalidOperationException(
                $"The database schema is at version {current}, newer than this server knows ({CurrentVersion}): upgrade the server.");
        }

        for (var v = current; v < CurrentVersion; v++)
        {
            var script = Migrations[v].Replace("{derive_pairs}", DerivePairs, StringComparison.Ordinal)
                .Replace("{derive_patient_pairs}", DerivePatientPairs, StringComparison.Ordinal)
                .Replace("{derive_patient_overflow}", DerivePatientOverflow, StringComparison.Ordinal);
            await lease.Command(lease.Dialect.ExpandDdl(script)).ExecuteNonQueryAsync(ct);
            var insert = lease.Command(InsertVersion);
            var p = new SqlParams();
            p.Add(v + 1);
            p.BindTo(insert);
            await insert.ExecuteNonQueryAsync(ct);
            if (v + 1 == PatientCompartments)
            {
                await QueueCompartmentBackfillAsync(lease, ct);
            }
        }
    }

    // Migrations 11 and 12 fill the pair indexes by the rule the store keeps on every write.
    private static readonly string DerivePairs = IndexPairs.DeriveDatesSql(null)[1];
    private static readonly string DerivePatientPairs = IndexPairs.DerivePatientsSql(null)[1];
    private static readonly string DerivePatientOverflow = IndexPairs.DerivePatientsSql(null)[2];

    /// <summary>The version that added the patient compartments of versions (<c>patient_compartment</c>).</summary>
    private const int PatientCompartments = 5;

    // Versions already stored have no compartment rows, so reads held to a patient see none of them (closed, not open)
    // until the job has gone through them.
    private static async Task QueueCompartmentBackfillAsync(DbLease lease, CancellationToken ct)
    {
        if (await lease.Command("SELECT 1 FROM resource_version LIMIT 1").ExecuteScalarAsync(ct) is null or DBNull)
        {
            return;
        }
        var p = new SqlParams();
        var sql = $"INSERT INTO job (id, kind, status, request, done, created) VALUES ({p.Add(Guid.CreateVersion7().ToString("N"))}, {p.Add(Jobs.StoreJobKinds.PatientCompartments)}, 'queued', '{{}}', 0, {p.Add(lease.Dialect.Instant(DateTime.UtcNow))})";
        var insert = lease.Command(sql);
        p.BindTo(insert);
        await insert.ExecuteNonQueryAsync(ct);
    }
}
