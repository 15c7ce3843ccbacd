using System.Text;
using Fhir.Search.Queries;

namespace Fhir.Storage.Sql;

// Translates a SearchQuery into parameterised SELECTs over `resource r` (current, non-deleted rows).
// Values are always parameters, never SQL text. Both databases run the same SQL; SqlDialect only
// converts parameter values (SQLite: instants as UTC ticks, decimals as REAL; PostgreSQL keeps instants
// to the microsecond, truncating, so a day's [00:00, 23:59:59.9999999] stays clear of the next)
// and hides indexes from SQLite's planner where it would pick the wrong one (SqlDialect.Unindexed).
//
// Semantics
// - Criteria are ANDed; the values of one criterion are ORed. One positive criterion, the one
//   likely to match the fewest rows (SearchSqlBuilder.Drive), is the *driver*:
//   `r.res_key IN (SELECT res_key FROM idx_<type> WHERE code = @c AND (v1 OR v2 ...))`, which both
//   planners run once from the (code, value...) index. Every other criterion is a *probe*,
//   `EXISTS (SELECT 1 FROM idx_<type> i WHERE i.res_key = r.res_key AND i.code = @c AND ...)`,
//   checked per candidate on the (res_key, code) index. Collecting every criterion's matches
//   before joining them made `code=X&date=ge2015&date=lt2016` read half the date index. The probe's
//   code is hidden from SQLite's planner, which otherwise scans the covering (code, value...) index
//   once per candidate (70 s instead of 0.07 s at 700k resources).
//   Negative criteria are NOT EXISTS.
// - :missing=true  -> no row for the code; :missing=false -> at least one row (any type).
// - _id (Special, TokenSearchValue.Code) -> r.res_id IN (...); :not negates.
//   _lastUpdated (Special, DateSearchValue) -> the prefixes below with r.last_updated as a point.
//   Neither is ever missing: :missing=true matches nothing, :missing=false everything.
// - token: system|code -> system and value equal; |code -> no system and value equal;
//   system| -> system equal, any value; code -> value equal, any system. Case-sensitive.
//   :not -> no row of the code matches any of the values (resources without the code match too).
//   :text -> some word of the token's text (CodeableConcept.text, Coding.display, Identifier.type.text)
//   starts with the value, compared in SearchText's normal form (case and accents folded).
//   An empty value list (a code set that expanded to nothing) matches nothing, with :not everything.
// - string: default -> Normalized starts with the value (the caller normalises the value the same
//   way); :exact -> Exact equals the value; :contains -> Normalized contains the value.
//   Prefixes are code-point ranges [v, v') so the (code, norm) index serves them on both databases.
// - reference: Type/id -> target type and id; id alone (or :Type modifier) -> id of any type
//   (or of that type); an absolute URL -> url equals it.
//   Chain (ChainSearchValue) -> some reference row of the code points at a current resource t of the
//   allowed types for which the inner criterion holds (resolved by joining resource on type and id).
// - _has (ReverseChainSearchValue) -> the resource's id is the target of some reference row of the
//   given code whose (current) owner s of the source type satisfies the inner criterion.
// - composite (CompositeSearchValue) -> the component rows (codes composite$k) joined on res_key and grp:
//   every component condition holds on values of the same repeating element.
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
// Chains, _has and composites are in SearchSqlBuilder.Joins.cs; sorting and keyset paging in SearchSqlBuilder.Page.cs.
internal sealed partial class SearchSqlBuilder
{
    private readonly SqlDialect dialect;
    private readonly SqlParams p;
    private readonly Access.ReadScope scope;
    private readonly StringBuilder sql = new(256);
    private readonly DateTime nowUtc = DateTime.UtcNow;
    private int aliases;
    private SearchPlan? plan;
    private SearchCriterion? joinedDriver;
    private SearchCriterion? joinedWindow;
    private SearchCriterion? joinedChain;

    // True while the criteria of a page driven by a window or a merged chain (or held to a compartment) are written: each
    // then probes per candidate (SqlDialect.ProbeFence), because those candidates are the small side of every join.
    private bool fenceProbes;

    private SearchSqlBuilder(SqlDialect dialect, SqlParams parameters, Access.ReadScope? scope = null)
    {
        this.dialect = dialect;
        p = parameters;
        this.scope = scope ?? Access.ReadScope.Everything;
    }

    /// <summary>
    /// About how many index rows <paramref name="c"/> matches, counted up to <paramref name="cap"/>: one bounded read
    /// of the (code, value...) index per value, which tells a criterion that names a few resources from one that
    /// names tens of thousands. An estimate: a range is read on the one column that bounds it (a date `ge` as its
    /// end at or after the start). Null when the criterion has no such read (negations, :contains, `ne`, `ap`...):
    /// an unbounded count could cost more than the search.
    /// </summary>
    public static string? CappedRows(SearchCriterion c, int cap, SqlDialect dialect, SqlParams parameters)
    {
        if (c.Values.Count == 0 || c.Type is SearchParamType.Special or SearchParamType.Composite || IndexTables.For(c.Type) is not { } table) return null;
        if (c.Modifier is not null && !(c.Type == SearchParamType.Reference && char.IsAsciiLetterUpper(c.Modifier[0])) && !(c.Type == SearchParamType.Uri && c.Modifier == "below")) return null;
        var b = new SearchSqlBuilder(dialect, parameters);
        var code = parameters.Add(c.Code);
        b.sql.Append("SELECT COUNT(*) FROM (");
        var branches = 0;
        void Branch() => b.sql.Append(branches++ == 0 ? "" : " UNION ALL ").Append("SELECT 1 FROM ").Append(table.Name).Append(" i WHERE i.code = ").Append(code).Append(" AND ");
        // Up to two branches per value, in one compound SELECT; a criterion of that many values is not worth counting.
        if (c.Values.Count > MaxCompoundTerms / 2) return null;
        foreach (var value in c.Values)
        {
            switch (value)
            {
                case TokenSearchValue { Code: not null } t:
                    Branch();
                    b.AppendToken(null, t, "i");
                    break;
                case ReferenceSearchValue r:
                    if (r.TargetId is not null)
                    {
                        Branch();
                        b.AppendReference(c.Modifier, r with { Url = null }, "i");
                    }
                    if (r.Url is not null)
                    {
                        Branch();
                        b.AppendReference(c.Modifier, r with { TargetId = null }, "i");
                    }
                    break;
                case StringSearchValue { Value.Length: > 0 } str:
                    Branch();
                    b.AppendPrefix("i.norm", str.Value);
                    break;
                case UriSearchValue u:
                    Branch();
                    if (c.Modifier == "below") b.AppendPrefix("i.uri", u.Uri);
                    else b.sql.Append("i.uri = ").Append(parameters.Add(u.Uri));
                    break;
                case DateSearchValue d:
                    Branch();
                    if (!b.EstimateRange(d.Prefix, "i.low", "i.high", true, dialect.Instant(SqlDialect.AsUtc(d.LowUtc)), dialect.Instant(SqlDialect.AsUtc(d.HighUtc)))) return null;
                    break;
                case NumberSearchValue n:
                    Branch();
                    if (!b.EstimateRange(n.Prefix, "i.low", "i.high", false, dialect.Number(n.Low), dialect.Number(n.High))) return null;
                    break;
                case QuantitySearchValue q:
                    Branch();
                    if (!b.EstimateQuantity(q)) return null;
                    break;
                default:
                    return null;
            }
        }
        b.sql.Append(" LIMIT ").Append(parameters.Add((long)cap)).Append(") n");
        return b.sql.ToString();
    }

    private bool EstimateQuantity(QuantitySearchValue q)
    {
        if (q.CanonicalUnit is not null && q.CanonicalValue is { } cv)
        {
            var (lo, hi) = IndexTables.CanonicalRange(q.Value, q.Low, q.High, cv);
            sql.Append("i.canonical_unit = ").Append(p.Add(q.CanonicalUnit)).Append(" AND ");
            return EstimateRange(q.Prefix, "i.canonical_low", "i.canonical_high", false, dialect.Number(lo), dialect.Number(hi));
        }
        return EstimateRange(q.Prefix, "i.low", "i.high", false, dialect.Number(q.Low), dialect.Number(q.High));
    }

    // The range comparison on the one column an index bounds it by (a superset where the end has an index of its own,
    // as dates do; numbers and quantities, whose ranges are a precision wide, are read by their start); false for ne
    // and ap.
    private bool EstimateRange(SearchPrefix prefix, string low, string high, bool highIndexed, object searchLow, object searchHigh)
    {
        if (!highIndexed)
        {
            switch (prefix)
            {
                case SearchPrefix.Gt or SearchPrefix.Ge:
                    sql.Append(low).Append(" >= ").Append(p.Add(searchLow));
                    return true;
                case SearchPrefix.Eb:
                    sql.Append(low).Append(" < ").Append(p.Add(searchLow));
                    return true;
            }
        }
        switch (prefix)
        {
            case SearchPrefix.Eq:
                sql.Append(low).Append(" >= ").Append(p.Add(searchLow)).Append(" AND ").Append(low).Append(" <= ").Append(p.Add(searchHigh));
                return true;
            case SearchPrefix.Gt or SearchPrefix.Ge:
                sql.Append(high).Append(" >= ").Append(p.Add(searchLow));
                return true;
            case SearchPrefix.Sa:
                sql.Append(low).Append(" > ").Append(p.Add(searchHigh));
                return true;
            case SearchPrefix.Lt or SearchPrefix.Le:
                sql.Append(low).Append(" <= ").Append(p.Add(searchHigh));
                return true;
            case SearchPrefix.Eb:
                sql.Append(high).Append(" < ").Append(p.Add(searchLow));
                return true;
            default:
                return false;
        }
    }

    /// <summary>The ids of at most <paramref name="limit"/> matches in <paramref name="scope"/>.</summary>
    public static string Ids(SearchQuery query, Access.ReadScope scope, int limit, SqlDialect dialect, SqlParams parameters)
    {
        var b = new SearchSqlBuilder(dialect, parameters, scope);
        b.sql.Append("SELECT r.res_id FROM resource r WHERE ");
        b.AppendWhere(query);
        b.sql.Append(" ORDER BY r.res_key LIMIT ").Append(parameters.Add(limit));
        return b.sql.ToString();
    }

    /// <summary>The number of matches in <paramref name="scope"/>.</summary>
    public static string Count(SearchQuery query, Access.ReadScope scope, SqlDialect dialect, SqlParams parameters, SearchPlan? plan = null)
    {
        var b = new SearchSqlBuilder(dialect, parameters, scope) { plan = plan };
        b.sql.Append("SELECT COUNT(*) FROM resource r WHERE ");
        b.AppendWhere(query);
        return b.sql.ToString();
    }

    private void AppendWhere(SearchQuery query)
    {
        sql.Append("r.deleted = FALSE");
        // A patient's compartment is small: it drives, and every criterion probes (as a compartment does).
        var confined = Confined(query);
        if (query.ResourceType is not null)
        {
            // With nothing to drive from, the type's own index is the way in.
            var driven = query.Compartment is not null || confined || Driver(query.Criteria) >= 0;
            sql.Append(" AND ").Append(driven ? dialect.TypeTermWithCriteria : "r.res_type").Append(" = ").Append(p.Add(query.ResourceType));
        }
        else if ((query.ResourceTypes ?? (scope.SearchTypes is { } searchable ? [.. searchable.Order(StringComparer.Ordinal)] : null)) is { } types)
        {
            // A system-level search restricted to some types (_type, or what the reader may search).
            sql.Append(" AND ").Append(query.Criteria.Count > 0 || confined ? dialect.TypeTermWithCriteria : "r.res_type").Append(" IN (");
            for (var i = 0; i < types.Count; i++) sql.Append(i > 0 ? ", " : "").Append(p.Add(types[i]));
            sql.Append(types.Count == 0 ? "NULL)" : ")");
        }
        if (query.Compartment is { } compartment) CompartmentSql.Append(sql, p, compartment, query.ResourceType);
        if (query.Patients is { } patients) PatientFilterSql.Append(sql, p, dialect, patients, "r.version_seq");
        ScopeSql.AppendPatient(sql, p, scope, "r.version_seq", "r.res_type", query.ResourceType, drive: true);
        AppendCriteria(query.Criteria, "r", query.ResourceType, driven: query.Compartment is not null || confined);
    }

    /// <summary>Whether the scope holds the matches of <paramref name="query"/> to one patient's compartment.</summary>
    internal bool Confined(SearchQuery query) => query.ResourceType is { } type ? scope.Confines(type) : scope.Patient is not null;

    // Each criterion as " AND (...)" on the resource alias `a`, whose type is `type` when known. When
    // `driven`, something else (a compartment) already narrows the candidates, so every criterion probes.
    private void AppendCriteria(IReadOnlyList<SearchCriterion> criteria, string a, string? type, bool driven = false)
    {
        // A window drives: its candidates are a superset, so every criterion (the window's own too) probes.
        var window = !driven && plan is { Window: true, Driver: { } w } && criteria.Contains(w) ? w : null;
        if (window is not null && !ReferenceEquals(window, joinedWindow))
        {
            sql.Append(" AND ");
            AppendWindow(criteria, window, a);
        }
        // A merged chain (Page) drives the same way: its candidates are the references to its targets.
        var merged = !driven && joinedChain is not null && criteria.Contains(joinedChain);
        var driver = driven || window is not null || merged ? -1 : Driver(criteria);
        // Probes on a row that an outer one fixes (a probed chain's target, a probed _has's source) are fenced too: with a
        // misestimated inner criterion (a name prefix taken for one row), PostgreSQL otherwise joined every row of it to
        // each candidate (a chain to 151 names: 1.1 s for a page).
        fenceProbes = window is not null || driven || merged;
        for (var i = 0; i < criteria.Count; i++)
        {
            if (ReferenceEquals(criteria[i], joinedDriver)) continue; // already the page's FROM (Page)
            sql.Append(" AND ");
            AppendCriterion(criteria[i], a, type, probe: (driven || window is not null || merged || criteria.Count > 1) && i != driver);
        }
        fenceProbes = false;
    }

    /// <summary>
    /// The merged chain an unsorted page of <paramref name="query"/> reads as its driver (<see cref="SqlDialect.MergesChainTargets"/>):
    /// the planned one, of a top-level criterion; null for any other page.
    /// </summary>
    private MergedChain? JoinedChain(SearchQuery query) =>
        dialect.MergesChainTargets && InKeyOrder(query) && plan?.MergedChain is { } merged && query.Criteria.Contains(merged.Criterion) ? merged : null;

    // Whether a page of `query` is read in key order from a driver of its own: unsorted, and neither held to a compartment
    // nor confined to a patient (those drive from the compartment's rows).
    private bool InKeyOrder(SearchQuery query) => query.Sort.Count == 0 && query.Compartment is null && !Confined(query);

    /// <summary>
    /// The criterion an unsorted page of <paramref name="query"/> reads as its joined driver
    /// (<see cref="SqlDialect.DrivesByJoin"/>): a positive criterion on one index table; null for any other.
    /// </summary>
    private SearchCriterion? JoinedDriver(SearchQuery query)
    {
        if (!dialect.DrivesByJoin || !InKeyOrder(query) || plan?.Window == true) return null;
        var at = Driver(query.Criteria);
        if (at < 0) return null;
        var c = query.Criteria[at];
        if (c.Type is SearchParamType.Special or SearchParamType.Composite || c.Modifier is "not" or "missing") return null;
        if (c.Values.Count == 0 || c.Values.Any(v => v is MissingSearchValue or ChainSearchValue)) return null;
        CheckModifier(c);
        return c;
    }

    /// <summary>
    /// The window an unsorted page of <paramref name="query"/> reads as its joined driver, in key order
    /// (<see cref="SqlDialect.DrivesByJoin"/>): the planned window of a top-level criterion; null for any other page.
    /// </summary>
    private SearchCriterion? JoinedWindow(SearchQuery query) =>
        dialect.DrivesByJoin && InKeyOrder(query) && plan is { Window: true, Driver: { } w } && query.Criteria.Contains(w) ? w : null;

    // FROM (SELECT DISTINCT i.res_key FROM idx_x i WHERE <the driver's values>) d
    private void AppendJoinedDriver(SearchCriterion c)
    {
        sql.Append("(SELECT DISTINCT i.res_key FROM ").Append(IndexTables.For(c.Type)!.Name).Append(" i WHERE i.code = ").Append(p.Add(c.Code)).Append(" AND (");
        AppendAlternatives(c.Values.Count, v =>
        {
            sql.Append('(');
            AppendValue(c, c.Values[v], "i");
            sql.Append(')');
        });
        sql.Append(")) d");
    }

    /// <summary>
    /// The criterion to drive from: the lowest <see cref="Selectivity"/>, the first of equals; -1 when none
    /// can drive (then every criterion probes the resources of the type).
    /// </summary>
    private int Driver(IReadOnlyList<SearchCriterion> criteria)
    {
        for (var i = 0; i < criteria.Count; i++)
        {
            if (ReferenceEquals(criteria[i], plan?.Driver)) return i;
        }
        var best = -1;
        var bestRank = int.MaxValue;
        for (var i = 0; i < criteria.Count; i++)
        {
            var rank = plan?.Probed?.Contains(criteria[i]) == true ? NeverDrives : Selectivity(criteria[i]);
            if (rank < bestRank)
            {
                best = i;
                bestRank = rank;
            }
        }
        return bestRank == NeverDrives ? -1 : best;
    }

    internal const int NeverDrives = int.MaxValue - 1;

    /// <summary>
    /// How many rows a criterion is expected to match, as a rank (lower is fewer). Neither database
    /// can say (SQLite keeps no statistics, PostgreSQL's do not span two index tables), but the shape
    /// can: a code or a reference names a few resources, a prefix more, a range a large share.
    /// </summary>
    internal static int Selectivity(SearchCriterion c)
    {
        for (var i = 0; i < c.Values.Count; i++)
        {
            if (c.Values[i] is MissingSearchValue) return NeverDrives; // OR'ed with "has no value"
        }
        return (c.Type, c.Modifier) switch
        {
            (_, "not" or "contains") => NeverDrives,
            (SearchParamType.Special, _) when c.Code == "_id" => 0,
            (SearchParamType.Special, _) when c.Code == "_lastUpdated" => 4,
            (SearchParamType.Special, _) => 2, // _has
            (SearchParamType.Token, null or "of-type") when c.Values.All(v => v is TokenSearchValue { Code: not null }) => c.Values.Count <= 10 ? 0 : 1,
            (SearchParamType.Token, _) => 3, // system| alone, :text, large :in expansions
            (SearchParamType.Reference, _) when c.Values[0] is ChainSearchValue => 2,
            (SearchParamType.Reference, _) => 0,
            (SearchParamType.Composite, _) => 1,
            (SearchParamType.String, "exact") => 0,
            (SearchParamType.String, _) => c.Values.All(v => v is StringSearchValue { Value.Length: >= 3 }) ? 1 : 3,
            (SearchParamType.Uri, null) => 0,
            (SearchParamType.Uri, _) => 3,
            _ => c.Values.All(v => v is DateSearchValue { Prefix: SearchPrefix.Eq } or NumberSearchValue { Prefix: SearchPrefix.Eq } or QuantitySearchValue { Prefix: SearchPrefix.Eq }) ? 2 : 4,
        };
    }

    private void AppendCriterion(SearchCriterion c, string a, string? type, bool probe)
    {
        if (c.Values.Count == 0)
        {
            // A code set that expanded to nothing.
            if (c.Type != SearchParamType.Token) throw new ArgumentException($"Search parameter '{c.Code}' has no value.", nameof(c));
            sql.Append(c.Modifier == "not" ? "1 = 1" : "1 = 0");
            return;
        }
        switch (c.Type)
        {
            case SearchParamType.Special when c.Modifier == "missing" && c.Code is "_id" or "_lastUpdated":
                AppendAlwaysPresent(c);
                break;
            case SearchParamType.Special when c.Code == "_id":
                AppendId(c, a);
                break;
            case SearchParamType.Special when c.Code == "_lastUpdated":
                AppendLastUpdated(c, a);
                break;
            case SearchParamType.Special when c.Code == "_has":
                AppendHas(c, a, type, plan?.Probed?.Contains(c) == true);
                break;
            case SearchParamType.Special:
                throw new NotSupportedException($"Search parameter '{c.Code}' of type {c.Type} is not supported.");
            case SearchParamType.Reference when c.Values[0] is ChainSearchValue:
                // The merged chain's candidates are the references to its targets: the chain checks each.
                AppendChain(c, a, plan?.Probed?.Contains(c) == true || ReferenceEquals(c, joinedChain));
                break;
            case SearchParamType.Composite when c.Modifier is null:
                AppendComposite(c, a, probe);
                break;
            case SearchParamType.Composite:
                throw Unsupported(c);
            default:
                AppendIndexed(c, IndexTables.For(c.Type)!, a, probe);
                break;
        }
    }

    private void AppendId(SearchCriterion c, string a)
    {
        if (c.Modifier is not null and not "not") throw Unsupported(c);
        sql.Append(a).Append(c.Modifier == "not" ? ".res_id NOT IN (" : ".res_id IN (");
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

    private void AppendLastUpdated(SearchCriterion c, string a)
    {
        if (c.Modifier is not null) throw Unsupported(c);
        sql.Append('(');
        AppendAlternatives(c.Values.Count, i =>
        {
            if (c.Values[i] is not DateSearchValue d) throw WrongValue(c, i);
            AppendDate(d, a + ".last_updated", a + ".last_updated");
        });
        sql.Append(')');
    }

    private void AppendIndexed(SearchCriterion c, IndexTable table, string a, bool probe)
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
        if (positives > 0 && c.Type == SearchParamType.Reference && c.Modifier != "not" && !probe && dialect.SplitsOrBranches)
        {
            first = false;
            AppendReferenceBranches(c, code, a);
        }
        else if (positives > 0 && c.Type == SearchParamType.Date && c.Modifier is null && !probe && dialect.SplitsOrBranches)
        {
            first = false;
            AppendDateBranches(c, code, a);
        }
        else if (positives > 0)
        {
            first = false;
            sql.Append(c.Modifier == "not" ? "NOT EXISTS (SELECT 1 FROM " + table.Name + " i WHERE i.res_key = " + a + ".res_key AND i.code = "
                : probe ? "EXISTS (SELECT 1 FROM " + table.Name + " i WHERE i.res_key = " + a + ".res_key AND " + dialect.Unindexed("i.code") + " = "
                : a + ".res_key IN (SELECT i.res_key FROM " + table.Name + " i WHERE i.code = ");
            sql.Append(code).Append(" AND (");
            var values = positives == c.Values.Count ? c.Values : [.. c.Values.Where(v => v is not MissingSearchValue)];
            AppendAlternatives(values.Count, i =>
            {
                sql.Append('(');
                AppendValue(c, values[i], "i");
                sql.Append(')');
            });
            sql.Append(')').Append(probe && fenceProbes && c.Modifier != "not" ? dialect.ProbeFence : "").Append(')');
        }

        // :missing has two values; repeating them adds nothing to the statement.
        var missing = new HashSet<bool>();
        for (var i = 0; i < c.Values.Count; i++)
        {
            if (c.Values[i] is not MissingSearchValue m || !missing.Add(m.Missing)) continue;
            if (!first) sql.Append(" OR ");
            first = false;
            sql.Append(m.Missing ? "NOT EXISTS (SELECT 1 FROM " + table.Name + " i WHERE i.res_key = " + a + ".res_key AND i.code = " + code + ")"
                : probe ? "EXISTS (SELECT 1 FROM " + table.Name + " i WHERE i.res_key = " + a + ".res_key AND " + dialect.Unindexed("i.code") + " = " + code + ")"
                : a + ".res_key IN (SELECT i.res_key FROM " + table.Name + " i WHERE i.code = " + code + ")");
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

    // One value's condition on the index row alias `i`.
    private void AppendValue(SearchCriterion c, SearchValue value, string i)
    {
        switch (c.Type)
        {
            case SearchParamType.Token when value is TokenSearchValue t:
                AppendToken(c.Modifier, t, i);
                break;
            case SearchParamType.String when value is StringSearchValue s:
                if (c.Modifier == "exact") sql.Append(i).Append(".exact = ").Append(p.Add(s.Value));
                else if (c.Modifier == "contains") sql.Append(i).Append(".norm LIKE ").Append(p.Add("%" + EscapeLike(s.Value) + "%")).Append(" ESCAPE '\\'");
                else AppendPrefix(i + ".norm", s.Value);
                break;
            case SearchParamType.Reference when value is ReferenceSearchValue r:
                AppendReference(c.Modifier, r, i);
                break;
            case SearchParamType.Date when value is DateSearchValue d:
                AppendDate(d, i + ".low", i + ".high");
                break;
            case SearchParamType.Number when value is NumberSearchValue n:
                AppendNumber(n.Prefix, n.Value, n.Low, n.High, i + ".low", i + ".high");
                break;
            case SearchParamType.Quantity when value is QuantitySearchValue q:
                AppendQuantity(q, i);
                break;
            case SearchParamType.Uri when value is UriSearchValue u:
                if (c.Modifier == "below") AppendPrefix(i + ".uri", u.Uri);
                else if (c.Modifier == "above") sql.Append(i).Append(".uri = substr(").Append(p.Add(u.Uri)).Append(", 1, length(").Append(i).Append(".uri))");
                else sql.Append(i).Append(".uri = ").Append(p.Add(u.Uri));
                break;
            default:
                throw new ArgumentException($"Search parameter '{c.Code}' ({c.Type}) got a {value.GetType().Name}.");
        }
    }

    /// <summary>Most SELECTs SQLite takes in one compound SELECT (SQLITE_MAX_COMPOUND_SELECT).</summary>
    internal const int MaxCompoundTerms = 500;

    // Starts the next UNION ALL branch of `a.res_key IN (...)`; past SQLite's limit on terms in one compound SELECT the
    // branches go on in another `OR a.res_key IN (...)` (the caller has the whole criterion in parentheses).
    private void NextTerm(ref int terms, string a)
    {
        if (terms == MaxCompoundTerms)
        {
            sql.Append(") OR ").Append(a).Append(".res_key IN (");
            terms = 0;
        }
        if (terms++ > 0) sql.Append(" UNION ALL ");
    }

    // `count` alternatives joined by OR, as a balanced tree of parentheses: SQLite parses `a OR b OR c ...` into a tree
    // as deep as the list is long and refuses a depth of 1,000 ("Expression tree is too large"); balanced, a list of n is
    // log2(n) deep. Both planners flatten nested ORs back into one list, so the plan is the same.
    private void AppendAlternatives(int count, Action<int> alternative)
    {
        if (count > 0) Balanced(0, count);

        void Balanced(int from, int to)
        {
            if (to - from <= 2)
            {
                alternative(from);
                if (to - from == 2)
                {
                    sql.Append(" OR ");
                    alternative(from + 1);
                }
                return;
            }
            var middle = from + (to - from) / 2;
            sql.Append('(');
            Balanced(from, middle);
            sql.Append(") OR (");
            Balanced(middle, to);
            sql.Append(')');
        }
    }

    private void AppendToken(string? modifier, TokenSearchValue t, string i)
    {
        if (modifier == "text")
        {
            var text = SearchText.Normalize(t.Code ?? "");
            sql.Append('(');
            AppendPrefix(i + ".text_lc", text);
            sql.Append(" OR ").Append(i).Append(".text_lc LIKE ").Append(p.Add("% " + EscapeLike(text) + "%")).Append(" ESCAPE '\\')");
            return;
        }

        var any = false;
        if (t.SystemGiven || t.System is not null)
        {
            sql.Append(t.System is null ? i + ".system IS NULL" : i + ".system = " + p.Add(t.System));
            any = true;
        }
        if (t.Code is not null)
        {
            if (any) sql.Append(" AND ");
            sql.Append(i).Append(".value = ").Append(p.Add(t.Code));
            any = true;
        }
        if (!any) sql.Append("1 = 1");
    }

    // A reference criterion as one UNION ALL branch per id and per URL alternative: `(target) OR url = ?` in one
    // WHERE made SQLite read every index row of the code (Observation?patient=Patient/x took 70-100 ms at 260k
    // resources); each branch alone is an exact (code, target...) or (code, url) index lookup. SQLite only
    // (SqlDialect.SplitsOrBranches).
    private void AppendReferenceBranches(SearchCriterion c, string code, string a)
    {
        sql.Append(a).Append(".res_key IN (");
        var terms = 0;
        void Branch()
        {
            NextTerm(ref terms, a);
            sql.Append("SELECT i.res_key FROM ").Append(IndexTables.Reference.Name).Append(" i WHERE i.code = ").Append(code).Append(" AND ");
        }
        for (var v = 0; v < c.Values.Count; v++)
        {
            if (c.Values[v] is MissingSearchValue) continue;
            if (c.Values[v] is not ReferenceSearchValue r) throw WrongValue(c, v);
            if (r.TargetId is null && r.Url is null) throw new ArgumentException("A reference search value needs an id or a URL.");
            if (r.TargetId is not null)
            {
                Branch();
                AppendReference(c.Modifier, r with { Url = null }, "i");
            }
            if (r.Url is not null)
            {
                Branch();
                AppendReference(c.Modifier, r with { TargetId = null }, "i");
            }
        }
        sql.Append(')');
    }

    // A date criterion that drives, as one UNION ALL branch per value and per half of ge/le: `ge` is "ends after the
    // range, or lies within it", and SQLite read every date row of the code for the OR; each half alone is a
    // bounded stretch of the (code, high) or the (code, low) index. SQLite only (SqlDialect.SplitsOrBranches).
    private void AppendDateBranches(SearchCriterion c, string code, string a)
    {
        sql.Append(a).Append(".res_key IN (");
        var terms = 0;
        void Branch(DateSearchValue d)
        {
            NextTerm(ref terms, a);
            sql.Append("SELECT i.res_key FROM ").Append(IndexTables.Date.Name).Append(" i WHERE i.code = ").Append(code).Append(" AND ");
            AppendDate(d, "i.low", "i.high");
        }
        for (var v = 0; v < c.Values.Count; v++)
        {
            if (c.Values[v] is MissingSearchValue) continue;
            if (c.Values[v] is not DateSearchValue d) throw WrongValue(c, v);
            switch (d.Prefix)
            {
                case SearchPrefix.Ge:
                    Branch(d with { Prefix = SearchPrefix.Gt });
                    Branch(d with { Prefix = SearchPrefix.Eq });
                    break;
                case SearchPrefix.Le:
                    Branch(d with { Prefix = SearchPrefix.Lt });
                    Branch(d with { Prefix = SearchPrefix.Eq });
                    break;
                default:
                    Branch(d);
                    break;
            }
        }
        sql.Append(')');
    }

    /// <summary>
    /// True when <paramref name="c"/>, driving, reads a bounded stretch of an index, so that a small count
    /// (SearchPlanner) makes it a good driver. Number and quantity ranges have no index on their end, and a
    /// quantity compares canonically or as written (an OR): as drivers they may read every row of their code.
    /// </summary>
    internal static bool DrivesBounded(SearchCriterion c) => c.Modifier is null && c.Values.Count > 0 && c.Type switch
    {
        SearchParamType.Token => c.Values.All(v => v is TokenSearchValue { Code: not null }),
        SearchParamType.Reference => c.Values.All(v => v is ReferenceSearchValue),
        SearchParamType.String => c.Values.All(v => v is StringSearchValue { Value.Length: > 0 }),
        SearchParamType.Uri => true,
        SearchParamType.Date => c.Values.All(v => v is DateSearchValue { Prefix: not (SearchPrefix.Ne or SearchPrefix.Ap) }),
        _ => false,
    };

    private void AppendReference(string? modifier, ReferenceSearchValue r, string i)
    {
        var type = r.TargetType ?? (modifier is null or "missing" ? null : modifier);
        var any = false;
        if (r.TargetId is not null)
        {
            sql.Append('(').Append(i).Append(".target_id = ").Append(p.Add(r.TargetId));
            if (type is not null) sql.Append(" AND ").Append(i).Append(".target_type = ").Append(p.Add(type));
            sql.Append(')');
            any = true;
        }
        if (r.Url is not null)
        {
            if (any) sql.Append(" OR ");
            sql.Append(i).Append(".url = ").Append(p.Add(r.Url));
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

    private void AppendQuantity(QuantitySearchValue q, string i)
    {
        var canonical = q.CanonicalUnit is not null && q.CanonicalValue is not null;
        if (canonical)
        {
            var cv = q.CanonicalValue!.Value;
            var (lo, hi) = IndexTables.CanonicalRange(q.Value, q.Low, q.High, cv);
            sql.Append('(').Append(i).Append(".canonical_unit = ").Append(p.Add(q.CanonicalUnit!)).Append(" AND ");
            AppendNumber(q.Prefix, cv, lo, hi, i + ".canonical_low", i + ".canonical_high");
            sql.Append(") OR (").Append(i).Append(".canonical_unit IS NULL AND ");
        }
        if (q.System is not null) sql.Append(i).Append(".system = ").Append(p.Add(q.System)).Append(" AND ");
        if (q.Unit is not null) sql.Append(i).Append(".unit = ").Append(p.Add(q.Unit)).Append(" AND ");
        AppendNumber(q.Prefix, q.Value, q.Low, q.High, i + ".low", i + ".high");
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
