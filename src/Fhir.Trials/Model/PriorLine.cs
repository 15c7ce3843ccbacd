namespace Fhir.Trials.Model;

/// <summary>A prior line of treatment's time to progression (a <c>prior-line-ttp</c> Observation).</summary>
/// <param name="Id">The Observation's logical id.</param>
/// <param name="Ended">When the line ended (<c>effectivePeriod.end</c>, else <c>effectiveDateTime</c>); null when undated.</param>
/// <param name="Days">Its time to progression in days.</param>
public sealed record PriorLine(string Id, DateOnly? Ended, double Days)
{
    /// <summary>
    /// The most recent line that ended before <paramref name="firstDose"/>: the latest dated one, else (none dated before it)
    /// an undated one, which counts as prior; the id breaks ties so that every store gives the same answer. Null when none.
    /// </summary>
    public static PriorLine? MostRecent(IReadOnlyList<PriorLine> lines, DateOnly firstDose)
    {
        ArgumentNullException.ThrowIfNull(lines);
        PriorLine? best = null;
        foreach (var line in lines)
        {
            if (line.Ended >= firstDose)
            {
                continue;
            }
            if (best is null || Compare(line, best) > 0)
            {
                best = line;
            }
        }
        return best;
    }

    // Later dated lines rank higher; undated ones below every dated one; then the smaller id.
    private static int Compare(PriorLine x, PriorLine y) =>
        (x.Ended, y.Ended) switch
        {
            ({ } a, { } b) when a != b => a.CompareTo(b),
            ({ }, null) => 1,
            (null, { }) => -1,
            _ => string.CompareOrdinal(y.Id, x.Id),
        };
}
