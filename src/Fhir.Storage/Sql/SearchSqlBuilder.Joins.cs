using Fhir.Search.Queries;

namespace Fhir.Storage.Sql;

// The criteria that join index rows to other rows: chains (to the referenced resource), reverse chains (from
// the referring resource) and composites (component rows of the same element). Each is an uncorrelated
// `a.res_key IN (subquery)`, so that both planners can run the subquery once and drive from its selective part.
internal sealed partial class SearchSqlBuilder
{
    // a.res_key IN (the owners of reference rows that point at a current target satisfying the inner criterion).
    // Written target first with CROSS JOIN, which SQLite takes as the join order (PostgreSQL reorders by cost):
    // the inner criterion is the selective part, and the (code, target_id, target_type) index leads back.
    //
    // As a probe (many resources refer to the targets): EXISTS a reference row of a.res_key whose current target
    // satisfies the inner criterion, read from the owner's (res_key, code) rows, so a page stops after its first
    // matches instead of collecting every owner and fetching each to check its type.
    private void AppendChain(SearchCriterion c, string a, bool probe)
    {
        sql.Append('(');
        for (var v = 0; v < c.Values.Count; v++)
        {
            if (c.Values[v] is not ChainSearchValue chain) throw WrongValue(c, v);
            if (v > 0) sql.Append(" OR ");
            var x = "x" + aliases;
            var t = "t" + aliases++;
            if (probe)
            {
                sql.Append("EXISTS (SELECT 1 FROM idx_reference ").Append(x).Append(" CROSS JOIN resource ").Append(t)
                    .Append(" WHERE ").Append(x).Append(".res_key = ").Append(a).Append(".res_key AND ");
                AppendChainTarget(c, chain, x, t, driven: true);
                sql.Append(dialect.ProbeFence).Append(')');
                continue;
            }
            sql.Append(a).Append(".res_key IN (SELECT ").Append(x).Append(".res_key FROM resource ").Append(t)
                .Append(" CROSS JOIN idx_reference ").Append(x).Append(" WHERE ");
            AppendChainTarget(c, chain, x, t, driven: false);
            sql.Append(')');
        }
        sql.Append(')');
    }

    // The conditions on a reference row x of the chain's code and its target t: current, of the chain's types, visible,
    // satisfying the inner criterion (checked on t when the row is already fixed, driven; otherwise it drives).
    private void AppendChainTarget(SearchCriterion c, ChainSearchValue chain, string x, string t, bool driven)
    {
        sql.Append(x).Append(".code = ").Append(p.Add(c.Code))
            .Append(" AND ").Append(x).Append(".target_id = ").Append(t).Append(".res_id AND ")
            .Append(x).Append(".target_type = ").Append(t).Append(".res_type AND ");
        AppendChainTargetRow(chain, t, driven);
    }

    // The chain's target row t: current, of the chain's types, visible to the reader, satisfying the inner criterion.
    private void AppendChainTargetRow(ChainSearchValue chain, string t, bool driven)
    {
        sql.Append(t).Append(".deleted = FALSE");
        if (chain.TargetTypes.Count > 0)
        {
            // Hidden from SQLite's planner unless the inner criterion is on the id, which the (type, id) key serves.
            sql.Append(" AND ").Append(chain.Inner.Code == "_id" ? t + ".res_type" : dialect.Unindexed(t + ".res_type")).Append(" IN (");
            for (var i = 0; i < chain.TargetTypes.Count; i++) sql.Append(i == 0 ? "" : ", ").Append(p.Add(chain.TargetTypes[i]));
            sql.Append(')');
        }
        // The target must be visible to the reader: a chain may not ask about what it cannot read.
        ScopeSql.AppendPatient(sql, p, scope, t + ".version_seq", t + ".res_type", chain.TargetTypes.Count == 1 ? chain.TargetTypes[0] : null);
        AppendCriteria([chain.Inner], t, chain.TargetTypes.Count == 1 ? chain.TargetTypes[0] : null, driven);
    }

    /// <summary>
    /// <c>SELECT COUNT(*)</c> of the reference rows that <paramref name="c"/> (a chain of one value) follows to a
    /// matching target, reading at most <paramref name="cap"/> of them: how many resources the chain leads back to.
    /// </summary>
    public static string CappedChainRows(SearchCriterion c, int cap, SqlDialect dialect, SqlParams parameters)
    {
        if (c.Values is not [ChainSearchValue chain]) throw new ArgumentException("A chain of one value is counted.", nameof(c));
        var b = new SearchSqlBuilder(dialect, parameters);
        b.sql.Append("SELECT COUNT(*) FROM (SELECT 1 FROM resource t0 CROSS JOIN idx_reference x0 WHERE ");
        b.aliases = 1;
        b.AppendChainTarget(c, chain, "x0", "t0", driven: false);
        b.sql.Append(" LIMIT ").Append(parameters.Add((long)cap)).Append(") n");
        return b.sql.ToString();
    }

    /// <summary>
    /// <c>SELECT res_type, res_id</c> of at most <paramref name="cap"/> of the targets <paramref name="c"/>'s references may
    /// lead to, as the chain checks them (current, of its types, visible in <paramref name="scope"/>, matched by the inner
    /// criterion): those a merged chain reads the references of.
    /// </summary>
    public static string ChainTargets(SearchCriterion c, int cap, Access.ReadScope scope, SqlDialect dialect, SqlParams parameters)
    {
        if (c.Values is not [ChainSearchValue chain]) throw new ArgumentException("A chain of one value is merged.", nameof(c));
        var b = new SearchSqlBuilder(dialect, parameters, scope) { aliases = 1 };
        b.sql.Append("SELECT t0.res_type, t0.res_id FROM resource t0 WHERE ");
        b.AppendChainTargetRow(chain, "t0", driven: false);
        return b.sql.Append(" LIMIT ").Append(parameters.Add((long)cap)).ToString();
    }

    // The keys of the resources whose references of the merged chain's code name one of its targets, one ordered read of
    // the (code, target_id, target_type, res_key) index per target, from the cursor on; a Merge Append of them is in key
    // order, so the page stops after its first candidates. A resource may refer to two targets: the page is DISTINCT ON its key.
    private void AppendMergedChainRows(MergedChain merged, SearchCursor? after, bool backward)
    {
        if (merged.Targets.Count == 0)
        {
            sql.Append("SELECT x.res_key FROM idx_reference x WHERE 1 = 0");
            return;
        }
        var code = p.Add(merged.Criterion.Code);
        var from = after is null ? null : p.Add(after.Key);
        for (var i = 0; i < merged.Targets.Count; i++)
        {
            var (type, id) = merged.Targets[i];
            sql.Append(i == 0 ? "(" : " UNION ALL (").Append("SELECT x.res_key FROM idx_reference x WHERE x.code = ").Append(code)
                .Append(" AND x.target_id = ").Append(p.Add(id)).Append(" AND x.target_type = ").Append(p.Add(type));
            if (from is not null) sql.Append(" AND x.res_key ").Append(backward ? "< " : "> ").Append(from);
            sql.Append(" ORDER BY x.res_key").Append(backward ? " DESC)" : ")");
        }
    }

    // a.res_key IN (the targets of reference rows whose current owner, of the source type, satisfies the inner
    // criterion): uncorrelated, driven from the owners (CROSS JOIN fixes that order on SQLite), back to the target
    // through its (type, id) key. The reference code is hidden from SQLite's planner, which would otherwise read the
    // covering (code, target...) index for every row of the code instead of the owner's (res_key, code) rows.
    //
    // As a probe (an inner criterion that matches many resources): EXISTS a reference row naming a.res_id from a
    // current owner for which the inner criterion holds, read from the (code, target_id, target_type) index, so a
    // page stops after its first targets instead of collecting the targets of every match.
    private void AppendHas(SearchCriterion c, string a, string? type, bool probe)
    {
        sql.Append('(');
        for (var v = 0; v < c.Values.Count; v++)
        {
            if (c.Values[v] is not ReverseChainSearchValue has) throw WrongValue(c, v);
            if (v > 0) sql.Append(" OR ");
            if (PairedHas(has) is { } token)
            {
                AppendPairedHas(has, token, a, type, probe);
                continue;
            }
            if (probe)
            {
                var px = "x" + aliases;
                var ps = "s" + aliases++;
                sql.Append("EXISTS (SELECT 1 FROM idx_reference ").Append(px).Append(" CROSS JOIN resource ").Append(ps)
                    .Append(" WHERE ").Append(px).Append(".code = ").Append(p.Add(has.ReferenceCode))
                    .Append(" AND ").Append(px).Append(".target_id = ").Append(a).Append(".res_id AND ")
                    .Append(px).Append(".target_type = ").Append(a).Append(".res_type AND ")
                    .Append(ps).Append(".res_key = ").Append(px).Append(".res_key AND ").Append(ps).Append(".deleted = FALSE AND ")
                    .Append(dialect.Unindexed(ps + ".res_type")).Append(" = ").Append(p.Add(has.SourceType));
                ScopeSql.AppendPatient(sql, p, scope, ps + ".version_seq", ps + ".res_type", has.SourceType);
                AppendCriteria([has.Inner], ps, has.SourceType, driven: true);
                sql.Append(dialect.ProbeFence).Append(')');
                continue;
            }
            var x = "x" + aliases;
            var s = "s" + aliases;
            var h = "h" + aliases++;
            sql.Append(a).Append(".res_key IN (SELECT ").Append(h).Append(".res_key FROM resource ").Append(s)
                .Append(" CROSS JOIN idx_reference ").Append(x).Append(" CROSS JOIN resource ").Append(h)
                .Append(" WHERE ").Append(x).Append(".res_key = ").Append(s).Append(".res_key AND ")
                .Append(dialect.Unindexed(x + ".code")).Append(" = ").Append(p.Add(has.ReferenceCode)).Append(" AND ")
                .Append(h).Append(".res_type = ").Append(x).Append(".target_type AND ").Append(h).Append(".res_id = ").Append(x).Append(".target_id AND ")
                .Append(s).Append(".deleted = FALSE AND ").Append(dialect.Unindexed(s + ".res_type")).Append(" = ").Append(p.Add(has.SourceType));
            if (type is not null) sql.Append(" AND ").Append(x).Append(".target_type = ").Append(p.Add(type));
            // The referring resource must be visible to the reader, like a chain's target.
            ScopeSql.AppendPatient(sql, p, scope, s + ".version_seq", s + ".res_type", has.SourceType);
            AppendCriteria([has.Inner], s, has.SourceType);
            sql.Append(')');
        }
        sql.Append(')');
    }

    /// <summary>
    /// The code criterion of <paramref name="has"/> when the patient pair index (IndexPairs) can answer it: the patient
    /// reference, a plain code as its only criterion, and sources the reader sees without a patient limit (the pair rows
    /// carry no compartment); null otherwise.
    /// </summary>
    internal static SearchCriterion? PairedToken(ReverseChainSearchValue has, Access.ReadScope scope) =>
        has.ReferenceCode == IndexPairs.PatientCode && !scope.Confines(has.SourceType) ? PairedToken([has.Inner]) : null;

    // The code criterion of a _has read from the patient pair index: one it can answer, of a source type whose pairs the
    // plan found complete.
    private SearchCriterion? PairedHas(ReverseChainSearchValue has) =>
        plan?.PairedSources?.Contains(has.SourceType) == true ? PairedToken(has, scope) : null;

    // From the patient pair index (its rows are exact): collected, a.res_key IN (the resources named by the rows of the code
    // and source type); as a probe, EXISTS a row of the code and source type naming a. No row of the sources themselves.
    private void AppendPairedHas(ReverseChainSearchValue has, SearchCriterion token, string a, string? type, bool probe)
    {
        var x = "x" + aliases;
        var h = "h" + aliases++;
        void Rows()
        {
            sql.Append(x).Append(".code = ").Append(p.Add(IndexPairs.Code(IndexPairs.PatientCode)))
                .Append(" AND ").Append(x).Append(".res_type = ").Append(p.Add(has.SourceType)).Append(" AND (");
            AppendAlternatives(token.Values.Count, v =>
            {
                sql.Append('(');
                AppendToken(null, (TokenSearchValue)token.Values[v], x);
                sql.Append(')');
            });
            sql.Append(')');
        }
        if (probe)
        {
            sql.Append("EXISTS (SELECT 1 FROM ").Append(IndexTables.ReferenceToken.Name).Append(' ').Append(x).Append(" WHERE ");
            Rows();
            sql.Append(" AND ").Append(x).Append(".target_type = ").Append(a).Append(".res_type AND ").Append(x).Append(".target_id = ").Append(a).Append(".res_id")
                .Append(dialect.ProbeFence).Append(')');
            return;
        }
        if (type is not null && dialect.MatchesHasTargetsById)
        {
            sql.Append(a).Append(".res_id IN (SELECT ").Append(x).Append(".target_id FROM ").Append(IndexTables.ReferenceToken.Name).Append(' ').Append(x).Append(" WHERE ");
            Rows();
            sql.Append(" AND ").Append(x).Append(".target_type = ").Append(p.Add(type)).Append(')');
            return;
        }
        sql.Append(a).Append(".res_key IN (SELECT ").Append(h).Append(".res_key FROM ").Append(IndexTables.ReferenceToken.Name).Append(' ').Append(x)
            .Append(" CROSS JOIN resource ").Append(h).Append(" WHERE ");
        Rows();
        if (type is not null) sql.Append(" AND ").Append(x).Append(".target_type = ").Append(p.Add(type));
        sql.Append(" AND ").Append(h).Append(".res_type = ").Append(x).Append(".target_type AND ").Append(h).Append(".res_id = ").Append(x).Append(".target_id)");
    }

    // a.res_key IN (component rows joined on (res_key, grp), each satisfying its component's condition);
    // as a probe, EXISTS such rows of a.res_key.
    private void AppendComposite(SearchCriterion c, string a, bool probe)
    {
        if (c.Values[0] is not CompositeSearchValue shape) throw WrongValue(c, 0);
        var n = shape.Components.Count;
        var alias = new string[n];
        for (var k = 0; k < n; k++) alias[k] = "c" + aliases++;
        sql.Append(probe ? "EXISTS (SELECT 1" : a + ".res_key IN (SELECT " + alias[0] + ".res_key").Append(" FROM ")
            .Append(IndexTables.For(shape.Components[0].Type)!.Name).Append(' ').Append(alias[0]);
        for (var k = 1; k < n; k++)
        {
            var component = shape.Components[k];
            sql.Append(" JOIN ").Append(IndexTables.For(component.Type)!.Name).Append(' ').Append(alias[k])
                .Append(" ON ").Append(alias[k]).Append(".res_key = ").Append(alias[0]).Append(".res_key AND ")
                .Append(alias[k]).Append(".code = ").Append(p.Add(component.Code)).Append(" AND ")
                .Append(alias[k]).Append(".grp = ").Append(alias[0]).Append(".grp");
        }
        sql.Append(" WHERE ");
        if (probe) sql.Append(alias[0]).Append(".res_key = ").Append(a).Append(".res_key AND ");
        sql.Append(probe ? dialect.Unindexed(alias[0] + ".code") : alias[0] + ".code").Append(" = ").Append(p.Add(shape.Components[0].Code)).Append(" AND (");
        AppendAlternatives(c.Values.Count, v =>
        {
            if (c.Values[v] is not CompositeSearchValue value || value.Components.Count != n) throw WrongValue(c, v);
            sql.Append('(');
            for (var k = 0; k < n; k++)
            {
                var component = value.Components[k];
                if (component.Code != shape.Components[k].Code || component.Values.Count != 1) throw WrongValue(c, v);
                if (k > 0) sql.Append(" AND ");
                sql.Append('(');
                AppendValue(component, component.Values[0], alias[k]);
                sql.Append(')');
            }
            sql.Append(')');
        });
        sql.Append("))");
    }
}
