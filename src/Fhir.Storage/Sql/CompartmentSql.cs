using System.Text;
using Fhir.Search.Compartments;

namespace Fhir.Storage.Sql;

// The compartment term of a search: the resource refers to the focal resource through one of the
// compartment's parameters for its type (index probes on (code, target_id, target_type)), or is the
// focal resource itself. One IN (subquery ... UNION ALL ...) rather than an OR, so that both
// planners drive from the subquery instead of scanning every resource.
internal static class CompartmentSql
{
    /// <summary>Appends <c> AND r.res_key IN (...)</c> restricting <c>r</c> to the compartment.</summary>
    public static void Append(StringBuilder sql, SqlParams p, CompartmentFilter compartment, string? resourceType)
    {
        var focal = resourceType is null || resourceType == compartment.Type;
        if (compartment.Codes.Count == 0 && !focal)
        {
            sql.Append(" AND 1 = 0");
            return;
        }
        sql.Append(" AND r.res_key IN (");
        if (compartment.Codes.Count > 0)
        {
            sql.Append("SELECT x.res_key FROM idx_reference x WHERE x.code IN (");
            for (var i = 0; i < compartment.Codes.Count; i++)
            {
                if (i > 0) sql.Append(", ");
                sql.Append(p.Add(compartment.Codes[i]));
            }
            sql.Append(") AND x.target_id = ").Append(p.Add(compartment.Id))
                .Append(" AND x.target_type = ").Append(p.Add(compartment.Type));
            if (focal) sql.Append(" UNION ALL ");
        }
        if (focal)
        {
            sql.Append("SELECT f.res_key FROM resource f WHERE f.res_type = ").Append(p.Add(compartment.Type))
                .Append(" AND f.res_id = ").Append(p.Add(compartment.Id));
        }
        sql.Append(')');
    }
}
