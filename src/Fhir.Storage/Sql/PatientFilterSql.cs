using System.Text;
using Fhir.Search.Queries;

namespace Fhir.Storage.Sql;

// The term of a PatientFilter: the current version of the row has a patient_compartment row (of one of the patients).
// A probe per candidate on the (seq, patient_id) key rather than a driver: the resources of a type are read in key order
// from the type's own index, so an export pages through a type once whatever the number of patients, instead of
// collecting and sorting every match of the patients for each page.
internal static class PatientFilterSql
{
    /// <summary>Appends <c> AND EXISTS (...)</c> holding rows whose current version is <paramref name="seqColumn"/> to <paramref name="filter"/>.</summary>
    public static void Append(StringBuilder sql, SqlParams p, SqlDialect dialect, PatientFilter filter, string seqColumn)
    {
        sql.Append(" AND EXISTS (SELECT 1 FROM patient_compartment pf WHERE pf.seq = ").Append(seqColumn);
        if (filter.Ids is { } ids)
        {
            if (ids.Count == 0)
            {
                sql.Append(" AND 1 = 0)");
                return;
            }
            sql.Append(" AND pf.patient_id IN (").Append(dialect.TextSetSelect(p.Add(dialect.TextSet(ids)))).Append(')');
        }
        sql.Append(')');
    }
}
