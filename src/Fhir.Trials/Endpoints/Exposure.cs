using Fhir.Trials.Model;

namespace Fhir.Trials.Endpoints;

/// <summary>
/// A participant's exposure to the study drug at a cut-off. Only doses of the study drug that were given
/// (<c>completed</c> or <c>in-progress</c>), started on or after enrolment and by the cut-off, count.
/// </summary>
/// <param name="FirstDose">The earliest start of such a dose; null when none was given (not treated).</param>
/// <param name="LastDose">
/// The latest end of a completed dose by the cut-off, else the end of participation (<c>ResearchSubject.period.end</c>)
/// when it is by the cut-off; null when neither is known.
/// </param>
/// <param name="Ongoing">
/// Treatment still runs at the cut-off: a dose is in progress then (including a completed one that ended after it),
/// or neither a completed dose nor the end of participation is known.
/// </param>
public sealed record Exposure(DateOnly? FirstDose, DateOnly? LastDose, bool Ongoing)
{
    /// <summary>Whether at least one dose of the study drug was given by the cut-off (the safety population).</summary>
    public bool Treated => FirstDose is not null;

    /// <summary>The participant's exposure with data up to <paramref name="cutoff"/> (inclusive; null for all data).</summary>
    public static Exposure Of(TrialSubject subject, DateOnly? cutoff)
    {
        ArgumentNullException.ThrowIfNull(subject);
        DateOnly? first = null, lastCompleted = null, runningSince = null;
        foreach (var dose in subject.Doses)
        {
            if (!dose.IsGiven || dose.Start < subject.Enrolled || dose.Start > cutoff)
            {
                continue;
            }
            if (first is null || dose.Start < first)
            {
                first = dose.Start;
            }
            var end = dose.End ?? dose.Start;
            if (dose.Status == DoseStatus.Completed && !(end > cutoff))
            {
                lastCompleted = lastCompleted is { } l && l >= end ? l : end;
            }
            else if (runningSince is null || dose.Start > runningSince)
            {
                // In progress, or completed only after the cut-off: at the cut-off it was being given.
                runningSince = dose.Start;
            }
        }
        var offStudy = subject.OffStudy is { } off && !(off > cutoff) ? off : (DateOnly?)null;
        var last = lastCompleted ?? offStudy;
        // A dose still marked in progress that started before the latest completed one ended is superseded by it.
        var running = runningSince is { } since && (lastCompleted is null || since >= lastCompleted);
        return new Exposure(first, last, running || last is null);
    }
}
