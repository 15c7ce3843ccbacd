using System.Globalization;
using System.Text;

namespace Fhir.Core.Primitives;

/// <summary>The ISO 8601 text of the date and time parts of a partial date/time, shared by FHIR and FHIRPath values.</summary>
public static class DateTimeFormat
{
    /// <summary>Appends <c>YYYY[-MM[-DD[Thh[:mm[:ss]]]]]</c> up to <paramref name="precision"/> (fractions and offsets are the caller's).</summary>
    public static StringBuilder AppendThroughSeconds(
        StringBuilder sb, int year, int month, int day, int hour, int minute, int second, DateTimePrecision precision)
    {
        ArgumentNullException.ThrowIfNull(sb);
        sb.Append(year.ToString("D4", CultureInfo.InvariantCulture));
        if (precision >= DateTimePrecision.Month)
        {
            sb.Append('-').Append(month.ToString("D2", CultureInfo.InvariantCulture));
        }
        if (precision >= DateTimePrecision.Day)
        {
            sb.Append('-').Append(day.ToString("D2", CultureInfo.InvariantCulture));
        }
        if (precision >= DateTimePrecision.Hour)
        {
            sb.Append('T').Append(hour.ToString("D2", CultureInfo.InvariantCulture));
        }
        if (precision >= DateTimePrecision.Minute)
        {
            sb.Append(':').Append(minute.ToString("D2", CultureInfo.InvariantCulture));
        }
        if (precision >= DateTimePrecision.Second)
        {
            sb.Append(':').Append(second.ToString("D2", CultureInfo.InvariantCulture));
        }
        return sb;
    }
}
