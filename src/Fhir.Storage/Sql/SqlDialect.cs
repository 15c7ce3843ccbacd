using System.Data.Common;

namespace Fhir.Storage.Sql;

/// <summary>
/// The few things that differ between SQLite and PostgreSQL: column types in the DDL, how
/// instants, decimals and bytes travel as parameters, and which errors mean "someone else won".
/// Everything else (schema shape, search SQL, reads) is shared.
/// </summary>
internal abstract class SqlDialect
{
    /// <summary>Replaces the type placeholders of <see cref="Schema"/> (<c>{key}</c>, <c>{text}</c>...).</summary>
    public abstract string ExpandDdl(string template);

    /// <summary>
    /// The widest date row (high - low) that a window read of idx_date stands for; a resource with a wider row of a code,
    /// or with more than one, is listed in idx_date_wide (Schema, migration 9). A month, so that dates of day and month
    /// precision and the periods of encounters and procedures are narrow.
    /// </summary>
    public static readonly TimeSpan WideDateSpan = TimeSpan.FromDays(32);

    /// <summary>A UTC instant as a parameter value (ticks for SQLite so comparisons stay exact and integer).</summary>
    public abstract object Instant(DateTime utc);

    /// <summary>Reads a column written with <see cref="Instant"/>.</summary>
    public abstract DateTimeOffset ReadInstant(DbDataReader reader, int ordinal);

    /// <summary>A decimal as a parameter value (SQLite has no decimal type: REAL, so comparisons are numeric).</summary>
    public abstract object Number(decimal value);

    /// <summary>A cursor's sort value (string, decimal, double or UTC DateTime) as a parameter comparable with the sort column.</summary>
    public virtual object SortValue(object value) => value switch
    {
        DateTime t => Instant(AsUtc(t)),
        decimal d => Number(d),
        double f => Number((decimal)f),
        _ => value,
    };

    /// <summary>Reads a sort column as a cursor value: string, decimal or double (as the database computed it), UTC DateTime, or null.</summary>
    public object? ReadSortValue(DbDataReader reader, int ordinal, Fhir.Search.Queries.SortKey key)
    {
        if (reader.IsDBNull(ordinal)) return null;
        if (key.Code == "_lastUpdated" || key.Type == Fhir.Search.Queries.SearchParamType.Date)
        {
            return ReadInstant(reader, ordinal).UtcDateTime;
        }
        return key.Type is Fhir.Search.Queries.SearchParamType.Number or Fhir.Search.Queries.SearchParamType.Quantity
            ? ReadNumber(reader, ordinal)
            : reader.GetString(ordinal);
    }

    /// <summary>Reads a computed number exactly as the database holds it, so that it compares equal when sent back.</summary>
    protected abstract object ReadNumber(DbDataReader reader, int ordinal);

    /// <summary>A list of strings as one parameter value, for <see cref="TextSetSelect"/>.</summary>
    public abstract object TextSet(IReadOnlyList<string> values);

    /// <summary>
    /// A subquery yielding the strings of the parameter <paramref name="placeholder"/> (bound to <see cref="TextSet"/>), one
    /// per row: a list of any length in one parameter, so that the statement text does not change with its length.
    /// </summary>
    public abstract string TextSetSelect(string placeholder);

    /// <summary>Bytes as a parameter value.</summary>
    public abstract object Bytes(ReadOnlyMemory<byte> bytes);

    /// <summary>True when the error means a concurrent writer won (unique violation, deadlock...): the caller retries.</summary>
    public abstract bool IsConflict(Exception error);

    /// <summary>
    /// The resource-type term of a search that has criteria. SQLite plans without statistics and
    /// would walk the (type, key) index and sort every match; hiding the index (unary +) makes it
    /// drive from a criterion's key list instead, already in key order, stopping at the page size.
    /// </summary>
    public string TypeTermWithCriteria => Unindexed("r.res_type");

    /// <summary>
    /// <paramref name="column"/> in a form the planner will not use an index for (SQLite: unary +; PostgreSQL plans
    /// with statistics and needs no such hint). SQLite plans without statistics and otherwise picks, for instance,
    /// the (code, high) index to compute one resource's MAX(high) instead of its (res_key, code) rows.
    /// </summary>
    public virtual string Unindexed(string column) => column;

    /// <summary>
    /// True when alternatives on different index columns (a reference's target or its URL) must be separate
    /// UNION ALL branches: SQLite plans `code = ? AND (target = ? OR url = ?)` as a read of every row of the code.
    /// PostgreSQL combines the two indexes itself, and its generic plan for the UNION form (prepared statements)
    /// rescans the union for every candidate row: seconds at 260k resources.
    /// </summary>
    public virtual bool SplitsOrBranches => false;

    /// <summary>
    /// True when an unsorted page reads its driving criterion as a joined <c>SELECT DISTINCT res_key</c> in key
    /// order rather than as <c>res_key IN (...)</c> (PostgreSQL): an index on (code, value..., res_key) then yields
    /// the page in order and the plan stops after it, where PostgreSQL planned the IN as a hash of every match and
    /// a sort whenever it underestimated the matches (a code with a value-quantity: 96-191 ms against 1.4 ms).
    /// SQLite does not know a joined subquery's order and would sort it all.
    /// </summary>
    public virtual bool DrivesByJoin => false;

    /// <summary>
    /// True when a date window of thousands of rows is worth driving from, against criteria that name tens of
    /// thousands (SearchPlanner's second count). SQLite walks the window's keys in order and stops at the page.
    /// PostgreSQL joins the window's candidates and sorts them before it cuts the page; that is cheap only when the
    /// other criteria probe each candidate (<see cref="ProbeFence"/>). Unfenced, it hashed every row of the code
    /// instead (51 ms for a common code in a year at a million resources; 18 ms fenced; 193 ms driving from the code).
    /// </summary>
    public virtual bool WalksWideWindows => false;

    /// <summary>
    /// True when an unsorted page that cannot be read in key order (criteria written as <c>res_key IN (...)</c>) cuts
    /// its keys before it joins their versions (PostgreSQL). PostgreSQL otherwise joined the JSON of every candidate
    /// before sorting them for the page: a chain to 46 Patients read 46,000 Observations' versions for 21 (232 ms,
    /// 119 ms cut first). SQLite walks the keys in order, stops at the page and gains nothing.
    /// </summary>
    public virtual bool CutsPagesBeforeVersions => false;

    /// <summary>
    /// True when a page checks a dense chain (many references to its targets) per candidate (SearchPlanner). On
    /// PostgreSQL the collected form fetched every referring resource to keep those of the page's type: a chain to 46
    /// Patients of one name, 79,000 of them, p95 125-130 ms; checked per candidate, 36 ms. SQLite's collected form walks
    /// the keys in order and stops at the page (9.6 ms); its per-candidate form ran for minutes on a million resources.
    /// </summary>
    public virtual bool ProbesDenseChains => false;

    /// <summary>
    /// True when a page that drives from a chain with few targets (SearchPlanner) reads the references to each target, in
    /// key order, merged (PostgreSQL: a Merge Append of one ordered index read per target, which stops at the page). Checked
    /// per candidate, a page walked the resources in key order until it reached those of the targets: a chain to the 59
    /// Patients of a family, whose 17,346 Observations lie together in key order, read 18-30 ms; merged, 2.6 ms.
    /// </summary>
    public virtual bool MergesChainTargets => false;

    /// <summary>
    /// True when the targets a paired <c>_has</c> collects (IndexPairs) are matched to the searched resources by id,
    /// <c>a.res_id IN (target ids)</c>, rather than through a join to their rows (PostgreSQL): PostgreSQL merges the ids with
    /// the (type, id) key and reads each resource once (11 ms for the 1,534 patients of a code, against 23 ms through the
    /// join). SQLite hides the type from its planner on such a page and would scan every resource for the ids.
    /// </summary>
    public virtual bool MatchesHasTargetsById => false;

    /// <summary>
    /// What a subquery that picks a row to claim ends with so that concurrent claimers take different
    /// rows (PostgreSQL: <c>FOR UPDATE SKIP LOCKED</c>); empty where writers are serialised anyway (SQLite).
    /// </summary>
    public virtual string SkipLocked => "";

    /// <summary>
    /// What a SELECT ends with to lock the rows it reads until the transaction ends, waiting for other holders
    /// (PostgreSQL: <c>FOR UPDATE</c>); empty where writers are serialised anyway (SQLite).
    /// </summary>
    public virtual string ForUpdate => "";

    /// <summary>
    /// What a _has probe (a correlated EXISTS checked per candidate target) ends with so that it stays one:
    /// PostgreSQL turns an EXISTS into a semi-join over every row it could match (a _has over a common code joined
    /// 93,000 Observations to find 21 Patients: 281 ms, against 17 ms probing), unless the subquery has an OFFSET.
    /// The probes of plain criteria go without it: there PostgreSQL's merge of the driver with the resources in
    /// key order, stopping at the page, is the better plan (12 ms against 576 ms for a code and a year), except
    /// on a page driven by a date window (<see cref="WalksWideWindows"/>), whose candidates are few.
    /// </summary>
    public virtual string ProbeFence => "";

    /// <summary>Treats an unspecified <see cref="DateTime.Kind"/> as UTC, as the index and query models promise.</summary>
    public static DateTime AsUtc(DateTime value) =>
        value.Kind == DateTimeKind.Utc ? value
        : value.Kind == DateTimeKind.Local ? value.ToUniversalTime()
        : DateTime.SpecifyKind(value, DateTimeKind.Utc);
}
