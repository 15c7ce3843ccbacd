using Fhir.Trials.Model;

namespace Fhir.Trials.Endpoints;

/// <summary>Adverse events per MedDRA term, counted once per participant (worst grade per participant).</summary>
internal static class SafetyTable
{
    public static IReadOnlyList<SafetyRow> Build(IReadOnlyList<SubjectOutcome> outcomes, DateOnly? cutoff)
    {
        var terms = new Dictionary<(string System, string Code), Tally>();
        foreach (var o in outcomes)
        {
            // Per participant: the worst grade and any serious/discontinuing event of each term.
            var mine = new Dictionary<(string, string), (int Worst, bool Serious, bool Discontinued, string? Display)>();
            foreach (var ae in o.Subject.AdverseEvents)
            {
                if (cutoff is not null && ae.Date > cutoff)
                {
                    continue;
                }
                var key = (ae.System, ae.Code);
                mine.TryGetValue(key, out var s);
                mine[key] = (Math.Max(s.Worst, ae.Grade ?? 0), s.Serious || ae.IsSerious, s.Discontinued || ae.LedToDiscontinuation, Smaller(s.Display, ae.Display));
            }
            foreach (var (key, s) in mine)
            {
                if (!terms.TryGetValue(key, out var tally))
                {
                    terms[key] = tally = new Tally();
                }
                tally.AnyGrade++;
                tally.Grade3Plus += s.Worst >= 3 ? 1 : 0;
                tally.Serious += s.Serious ? 1 : 0;
                tally.Discontinuation += s.Discontinued ? 1 : 0;
                tally.Display = Smaller(tally.Display, s.Display);
            }
        }
        var rows = terms.Select(t => new SafetyRow(t.Key.System, t.Key.Code, t.Value.Display, t.Value.AnyGrade, t.Value.Grade3Plus, t.Value.Serious, t.Value.Discontinuation)).ToList();
        // The usual table order: most frequent first; the code keeps ties stable whatever the storage order.
        rows.Sort(static (x, y) => y.AnyGrade != x.AnyGrade ? y.AnyGrade.CompareTo(x.AnyGrade)
            : string.CompareOrdinal(x.Code, y.Code) is var c && c != 0 ? c : string.CompareOrdinal(x.System, y.System));
        return rows;
    }

    // A display chosen independently of the order the events were read in.
    private static string? Smaller(string? a, string? b) => a is null ? b : b is null ? a : string.CompareOrdinal(a, b) <= 0 ? a : b;

    private sealed class Tally
    {
        public int AnyGrade;
        public int Grade3Plus;
        public int Serious;
        public int Discontinuation;
        public string? Display;
    }
}
