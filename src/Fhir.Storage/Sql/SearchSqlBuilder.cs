using System.Text;
using Fhir.Search.Queries;

namespace Fhir.Storage.Sql;

// Translates a SearchQuery into one parameterised SELECT over `resource r` (current, non-deleted
// rows, ordered by the surrogate key r.res_key, keyset cursor `r.res_key > After`). Values are
// always parameters, never SQL text. Both databases run the same SQL; SqlDialect only converts
// parameter values (SQLite: instants as UTC ticks, decimals as REAL; PostgreSQL keeps instants
// to the microsecond, truncating, so a day's [00:00, 23:59:59.9999999] stays clear of the next)
// and hides the type index from SQLite's planner (SqlDialect.TypeTermWithCriteria).
//
// Semantics
// - Criteria are ANDed; the values of one criterion are ORed. A positive criterion is
//   `r.res_key IN (SELECT res_key FROM idx_<type> WHERE code = @c AND (v1 OR v2 ...))`, which
//   both planners drive from the (code, value...) index; negative ones are NOT EXISTS.
// - :missing=true  -> no row for the code; :missing=false -> at least one row (any type).
// - _id (Special, TokenSearchValue.Code) -> r.res_id IN (...); :not negates.
//   _lastUpdated (Special, DateSearchValue) -> the prefixes below with r.last_updated as a point.
//   Neither is ever missing: :missing=true matches nothing, :missing=false everything.
// - token: system|code -> system and value equal; |code -> no system and value equal;
//   system| -> system equal, any value; code -> value equal, any system. Case-sensitive.
//   :not -> no row of the code matches any of the values (resources without the code match too).
//   :text -> the token's text (display) starts with Code, case-insensitive (both sides lower-cased).
// - string: default -> Normalized starts with the value (the caller normalises the value the same
//   way); :exact -> Exact equals the value; :contains -> Normalized contains the value.
//   Prefixes are code-point ranges [v, v') so the (code, norm) index serves them on both databases.
// - reference: Type/id -> target type and id; id alone (or :Type modifier) -> id of any type
//   (or of that type); an absolute URL -> url equals it.
// - uri: default -> equal; :below -> the stored uri starts with the value; :above -> the value
//   starts with the stored uri.
// - date, number, quantity compare ranges, R4 style: every value, in the resource or the
//   query, is a closed range [L, H] (a date by its precision, a number by its significant
//   digits); the query's is [sL, sH]:
//     eq  sL <= L and H <= sH   (the search range contains the value's range)
//     ne  not eq                (some value of the resource is not contained)
//     gt  H > sH                (the value's range reaches above the search range)
//     lt  L < sL                (... below)
//     ge  gt or eq;  le  lt or eq
//     sa  L > sH  (starts after);  eb  H < sL  (ends before)
//     ap  ranges overlap once the search range is widened by 10% of |value| (numbers,
//         quantities) or 10% of the distance between the date and now (dates).
//   Quantity: when the query has a canonical (UCUM) form, rows with a canonical form compare
//   canonically (same canonical unit, ranges scaled: IndexTables.CanonicalRange); rows without
//   one compare as written. As written, a given unit/system must equal the row's.
// Unsupported types or modifiers (composite, :identifier, :in, :of-type...) throw NotSupportedException.
internal sealed class SearchSqlBuilder
{
    private const string PageColumns = "r.res_key, v.res_type, v.res_id, v.version, v.last_updated, v.method, v.json";

    private readonly SqlDialect dialect;
    private readonly SqlParams p;
    private readonly StringBuilder sql = new(256);
    private readonly DateTime nowUtc = DateTime.UtcNow;

    private SearchSqlBuilder(SqlDialect dialect, SqlParams parameters)
    {
        this.dialect = dialect;
        p = parameters;
    }

    /// <summary>A page of <see cref="SearchQuery.Count"/> + 1 rows (one extra tells whether more remain), columns as <see cref="StoreQueries"/> reads them.</summary>
    public static string Page(SearchQuery query, SqlDialect dialect, SqlParams parameters)
    {
        var b = new SearchSqlBuilder(dialect, parameters);
        b.sql.Append("SELECT ").Append(PageColumns)
            .Append(" FROM resource r JOIN resource_version v ON v.seq = r.version_seq WHERE ");
        b.AppendWhere(query);
        b.sql.Append(" ORDER BY r.res_key LIMIT ").Append(parameters.Add((long)query.Count + 1));
        return b.sql.ToString();
    }

    /// <summary>The ids of at most <paramref name="limit"/> matches.</summary>
    public static string Ids(SearchQuery query, int limit, SqlDialect dialect, SqlParams parameters)
    {
        var b = new SearchSqlBuilder(dialect, parameters);
        b.sql.Append("SELECT r.res_id FROM resource r WHERE ");
        b.AppendWhere(query);
        b.sql.Append(" ORDER BY r.res_key LIMIT ").Append(parameters.Add(limit));
        return b.sql.ToString();
    }

    private void AppendWhere(SearchQuery query)
    {
        sql.Append("r.deleted = FALSE");
        if (query.ResourceType is not null)
        {
            sql.Append(" AND ").Append(query.Criteria.Count > 0 ? dialect.TypeTermWithCriteria : "r.res_type").Append(" = ").Append(p.Add(query.ResourceType));
        }
        if (query.After is long after) sql.Append(" AND r.res_key > ").Append(p.Add(after));
        if (query.Compartment is { } compartment) CompartmentSql.Append(sql, p, compartment, query.ResourceType);
        var criteria = query.Criteria;
        for (var i = 0; i < criteria.Count; i++)
        {
            var c = criteria[i];
            if (c.Values.Count == 0) throw new ArgumentException($"Search parameter '{c.Code}' has no value.", nameof(query));
            sql.Append(" AND ");
            switch (c.Type)
            {
                case SearchParamType.Special when c.Modifier == "missing" && c.Code is "_id" or "_lastUpdated":
                    AppendAlwaysPresent(c);
                    break;
                case SearchParamType.Special when c.Code == "_id":
                    AppendId(c);
                    break;
                case SearchParamType.Special when c.Code == "_lastUpdated":
                    AppendLastUpdated(c);
                    break;
                case SearchParamType.Special:
                case SearchParamType.Composite:
                    throw new NotSupportedException($"Search parameter '{c.Code}' of type {c.Type} is not supported.");
                default:
                    AppendIndexed(c, IndexTables.For(c.Type)!);
                    break;
            }
        }
    }

    private void AppendId(SearchCriterion c)
    {
        if (c.Modifier is not null and not "not") throw Unsupported(c);
        sql.Append(c.Modifier == "not" ? "r.res_id NOT IN (" : "r.res_id IN (");
        for (var i = 0; i < c.Values.Count; i++)
        {
            if (c.Values[i] is not TokenSearchValue { Code: { } id }) throw WrongValue(c, i);
            if (i > 0) sql.Append(", ");
            sql.Append(p.Add(id));
        }
        sql.Append(')');
    }

    // _id and _lastUpdated exist on every resource: :missing=true matches none, :missing=false all.
    private void AppendAlwaysPresent(SearchCriterion c)
    {
        var any = false;
        for (var i = 0; i < c.Values.Count; i++)
        {
            if (c.Values[i] is not MissingSearchValue m) throw WrongValue(c, i);
            any |= !m.Missing;
        }
        sql.Append(any ? "1 = 1" : "1 = 0");
    }

    private void AppendLastUpdated(SearchCriterion c)
    {
        if (c.Modifier is not null) throw Unsupported(c);
        sql.Append('(');
        for (var i = 0; i < c.Values.Count; i++)
        {
            if (c.Values[i] is not DateSearchValue d) throw WrongValue(c, i);
            if (i > 0) sql.Append(" OR ");
            AppendDate(d, "r.last_updated", "r.last_updated");
        }
        sql.Append(')');
    }

    private void AppendIndexed(SearchCriterion c, IndexTable table)
    {
        CheckModifier(c);
        var code = p.Add(c.Code);
        var positives = 0;
        for (var i = 0; i < c.Values.Count; i++)
        {
            if (c.Values[i] is not MissingSearchValue) positives++;
        }

        var first = true;
        sql.Append('(');
        if (positives > 0)
        {
            first = false;
            sql.Append(c.Modifier == "not"
                ? "NOT EXISTS (SELECT 1 FROM " + table.Name + " i WHERE i.res_key = r.res_key AND i.code = "
                : "r.res_key IN (SELECT i.res_key FROM " + table.Name + " i WHERE i.code = ");
            sql.Append(code).Append(" AND (");
            var firstValue = true;
            for (var i = 0; i < c.Values.Count; i++)
            {
                if (c.Values[i] is MissingSearchValue) continue;
                if (!firstValue) sql.Append(" OR ");
                firstValue = false;
                sql.Append('(');
                AppendValue(c, i);
                sql.Append(')');
            }
            sql.Append("))");
        }

        for (var i = 0; i < c.Values.Count; i++)
        {
            if (c.Values[i] is not MissingSearchValue m) continue;
            if (!first) sql.Append(" OR ");
            first = false;
            sql.Append(m.Missing
                ? "NOT EXISTS (SELECT 1 FROM " + table.Name + " i WHERE i.res_key = r.res_key AND i.code = " + code + ")"
                : "r.res_key IN (SELECT i.res_key FROM " + table.Name + " i WHERE i.code = " + code + ")");
        }
        sql.Append(')');
    }

    private static void CheckModifier(SearchCriterion c)
    {
        var ok = c.Modifier switch
        {
            null or "missing" => true,
            "not" or "text" => c.Type == SearchParamType.Token,
            "exact" or "contains" => c.Type == SearchParamType.String,
            "above" or "below" => c.Type == SearchParamType.Uri,
            // subject:Patient=123 restricts the target type.
            var m => c.Type == SearchParamType.Reference && m.Length > 0 && char.IsAsciiLetterUpper(m[0]),
        };
        if (!ok) throw Unsupported(c);
    }

    // One value's condition on the index row `i`.
    private void AppendValue(SearchCriterion c, int index)
    {
        var value = c.Values[index];
        switch (c.Type)
        {
            case SearchParamType.Token when value is TokenSearchValue t:
                AppendToken(c.Modifier, t);
                break;
            case SearchParamType.String when value is StringSearchValue s:
                if (c.Modifier == "exact") sql.Append("i.exact = ").Append(p.Add(s.Value));
                else if (c.Modifier == "contains") sql.Append("i.norm LIKE ").Append(p.Add("%" + EscapeLike(s.Value) + "%")).Append(" ESCAPE '\\'");
                else AppendPrefix("i.norm", s.Value);
                break;
            case SearchParamType.Reference when value is ReferenceSearchValue r:
                AppendReference(c.Modifier, r);
                break;
            case SearchParamType.Date when value is DateSearchValue d:
                AppendDate(d, "i.low", "i.high");
                break;
            case SearchParamType.Number when value is NumberSearchValue n:
                AppendNumber(n.Prefix, n.Value, n.Low, n.High, "i.low", "i.high");
                break;
            case SearchParamType.Quantity when value is QuantitySearchValue q:
                AppendQuantity(q);
                break;
            case SearchParamType.Uri when value is UriSearchValue u:
                if (c.Modifier == "below") AppendPrefix("i.uri", u.Uri);
                else if (c.Modifier == "above") sql.Append("i.uri = substr(").Append(p.Add(u.Uri)).Append(", 1, length(i.uri))");
                else sql.Append("i.uri = ").Append(p.Add(u.Uri));
                break;
            default:
                throw WrongValue(c, index);
        }
    }

    private void AppendToken(string? modifier, TokenSearchValue t)
    {
        if (modifier == "text")
        {
            AppendPrefix("i.text_lc", (t.Code ?? "").ToLowerInvariant());
            return;
        }

        var any = false;
        if (t.SystemGiven || t.System is not null)
        {
            sql.Append(t.System is null ? "i.system IS NULL" : "i.system = " + p.Add(t.System));
            any = true;
        }
        if (t.Code is not null)
        {
            if (any) sql.Append(" AND ");
            sql.Append("i.value = ").Append(p.Add(t.Code));
            any = true;
        }
        if (!any) sql.Append("1 = 1");
    }

    private void AppendReference(string? modifier, ReferenceSearchValue r)
    {
        var type = r.TargetType ?? (modifier is null or "missing" ? null : modifier);
        var any = false;
        if (r.TargetId is not null)
        {
            sql.Append("(i.target_id = ").Append(p.Add(r.TargetId));
            if (type is not null) sql.Append(" AND i.target_type = ").Append(p.Add(type));
            sql.Append(')');
            any = true;
        }
        if (r.Url is not null)
        {
            if (any) sql.Append(" OR ");
            sql.Append("i.url = ").Append(p.Add(r.Url));
            any = true;
        }
        if (!any) throw new ArgumentException("A reference search value needs an id or a URL.");
    }

    private void AppendDate(DateSearchValue d, string low, string high)
    {
        var sLow = SqlDialect.AsUtc(d.LowUtc);
        var sHigh = SqlDialect.AsUtc(d.HighUtc);
        if (d.Prefix == SearchPrefix.Ap)
        {
            // 10% of the distance from now, as the R4 spec suggests for dates.
            var gap = Math.Abs((nowUtc - sLow).Ticks) / 10;
            sLow = new DateTime(sLow.Ticks - Math.Min(gap, sLow.Ticks), DateTimeKind.Utc);
            sHigh = new DateTime(sHigh.Ticks + Math.Min(gap, DateTime.MaxValue.Ticks - sHigh.Ticks), DateTimeKind.Utc);
        }
        AppendRange(d.Prefix, low, high, dialect.Instant(sLow), dialect.Instant(sHigh));
    }

    private void AppendNumber(SearchPrefix prefix, decimal value, decimal sLow, decimal sHigh, string low, string high)
    {
        if (prefix == SearchPrefix.Ap)
        {
            var d = Math.Abs(value) / 10m;
            sLow -= d;
            sHigh += d;
        }
        AppendRange(prefix, low, high, dialect.Number(sLow), dialect.Number(sHigh));
    }

    private void AppendQuantity(QuantitySearchValue q)
    {
        var canonical = q.CanonicalUnit is not null && q.CanonicalValue is not null;
        if (canonical)
        {
            var cv = q.CanonicalValue!.Value;
            var (lo, hi) = IndexTables.CanonicalRange(q.Value, q.Low, q.High, cv);
            sql.Append("(i.canonical_unit = ").Append(p.Add(q.CanonicalUnit!)).Append(" AND ");
            AppendNumber(q.Prefix, cv, lo, hi, "i.canonical_low", "i.canonical_high");
            sql.Append(") OR (i.canonical_unit IS NULL AND ");
        }
        if (q.System is not null) sql.Append("i.system = ").Append(p.Add(q.System)).Append(" AND ");
        if (q.Unit is not null) sql.Append("i.unit = ").Append(p.Add(q.Unit)).Append(" AND ");
        AppendNumber(q.Prefix, q.Value, q.Low, q.High, "i.low", "i.high");
        if (canonical) sql.Append(')');
    }

    // The R4 range comparisons of the header comment; `lo <= sH` in eq is redundant (lo <= hi) but
    // bounds the (code, low) index scan on both sides.
    private void AppendRange(SearchPrefix prefix, string lo, string hi, object searchLow, object searchHigh)
    {
        var a = p.Add(searchLow);
        var b = p.Add(searchHigh);
        var eq = "(" + lo + " >= " + a + " AND " + lo + " <= " + b + " AND " + hi + " <= " + b + ")";
        sql.Append(prefix switch
        {
            SearchPrefix.Eq => eq,
            SearchPrefix.Ne => "NOT " + eq,
            SearchPrefix.Gt => hi + " > " + b,
            SearchPrefix.Lt => lo + " < " + a,
            SearchPrefix.Ge => "(" + hi + " > " + b + " OR " + eq + ")",
            SearchPrefix.Le => "(" + lo + " < " + a + " OR " + eq + ")",
            SearchPrefix.Sa => lo + " > " + b,
            SearchPrefix.Eb => hi + " < " + a,
            SearchPrefix.Ap => "(" + lo + " <= " + b + " AND " + hi + " >= " + a + ")",
            _ => throw new NotSupportedException($"Search prefix {prefix} is not supported."),
        });
    }

    // `column` starts with `prefix`, as the code-point range [prefix, next) that a plain index serves.
    private void AppendPrefix(string column, string prefix)
    {
        if (prefix.Length == 0)
        {
            sql.Append("1 = 1");
            return;
        }
        sql.Append(column).Append(" >= ").Append(p.Add(prefix));
        if (PrefixUpperBound(prefix) is { } upper) sql.Append(" AND ").Append(column).Append(" < ").Append(p.Add(upper));
    }

    /// <summary>The least string greater than every string starting with <paramref name="prefix"/>, in code-point order; null when none exists.</summary>
    internal static string? PrefixUpperBound(string prefix)
    {
        var end = prefix.Length;
        while (end > 0)
        {
            System.Text.Rune.DecodeLastFromUtf16(prefix.AsSpan(0, end), out var last, out var length);
            var start = end - length;
            if (last.Value < 0x10FFFF)
            {
                var next = last.Value + 1;
                if (next == 0xD800) next = 0xE000; // skip the surrogate block
                return string.Concat(prefix.AsSpan(0, start), new System.Text.Rune(next).ToString());
            }
            end = start;
        }
        return null;
    }

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static NotSupportedException Unsupported(SearchCriterion c) =>
        new($"Modifier ':{c.Modifier}' is not supported on search parameter '{c.Code}' ({c.Type}).");

    private static ArgumentException WrongValue(SearchCriterion c, int index) =>
        new($"Search parameter '{c.Code}' ({c.Type}) got a {c.Values[index].GetType().Name}.");
}
