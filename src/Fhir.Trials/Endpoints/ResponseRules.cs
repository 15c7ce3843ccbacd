using Fhir.Trials.Model;
using Fhir.Trials.Statistics;

namespace Fhir.Trials.Endpoints;

/// <summary>
/// RECIST 1.1 as the protocol applies it, per participant: which assessments count (post-baseline,
/// on or before the cut-off, up to the first progression), confirmation, disease control, and the
/// PFS and DOR times. All times are in days.
/// </summary>
public static class ResponseRules
{
    /// <summary>A response is confirmed by a second CR/PR at least this many days later.</summary>
    public const int ConfirmationDays = 28;

    /// <summary>Stable disease counts for disease control from this many days after the first dose (16 weeks).</summary>
    public const int DiseaseControlDays = 16 * 7;

    /// <summary>The GMI at or above which the prior line is beaten (Von Hoff's 1.33).</summary>
    public const double GmiThreshold = 1.33;

    /// <summary>
    /// The participant's outcome with data up to <paramref name="cutoff"/> (inclusive; null for all data).
    /// Assessments and a death after the cut-off are ignored, so a participant without an event by then
    /// is censored at the last assessment before it.
    /// </summary>
    public static SubjectOutcome Evaluate(TrialSubject subject, DateOnly? cutoff)
    {
        var start = Exposure.Of(subject, cutoff).FirstDose ?? subject.Enrolled;
        var assessments = Counted(subject, start, cutoff);
        var death = subject.Death is { } d && (cutoff is null || d <= cutoff) ? d : (DateOnly?)null;

        var progression = assessments.Count > 0 && assessments[^1].Value == Response.PD ? assessments[^1].Date : (DateOnly?)null;
        var lastAssessment = assessments.Count > 0 ? assessments[^1].Date : start;
        var pfs = EventOrCensored(start, progression, death, lastAssessment);

        var (confirmed, responseStart) = Confirmation(assessments);
        SurvivalTime? dor = confirmed is not null ? EventOrCensored(responseStart!.Value, progression, death, lastAssessment) : null;

        var anyResponse = false;
        var longStable = false;
        foreach (var a in assessments)
        {
            anyResponse |= a.Value is Response.CR or Response.PR;
            longStable |= a.Value is Response.CR or Response.PR or Response.SD && Days(start, a.Date) >= DiseaseControlDays;
        }

        var prior = PriorLine.MostRecent(subject.PriorLines, start);
        double? gmi = prior is { Days: > 0 } && assessments.Count > 0 ? pfs.Time / prior.Days : null;
        return new SubjectOutcome(subject, assessments.Count > 0, confirmed, anyResponse, confirmed is not null || longStable, pfs, dor, gmi);
    }

    // Post-baseline assessments up to the cut-off, in date order, ending at the first PD:
    // RECIST stops counting responses at progression.
    private static List<ResponseAssessment> Counted(TrialSubject subject, DateOnly start, DateOnly? cutoff)
    {
        var list = new List<ResponseAssessment>();
        foreach (var a in subject.Assessments)
        {
            if (a.Date > start && (cutoff is null || a.Date <= cutoff))
            {
                list.Add(a);
            }
        }
        list.Sort(static (x, y) => x.Date.CompareTo(y.Date) is var c && c != 0 ? c : x.Value.CompareTo(y.Value));
        var pd = list.FindIndex(a => a.Value == Response.PD);
        if (pd >= 0)
        {
            list.RemoveRange(pd + 1, list.Count - pd - 1);
        }
        return list;
    }

    // The best confirmed response and the date of the CR/PR it starts from. A CR/PR is confirmed by a
    // later CR/PR at least 28 days on, with only CR, PR or NE between (SD in between breaks it);
    // a CR needs CR throughout to stay a CR.
    private static (Response? Best, DateOnly? Start) Confirmation(List<ResponseAssessment> assessments)
    {
        Response? best = null;
        DateOnly? start = null;
        for (var i = 0; i < assessments.Count; i++)
        {
            var first = assessments[i];
            if (first.Value is not (Response.CR or Response.PR))
            {
                continue;
            }
            var allComplete = first.Value == Response.CR;
            for (var j = i + 1; j < assessments.Count; j++)
            {
                var next = assessments[j];
                if (next.Value is Response.SD or Response.PD)
                {
                    break;
                }
                if (next.Value == Response.NE)
                {
                    continue;
                }
                allComplete &= next.Value == Response.CR;
                if (Days(first.Date, next.Date) >= ConfirmationDays)
                {
                    var level = allComplete ? Response.CR : Response.PR;
                    start ??= first.Date;
                    best = best is null || level < best ? level : best;
                    break;
                }
            }
        }
        return (best, start);
    }

    private static SurvivalTime EventOrCensored(DateOnly origin, DateOnly? progression, DateOnly? death, DateOnly lastAssessment)
    {
        DateOnly? eventDate = (progression, death) switch
        {
            ({ } p, { } dd) => p <= dd ? p : dd,
            ({ } p, null) => p,
            (null, { } dd) => dd,
            _ => null,
        };
        return eventDate is { } e
            ? new SurvivalTime(Math.Max(0, Days(origin, e)), SurvivalStatus.Event)
            : new SurvivalTime(Math.Max(0, Days(origin, lastAssessment)), SurvivalStatus.Censored);
    }

    private static int Days(DateOnly from, DateOnly to) => to.DayNumber - from.DayNumber;
}
