using Fhir.Trials.Model;

namespace Fhir.Trials.Endpoints;

/// <summary>
/// Treatment-emergent adverse events of the treated participants per MedDRA term, each participant counted once per
/// term by the worst grade, plus an "any adverse event" row over every term.
/// </summary>
internal static class SafetyTable
{
    public static SafetySummary Build(IReadOnlyList<SubjectOutcome> treated)
    {
        var terms = new Dictionary<(string System, string Code), Tally>();
        var any = new Tally();
        foreach (var o in treated)
        {
            // Per participant: the worst grade and any serious/discontinuing event of each term, and over all terms.
            var mine = new Dictionary<(string, string), Worst>();
            var overall = new Worst();
            foreach (var ae in o.TreatmentEmergent)
            {
                var key = (ae.System, ae.Code);
                mine[key] = mine.GetValueOrDefault(key).With(ae);
                overall = overall.With(ae);
            }
            foreach (var (key, worst) in mine)
            {
                if (!terms.TryGetValue(key, out var tally))
                {
                    terms[key] = tally = new Tally();
                }
                tally.Add(worst);
            }
            if (mine.Count > 0)
            {
                any.Add(overall);
            }
        }
        var rows = terms.Select(t => t.Value.Row(t.Key.System, t.Key.Code)).ToList();
        // The usual table order: most frequent first; the code keeps ties stable whatever the storage order.
        rows.Sort(static (x, y) => y.AnyGrade != x.AnyGrade ? y.AnyGrade.CompareTo(x.AnyGrade)
            : string.CompareOrdinal(x.Code, y.Code) is var c && c != 0 ? c : string.CompareOrdinal(x.System, y.System));
        return new SafetySummary(treated.Count, any.Row(null, null), rows);
    }

    // A display chosen independently of the order the events were read in.
    private static string? Smaller(string? a, string? b) => a is null ? b : b is null ? a : string.CompareOrdinal(a, b) <= 0 ? a : b;

    private readonly record struct Worst(int Grade, bool Serious, bool Discontinued, string? Display)
    {
        public Worst With(AdverseEventRecord ae) =>
            new(Math.Max(Grade, ae.Grade ?? 0), Serious || ae.IsSerious, Discontinued || ae.LedToDiscontinuation, Smaller(Display, ae.Display));
    }

    private sealed class Tally
    {
        private int _anyGrade, _grade3, _grade4, _grade5, _serious, _discontinuation;
        private string? _display;

        public void Add(Worst worst)
        {
            _anyGrade++;
            _grade3 += worst.Grade == 3 ? 1 : 0;
            _grade4 += worst.Grade == 4 ? 1 : 0;
            _grade5 += worst.Grade == 5 ? 1 : 0;
            _serious += worst.Serious ? 1 : 0;
            _discontinuation += worst.Discontinued ? 1 : 0;
            _display = Smaller(_display, worst.Display);
        }

        public SafetyRow Row(string? system, string? code) =>
            new(system, code, code is null ? null : _display, _anyGrade, _grade3, _grade4, _grade5, _grade3 + _grade4 + _grade5, _serious, _discontinuation);
    }
}
