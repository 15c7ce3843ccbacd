using Fhir.Search.Indexing;

namespace Fhir.Storage.Sql;

/// <summary>
/// A row of the pair index (idx_token_date, Schema migration 11): one token of a resource's <c>code</c> with the one row of
/// a date parameter, coded <c>code+&lt;date code&gt;</c>.
/// </summary>
internal sealed record TokenDateIndexValue(string Code, string? System, string Value, DateTime LowUtc, DateTime HighUtc) : IndexValue(Code);

/// <summary>
/// The pair index: the intersection of a code and a date range that neither index gives alone. A year of a common code
/// (<c>Observation?code=X&amp;date=ge2015&amp;date=lt2016</c>) could only be driven from the code (every Observation of it
/// probed for the year: ~10,000 at a million resources, 40-55 ms on PostgreSQL) or from the year's rows of every code
/// (~9,000). Rows of (code token, date) ordered by token then date name the answer directly.
/// </summary>
/// <remarks>
/// The rows stand in for the narrow rows of a date window (SearchSqlBuilder.DateWindow), so only a resource with exactly
/// one row of the date code is paired: the others are in idx_date_wide and are candidates of every window anyway. Tokens
/// without a value (a system alone, a text) are never paired; no search reads them here. The store derives the rows from
/// the index rows it writes (<see cref="With"/>), and from stored rows where it only has some codes' values
/// (<see cref="DeriveSql"/>, a reindex of some parameters, and migration 11), by the same rule, so that every search sees
/// the same pairs whoever extracted the index. The rows only name candidates, each then checked by every criterion: a stale
/// row costs a probe, a missing one would lose a match.
/// </remarks>
internal static class IndexPairs
{
    /// <summary>The token parameter that is paired with every date parameter of its resource type.</summary>
    public const string TokenCode = "code";

    /// <summary>The code of the pair rows of <paramref name="dateCode"/>.</summary>
    public static string Code(string dateCode) => TokenCode + "+" + dateCode;

    /// <summary><paramref name="values"/> with their pair rows added; the same list when there are none.</summary>
    public static IReadOnlyList<IndexValue> With(IReadOnlyList<IndexValue> values)
    {
        var tokens = 0;
        for (var i = 0; i < values.Count; i++)
        {
            if (IsPairedToken(values[i])) tokens++;
        }
        if (tokens == 0) return values;

        // The date codes with exactly one row (a resource has a handful of date parameters).
        List<(DateIndexValue Row, bool Single)>? dates = null;
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is not DateIndexValue { Group: null } d) continue;
            dates ??= [];
            var at = dates.FindIndex(x => x.Row.Code == d.Code);
            if (at < 0) dates.Add((d, true));
            else dates[at] = (dates[at].Row, false);
        }
        if (dates is null || !dates.Exists(x => x.Single)) return values;

        var result = new List<IndexValue>(values.Count + tokens * dates.Count);
        result.AddRange(values);
        foreach (var (date, single) in dates)
        {
            if (!single) continue;
            var code = Code(date.Code);
            for (var i = 0; i < values.Count; i++)
            {
                if (IsPairedToken(values[i]) && values[i] is TokenIndexValue t)
                {
                    result.Add(new TokenDateIndexValue(code, t.System, t.Value!, date.LowUtc, date.HighUtc));
                }
            }
        }
        return result;
    }

    private static bool IsPairedToken(IndexValue value) => value is TokenIndexValue { Code: TokenCode, Value: not null, Group: null };

    /// <summary>
    /// Replaces the pair rows of the resources whose key passes <paramref name="keyFilter"/> (a condition on <c>res_key</c>,
    /// such as <c>IN (SELECT ...)</c>; every resource when null) with those of their stored token and date rows: the rule of
    /// <see cref="With"/> in SQL. Two statements.
    /// </summary>
    public static string[] DeriveSql(string? keyFilter)
    {
        var onKeys = keyFilter is null ? "" : " AND t.res_key " + keyFilter;
        return
        [
            keyFilter is null ? "DELETE FROM idx_token_date" : "DELETE FROM idx_token_date WHERE res_key " + keyFilter,
            "INSERT INTO idx_token_date (res_key, code, system, value, low, high, grp)"
            + $" SELECT t.res_key, '{TokenCode}+' || d.code, t.system, t.value, d.low, d.high, NULL"
            + " FROM idx_token t JOIN idx_date d ON d.res_key = t.res_key AND d.grp IS NULL"
            + $" WHERE t.code = '{TokenCode}' AND t.grp IS NULL AND t.value IS NOT NULL" + onKeys
            + " AND (SELECT COUNT(*) FROM (SELECT 1 FROM idx_date o WHERE o.res_key = d.res_key AND o.code = d.code AND o.grp IS NULL LIMIT 2) n) = 1",
        ];
    }
}
