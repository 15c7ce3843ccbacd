using System.Text;
using Fhir.Storage.Access;

namespace Fhir.Storage.Sql;

// The SQL of a ReadScope, appended to every statement that reads stored data, on every alias whose rows could reach
// the reader (the matches, the resources chains and _has traverse, included resources, history rows):
//   types    ` AND <type column> IN (...)` (or 1 = 0 for a known type outside the scope)
//   patient  ` AND EXISTS (SELECT 1 FROM patient_compartment pc WHERE pc.seq = <version seq> AND pc.patient_id = @p)`:
//            the membership written with that very version, so history rows and tombstones are judged as they were.
// The main alias of a search confined to a patient drives from the patient's rows instead (`<seq> IN (SELECT ...)`),
// which is small, rather than probing every match of its criteria.
internal static class ScopeSql
{
    /// <summary>Appends the type limit of <paramref name="types"/> (null: none) on <paramref name="typeColumn"/>, the column of a row whose type may be <paramref name="knownType"/>.</summary>
    public static void AppendTypes(StringBuilder sql, SqlParams p, IReadOnlySet<string>? types, string typeColumn, string? knownType)
    {
        if (types is null) return;
        if (knownType is not null)
        {
            if (!types.Contains(knownType)) sql.Append(" AND 1 = 0");
            return;
        }
        AppendIn(sql.Append(" AND ").Append(typeColumn), p, types);
    }

    /// <summary>
    /// Appends the patient limit of <paramref name="scope"/> for rows whose version is <paramref name="seqColumn"/> and
    /// type <paramref name="typeColumn"/> (<paramref name="knownType"/> when the statement fixes it). As a driver, the
    /// patient's rows lead.
    /// </summary>
    public static void AppendPatient(StringBuilder sql, SqlParams p, ReadScope scope, string seqColumn, string typeColumn, string? knownType, bool drive = false)
    {
        if (scope.Patient is not { } patient) return;
        if (knownType is not null && !scope.Confines(knownType)) return;
        var free = knownType is null && scope.UnconfinedTypes is { Count: > 0 } unconfined ? unconfined : null;
        sql.Append(" AND ");
        if (free is not null)
        {
            AppendIn(sql.Append('(').Append(typeColumn), p, free);
            sql.Append(" OR ");
        }
        if (drive)
        {
            sql.Append(seqColumn).Append(" IN (SELECT pc.seq FROM patient_compartment pc WHERE pc.patient_id = ").Append(p.Add(patient)).Append(')');
        }
        else
        {
            sql.Append("EXISTS (SELECT 1 FROM patient_compartment pc WHERE pc.seq = ").Append(seqColumn).Append(" AND pc.patient_id = ").Append(p.Add(patient)).Append(')');
        }
        if (free is not null) sql.Append(')');
    }

    /// <summary>Both limits, for rows that are returned as they are (reads, history, includes).</summary>
    public static void AppendReadable(StringBuilder sql, SqlParams p, ReadScope scope, string seqColumn, string typeColumn, string? knownType)
    {
        AppendTypes(sql, p, scope.ReadTypes, typeColumn, knownType);
        AppendPatient(sql, p, scope, seqColumn, typeColumn, knownType);
    }

    private static void AppendIn(StringBuilder sql, SqlParams p, IReadOnlySet<string> values)
    {
        if (values.Count == 0)
        {
            sql.Append(" IN (NULL)");
            return;
        }
        sql.Append(" IN (");
        var first = true;
        // Sorted, so that the same scope gives the same statement text (prepared-statement caches).
        foreach (var value in values.Order(StringComparer.Ordinal))
        {
            if (!first) sql.Append(", ");
            sql.Append(p.Add(value));
            first = false;
        }
        sql.Append(')');
    }
}
