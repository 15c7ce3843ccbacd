using Fhir.Trials.Eligibility;
using Fhir.Trials.Model;
using Fhir.Trials.Statistics;

namespace Fhir.Trials.Endpoints;

/// <summary>
/// RECIST 1.1 and the protocol's definitions (<c>domain.md</c>), per participant: which assessments count
/// (post-baseline, by the cut-off, up to the first progression), confirmation, best response, disease control, and the
/// PFS, OS, DOR and TTP times, the GMI and the treatment-emergent adverse events. All times are in days from the first dose.
/// </summary>
public static class ResponseRules
{
    /// <summary>A response is confirmed by a second CR/PR at least this many days later (4 weeks).</summary>
    public const int ConfirmationDays = 28;

    /// <summary>Stable disease counts for disease control from this many days after the first dose (16 weeks).</summary>
    public const int DiseaseControlDays = 16 * 7;

    /// <summary>Adverse events are treatment-emergent up to this many days after the last dose.</summary>
    public const int TreatmentEmergentDays = 30;

    /// <summary>The GMI at or above which the prior line is beaten (Von Hoff's 1.33).</summary>
    public const double GmiThreshold = 1.33;

    /// <summary>
    /// The participant's outcome with data up to <paramref name="cutoff"/> (inclusive; null for all data). Assessments,
    /// doses, adverse events and a death after the cut-off are ignored.
    /// </summary>
    public static SubjectOutcome Evaluate(TrialSubject subject, TrialStudy study, DateOnly? cutoff)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(study);
        var exposure = Exposure.Of(subject, cutoff);
        var origin = exposure.FirstDose ?? subject.Enrolled;
        var assessments = Counted(subject, origin, cutoff);
        var death = subject.Death is { } d && !(d > cutoff) ? d : (DateOnly?)null;

        var progression = assessments.Count > 0 && assessments[^1].Value == Response.PD ? assessments[^1].Date : (DateOnly?)null;
        var lastAdequate = origin;
        foreach (var a in assessments)
        {
            if (a.Value != Response.NE)
            {
                lastAdequate = a.Date;
            }
        }
        var pfs = EventOrCensored(origin, Earliest(progression, death), lastAdequate);
        var ttp = EventOrCensored(origin, progression, lastAdequate);
        var os = EventOrCensored(origin, death, LastKnownAlive(subject, cutoff) ?? origin);

        var (confirmed, responseStart) = Confirmation(assessments);
        SurvivalTime? dor = confirmed is not null ? EventOrCensored(responseStart!.Value, Earliest(progression, death), lastAdequate) : null;

        Response? best = null;
        var longStable = false;
        foreach (var a in assessments)
        {
            best = best is null || a.Value < best ? a.Value : best;
            longStable |= a.Value is Response.CR or Response.PR or Response.SD && Days(origin, a.Date) >= DiseaseControlDays;
        }

        var evaluable = exposure.Treated && assessments.Count > 0 && MeetsDeclaredCriterion(subject, study);
        return new SubjectOutcome(
            subject,
            exposure,
            evaluable,
            best,
            confirmed,
            confirmed is not null || longStable,
            TumourBurden.BestPercentChange(subject.Lesions, origin, progression ?? cutoff),
            pfs,
            os,
            dor,
            ttp,
            Gmi(subject, origin, ttp),
            exposure.Treated ? TreatmentEmergent(subject, exposure, cutoff) : []);
    }

    /// <summary>
    /// Post-baseline assessments (after the first dose) up to the cut-off, in date order, ending at the first PD:
    /// RECIST stops counting responses at progression.
    /// </summary>
    internal static List<ResponseAssessment> Counted(TrialSubject subject, DateOnly origin, DateOnly? cutoff)
    {
        var list = new List<ResponseAssessment>();
        foreach (var a in subject.Assessments)
        {
            if (a.Date > origin && !(a.Date > cutoff))
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

    /// <summary>
    /// The best confirmed response and the date of the first CR/PR. A CR/PR is confirmed by a later CR/PR at least 28 days
    /// on; SD or NE in between do not break it, a PD does (the list ends at the first PD). A CR needs CR at every CR/PR
    /// assessment from the first to the confirming one to stay a CR.
    /// </summary>
    internal static (Response? Best, DateOnly? Start) Confirmation(IReadOnlyList<ResponseAssessment> assessments)
    {
        Response? best = null;
        DateOnly? firstResponse = null;
        for (var i = 0; i < assessments.Count; i++)
        {
            var first = assessments[i];
            if (first.Value is not (Response.CR or Response.PR))
            {
                continue;
            }
            firstResponse ??= first.Date;
            var allComplete = first.Value == Response.CR;
            for (var j = i + 1; j < assessments.Count; j++)
            {
                var next = assessments[j];
                if (next.Value == Response.PD)
                {
                    break;
                }
                if (next.Value is not (Response.CR or Response.PR))
                {
                    continue;
                }
                allComplete &= next.Value == Response.CR;
                if (Days(first.Date, next.Date) >= ConfirmationDays)
                {
                    var level = allComplete ? Response.CR : Response.PR;
                    best = best is null || level < best ? level : best;
                    break;
                }
            }
        }
        // Once any CR/PR is confirmed, so is the first one (a later confirming scan is at least as far from it).
        return (best, best is null ? null : firstResponse);
    }

    /// <summary>
    /// The last date the patient was known alive, up to the cut-off: any assessment, adverse event onset, dose start and
    /// end (a dose in progress counts its start), encounter or declared last contact; a death after the cut-off means
    /// alive at the cut-off. Null when no fact is dated.
    /// </summary>
    internal static DateOnly? LastKnownAlive(TrialSubject subject, DateOnly? cutoff)
    {
        DateOnly? last = null;
        void Seen(DateOnly? date)
        {
            if (date is { } d && !(d > cutoff) && !(d <= last))
            {
                last = d;
            }
        }
        foreach (var a in subject.Assessments)
        {
            Seen(a.Date);
        }
        foreach (var ae in subject.AdverseEvents)
        {
            Seen(ae.Date);
        }
        foreach (var dose in subject.Doses)
        {
            if (dose.IsGiven)
            {
                Seen(dose.Start);
                Seen(dose.Status == DoseStatus.Completed ? dose.End : null);
            }
        }
        foreach (var date in subject.ContactDates)
        {
            Seen(date);
        }
        if (cutoff is { } c && subject.Death > c)
        {
            Seen(c);
        }
        return last;
    }

    /// <summary>
    /// Onset on or after the first dose and no later than 30 days after the last dose (up to the cut-off while treatment
    /// is ongoing); never after the cut-off.
    /// </summary>
    internal static List<AdverseEventRecord> TreatmentEmergent(TrialSubject subject, Exposure exposure, DateOnly? cutoff)
    {
        var list = new List<AdverseEventRecord>();
        var until = cutoff;
        if (!exposure.Ongoing && exposure.LastDose is { } last && !(last.AddDays(TreatmentEmergentDays) > cutoff))
        {
            until = last.AddDays(TreatmentEmergentDays);
        }
        foreach (var ae in subject.AdverseEvents)
        {
            if (ae.Date >= exposure.FirstDose && !(ae.Date > until))
            {
                list.Add(ae);
            }
        }
        return list;
    }

    private static GmiOutcome? Gmi(TrialSubject subject, DateOnly origin, SurvivalTime ttp)
    {
        if (PriorLine.MostRecent(subject.PriorLines, origin) is not { Days: > 0 } prior)
        {
            return null;
        }
        var ratio = ttp.Time / prior.Days;
        // A censored time bounds the GMI from below: reaching 1.33 settles it, staying below leaves it open.
        var status = ratio >= GmiThreshold ? GmiStatus.Success
            : ttp.Status == SurvivalStatus.Event ? GmiStatus.Failure
            : GmiStatus.NotDeterminable;
        return new GmiOutcome(prior, ratio, status);
    }

    // The declared narrowing of the efficacy-evaluable population: the biomarker criteria met by the results of the
    // named laboratory alone (the published trial's "centrally confirmed" molecular testing).
    private static bool MeetsDeclaredCriterion(TrialSubject subject, TrialStudy study)
    {
        if (study.BiomarkerLaboratory is not { } laboratory)
        {
            return true;
        }
        var confirming = subject.Variants.Where(v => v.Performers.Contains(laboratory, StringComparer.Ordinal)).ToList();
        return EligibilityEvaluator.Evaluate(study.Thresholds, confirming).Eligible;
    }

    private static DateOnly? Earliest(DateOnly? a, DateOnly? b) => (a, b) switch
    {
        ({ } x, { } y) => x <= y ? x : y,
        ({ } x, null) => x,
        _ => b,
    };

    private static SurvivalTime EventOrCensored(DateOnly origin, DateOnly? eventDate, DateOnly censorDate) =>
        eventDate is { } e
            ? new SurvivalTime(Math.Max(0, Days(origin, e)), SurvivalStatus.Event)
            : new SurvivalTime(Math.Max(0, Days(origin, censorDate)), SurvivalStatus.Censored);

    internal static int Days(DateOnly from, DateOnly to) => to.DayNumber - from.DayNumber;
}
