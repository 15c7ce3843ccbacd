using System.Text;

namespace Fhir.Storage.Sql;

// The SQL of _include and _revinclude over the reference index. Both select whole current
// versions by res_key IN (subquery), so a resource reached through several references comes
// once, and both skip deleted resources (index rows of a deleted resource may remain; its
// resource row says deleted). Only local references (target_type/target_id) are followed:
// absolute URLs may name other servers.
//   include:    sources (type + ids) -> their index rows of the codes -> the resources named
//   revinclude: index rows of the codes naming one of the targets -> the resources holding them
internal static class IncludeSql
{
    /// <summary>Ids bound per statement: well under either database's parameter limit.</summary>
    public const int MaxIdsPerStatement = 500;

    private const string Columns = "v.res_type, v.res_id, v.version, v.last_updated, v.method, v.json";

    /// <summary>The resources that <paramref name="sourceIds"/> (of the request's source type) reference.</summary>
    /// <remarks>
    /// The sources lead (the (type, id) key), then their own reference rows by (res_key, code): the code is hidden
    /// from SQLite's planner, which otherwise read every reference row of the code (`subject`: 240 ms at a
    /// million resources, against 1 ms).
    /// </remarks>
    public static string Include(IncludeRequest request, IReadOnlyList<string> sourceIds, int limit, Access.ReadScope scope, SqlDialect dialect, SqlParams p)
    {
        var sql = new StringBuilder(512);
        sql.Append("SELECT t.res_key, ").Append(Columns)
            .Append(" FROM resource t JOIN resource_version v ON v.seq = t.version_seq WHERE t.res_key IN (")
            .Append("SELECT t2.res_key FROM resource s JOIN idx_reference x ON x.res_key = s.res_key")
            .Append(" JOIN resource t2 ON t2.res_type = x.target_type AND t2.res_id = x.target_id")
            .Append(" WHERE s.res_type = ").Append(p.Add(request.SourceType!))
            .Append(" AND s.res_id IN (");
        AppendList(sql, sourceIds, p);
        sql.Append(')');
        AppendCodes(sql, dialect.Unindexed("x.code"), request.Codes, p);
        if (request.TargetType is not null) sql.Append(" AND x.target_type = ").Append(p.Add(request.TargetType));
        sql.Append(" AND s.deleted = FALSE AND t2.deleted = FALSE");
        // The sources are the reader's own matches; what they reference is returned only where the reader may read it.
        ScopeSql.AppendReadable(sql, p, scope, "t2.version_seq", "t2.res_type", request.TargetType);
        sql.Append(") ORDER BY t.res_key LIMIT ").Append(p.Add((long)limit));
        return sql.ToString();
    }

    /// <summary>The resources (of the request's source type, if any) that reference one of <paramref name="targets"/>.</summary>
    public static string RevInclude(IncludeRequest request, IReadOnlyList<(string Type, List<string> Ids)> targets, int limit, Access.ReadScope scope, SqlParams p)
    {
        var sql = new StringBuilder(512);
        sql.Append("SELECT s.res_key, ").Append(Columns)
            .Append(" FROM resource s JOIN resource_version v ON v.seq = s.version_seq WHERE s.res_key IN (")
            .Append("SELECT x.res_key FROM idx_reference x WHERE 1 = 1");
        AppendCodes(sql, "x.code", request.Codes, p);
        sql.Append(" AND (");
        for (var i = 0; i < targets.Count; i++)
        {
            if (i > 0) sql.Append(" OR ");
            sql.Append("(x.target_type = ").Append(p.Add(targets[i].Type)).Append(" AND x.target_id IN (");
            AppendList(sql, targets[i].Ids, p);
            sql.Append("))");
        }
        sql.Append(")) AND s.deleted = FALSE");
        if (request.SourceType is not null) sql.Append(" AND s.res_type = ").Append(p.Add(request.SourceType));
        ScopeSql.AppendReadable(sql, p, scope, "s.version_seq", "s.res_type", request.SourceType);
        sql.Append(" ORDER BY s.res_key LIMIT ").Append(p.Add((long)limit));
        return sql.ToString();
    }

    private static void AppendCodes(StringBuilder sql, string column, IReadOnlyList<string>? codes, SqlParams p)
    {
        if (codes is null) return;
        if (codes.Count == 0)
        {
            sql.Append(" AND 1 = 0");
            return;
        }
        sql.Append(" AND ").Append(column).Append(" IN (");
        AppendList(sql, codes, p);
        sql.Append(')');
    }

    private static void AppendList(StringBuilder sql, IReadOnlyList<string> values, SqlParams p)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0) sql.Append(", ");
            sql.Append(p.Add(values[i]));
        }
    }
}
