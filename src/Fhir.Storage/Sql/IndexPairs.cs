using Fhir.Search.Indexing;

namespace Fhir.Storage.Sql;

/// <summary>
/// A row of the date pair index (idx_token_date, Schema migration 11): one token of a resource's <c>code</c> with the one row
/// of a date parameter, coded <c>code+&lt;date code&gt;</c>.
/// </summary>
internal sealed record TokenDateIndexValue(string Code, string? System, string Value, DateTime LowUtc, DateTime HighUtc) : IndexValue(Code);

/// <summary>
/// A row of the patient pair index (idx_reference_token, Schema migration 12): one token of a resource's <c>code</c> with
/// its <c>patient</c> reference, coded <c>code+patient</c>, and the resource's type.
/// </summary>
internal sealed record ReferenceTokenIndexValue(string Code, string ResourceType, string? System, string Value, string TargetType, string TargetId)
    : IndexValue(Code);

/// <summary>
/// Pair indexes: intersections that no single index gives.
/// <list type="bullet">
/// <item>A code and a date range. A year of a common code (<c>Observation?code=X&amp;date=ge2015&amp;date=lt2016</c>) could
/// only be driven from the code (every Observation of it probed for the year: ~10,000 at a million resources, 40-55 ms on
/// PostgreSQL) or from the year's rows of every code (~9,000). Rows of (code token, date) ordered by token then date name
/// the answer directly. They stand in for the narrow rows of a date window (SearchSqlBuilder.DateWindow), so only a
/// resource with exactly one row of the date code is paired: the others are in idx_date_wide and are candidates of every
/// window anyway; every criterion then checks each candidate, so a stale row costs a probe.</item>
/// <item>The patients of a code (<c>Patient?_has:Observation:patient:code=X</c>). Collected from the code's resources, each
/// cost a read of its type, of its reference rows and of the patient they name (9,558 Observations, ~100 ms on
/// PostgreSQL). Rows of (type, code token, patient) ordered by token name the patients directly, and check one patient in
/// one read. These are used as the answer, not as candidates: they are exact, replaced with the rows they pair.</item>
/// </list>
/// Tokens without a value (a system alone, a text) are never paired; no search reads them here. The store derives the rows
/// from the index rows it writes (<see cref="With"/>), and from stored rows where it only has some codes' values or not
/// the resource's type (<see cref="DeriveSql"/>: a reindex, and migrations 11 and 12), by the same rule, so that every
/// search sees the same pairs whoever extracted the index.
/// </summary>
internal static class IndexPairs
{
    /// <summary>The token parameter that is paired with every date parameter of its resource type, and with its patient.</summary>
    public const string TokenCode = "code";

    /// <summary>The reference parameter paired with <see cref="TokenCode"/>.</summary>
    public const string PatientCode = "patient";

    /// <summary>The code of the pair rows of <paramref name="otherCode"/> (a date parameter, or <see cref="PatientCode"/>).</summary>
    public static string Code(string otherCode) => TokenCode + "+" + otherCode;

    /// <summary>
    /// The code of the one row a resource with a code and more than one patient reference gets instead of its patient pairs
    /// (no R4 parameter names more than one patient, but a SearchParameter written to the server may: its pairs would be
    /// codes × patients). A search reads the patient pairs of a type only while the type has no such row.
    /// </summary>
    public static readonly string PatientOverflowCode = Code(PatientCode) + "!";

    /// <summary>True when a reindex of <paramref name="codes"/> with <paramref name="resources"/>' values changes pair rows.</summary>
    public static bool Touched(IReadOnlyCollection<string> codes, IReadOnlyList<ReindexedResource> resources) =>
        codes.Contains(TokenCode) || codes.Contains(PatientCode) || resources.Any(r => r.Index.Any(v => v is DateIndexValue { Group: null }));

    /// <summary>
    /// <paramref name="values"/> with their pair rows added (the same list when there are none); the patient pairs only
    /// when the resource's <paramref name="type"/> is known.
    /// </summary>
    public static IReadOnlyList<IndexValue> With(IReadOnlyList<IndexValue> values, string? type)
    {
        var tokens = 0;
        for (var i = 0; i < values.Count; i++)
        {
            if (IsPairedToken(values[i])) tokens++;
        }
        if (tokens == 0) return values;

        // The date codes with exactly one row (a resource has a handful of date parameters), and the patients.
        List<(DateIndexValue Row, bool Single)>? dates = null;
        List<ReferenceIndexValue>? patients = null;
        for (var i = 0; i < values.Count; i++)
        {
            switch (values[i])
            {
                case DateIndexValue { Group: null } d:
                    dates ??= [];
                    var at = dates.FindIndex(x => x.Row.Code == d.Code);
                    if (at < 0) dates.Add((d, true));
                    else dates[at] = (dates[at].Row, false);
                    break;
                case ReferenceIndexValue { Code: PatientCode, Group: null, TargetType: not null, TargetId: not null } r when type is not null:
                    (patients ??= []).Add(r);
                    break;
            }
        }
        if ((dates is null || !dates.Exists(x => x.Single)) && patients is null) return values;

        var result = new List<IndexValue>(values.Count + tokens * ((dates?.Count ?? 0) + (patients?.Count ?? 0)));
        result.AddRange(values);
        foreach (var (date, single) in dates ?? [])
        {
            if (!single) continue;
            var code = Code(date.Code);
            foreach (var t in PairedTokens(values))
            {
                result.Add(new TokenDateIndexValue(code, t.System, t.Value!, date.LowUtc, date.HighUtc));
            }
        }
        if (patients is [var patient])
        {
            foreach (var t in PairedTokens(values))
            {
                result.Add(new ReferenceTokenIndexValue(Code(PatientCode), type!, t.System, t.Value!, patient.TargetType!, patient.TargetId!));
            }
        }
        else if (patients is not null)
        {
            result.Add(new ReferenceTokenIndexValue(PatientOverflowCode, type!, null, "", "", ""));
        }
        return result;
    }

    private static IEnumerable<TokenIndexValue> PairedTokens(IReadOnlyList<IndexValue> values)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (IsPairedToken(values[i])) yield return (TokenIndexValue)values[i];
        }
    }

    private static bool IsPairedToken(IndexValue value) => value is TokenIndexValue { Code: TokenCode, Value: not null, Group: null };

    /// <summary>
    /// Replaces the date pair rows of the resources whose key passes <paramref name="keyFilter"/> (a condition on
    /// <c>res_key</c>, such as <c>IN (SELECT ...)</c>; every resource when null) with those of their stored token and date
    /// rows: the rule of <see cref="With"/> in SQL. Two statements.
    /// </summary>
    public static string[] DeriveDatesSql(string? keyFilter) => Replace("idx_token_date", keyFilter, (
        "INSERT INTO idx_token_date (res_key, code, system, value, low, high, grp)"
        + $" SELECT t.res_key, '{TokenCode}+' || d.code, t.system, t.value, d.low, d.high, NULL"
        + " FROM idx_token t JOIN idx_date d ON d.res_key = t.res_key AND d.grp IS NULL"
        + $" WHERE t.code = '{TokenCode}' AND t.grp IS NULL AND t.value IS NOT NULL"
        + " AND (SELECT COUNT(*) FROM (SELECT 1 FROM idx_date o WHERE o.res_key = d.res_key AND o.code = d.code AND o.grp IS NULL LIMIT 2) n) = 1", "t"));

    /// <summary>
    /// The patient pair rows and overflow rows as <see cref="DeriveDatesSql"/> the date pairs, the type from the resource's
    /// row. Three statements: the delete, the pairs, the overflow rows.
    /// </summary>
    public static string[] DerivePatientsSql(string? keyFilter) => Replace("idx_reference_token", keyFilter,
        ("INSERT INTO idx_reference_token (res_key, code, res_type, system, value, target_type, target_id, grp)"
        + $" SELECT t.res_key, '{TokenCode}+{PatientCode}', s.res_type, t.system, t.value, x.target_type, x.target_id, NULL"
        + $" FROM idx_token t JOIN idx_reference x ON x.res_key = t.res_key AND x.code = '{PatientCode}' AND x.grp IS NULL"
        + " AND x.target_type IS NOT NULL AND x.target_id IS NOT NULL JOIN resource s ON s.res_key = t.res_key"
        + $" WHERE t.code = '{TokenCode}' AND t.grp IS NULL AND t.value IS NOT NULL AND {PatientRows("t")} = 1", "t"),
        ("INSERT INTO idx_reference_token (res_key, code, res_type, system, value, target_type, target_id, grp)"
        + $" SELECT s.res_key, '{PatientOverflowCode}', s.res_type, NULL, '', '', '', NULL FROM resource s"
        + $" WHERE EXISTS (SELECT 1 FROM idx_token t WHERE t.res_key = s.res_key AND t.code = '{TokenCode}' AND t.grp IS NULL AND t.value IS NOT NULL)"
        + $" AND {PatientRows("s")} > 1", "s"));

    // How many patient reference rows (up to 2) the resource `alias`.res_key has, as With counts them.
    private static string PatientRows(string alias) =>
        $"(SELECT COUNT(*) FROM (SELECT 1 FROM idx_reference o WHERE o.res_key = {alias}.res_key AND o.code = '{PatientCode}' AND o.grp IS NULL"
        + " AND o.target_type IS NOT NULL AND o.target_id IS NOT NULL LIMIT 2) n)";

    // DELETE the table's rows of the keys, then INSERT what each insert derives for them (Key: the alias whose res_key names
    // the resource).
    private static string[] Replace(string table, string? keyFilter, params (string Sql, string Key)[] inserts) => keyFilter is null
        ? ["DELETE FROM " + table, .. inserts.Select(i => i.Sql)]
        : ["DELETE FROM " + table + " WHERE res_key " + keyFilter, .. inserts.Select(i => $"{i.Sql} AND {i.Key}.res_key {keyFilter}")];

    /// <summary>Every pair row of the keys that pass <paramref name="keyFilter"/>, replaced: five statements.</summary>
    public static string[] DeriveSql(string? keyFilter) => [.. DeriveDatesSql(keyFilter), .. DerivePatientsSql(keyFilter)];
}
