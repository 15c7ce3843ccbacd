namespace Fhir.Trials.Generation;

/// <summary>
/// Draws each patient's course. The shares are those reported for milademetan in MDM2-amplified, TP53 wild-type
/// solid tumours: confirmed ORR about 17%, disease control about 55%, median PFS about 3.5 months, and
/// thrombocytopenia as the most frequent adverse event, often grade 3 or 4.
/// </summary>
internal static class TrialSimulation
{
    /// <summary>Days over which patients are screened; the cut-off follows the last screening by <see cref="FollowUpDays"/>.</summary>
    public const int AccrualDays = 540;

    public const int FollowUpDays = 240;

    private enum Course { ConfirmedComplete, ConfirmedPartial, UnconfirmedPartial, Stable, Progressive, NotEvaluable }

    // ConfirmedComplete, ConfirmedPartial, UnconfirmedPartial, Stable, Progressive, NotEvaluable.
    private static readonly double[] CourseWeights = [0.02, 0.17, 0.04, 0.43, 0.29, 0.05];

    public static DateOnly Cutoff(DateOnly studyStart) => studyStart.AddDays(AccrualDays + FollowUpDays);

    public static PatientCourse Simulate(TrialRandom random, int number, int seed, DateOnly studyStart)
    {
        var cutoff = Cutoff(studyStart);
        var basketWeights = TrialCodes.Baskets.Select(b => b.Weight).ToArray();
        var screening = studyStart.AddDays(random.Between(0, AccrualDays));
        var patient = new PatientCourse
        {
            Number = number,
            Key = $"S{seed}-P{number:D4}",
            Gender = random.Chance(0.5) ? "female" : "male",
            BirthDate = screening.AddDays(-random.Between(35 * 365, 80 * 365)),
            Basket = random.Pick(basketWeights),
            ScreeningDate = screening,
        };
        Screen(random, patient);
        patient.PriorLineTtp = random.Chance(0.7)
            ? (Math.Round((decimal)random.LogNormal(4.0, 0.5), 1), "mo")
            : ((decimal)Math.Round(random.LogNormal(120, 0.5)), "d");
        var latestMdm2 = patient.Mdm2.MaxBy(r => r.Date)!;
        var latestTp53 = patient.Tp53.MaxBy(r => r.Date);
        patient.Enrolled = latestMdm2.CopyNumber >= 8 && latestTp53.Code == "LA9634-2";
        if (patient.Enrolled)
        {
            Treat(random, patient, cutoff);
        }
        return patient;
    }

    private static void Screen(TrialRandom random, PatientCourse patient)
    {
        var testDate = patient.ScreeningDate.AddDays(-random.Between(0, 10));
        switch (random.Pick([0.80, 0.12, 0.04, 0.04]))
        {
            case 0: // amplified
                patient.Mdm2.Add(new(testDate, Math.Round(8 + (decimal)random.LogNormal(7, 0.7), 1)));
                break;
            case 1: // gained, below the threshold
                patient.Mdm2.Add(new(testDate, Math.Round(3 + (decimal)(random.NextDouble() * 4.9), 1)));
                break;
            case 2: // reported as a range: cannot decide eligibility
                var low = random.Between(5, 10);
                patient.Mdm2.Add(new(testDate, null, low, low + random.Between(4, 10)));
                break;
            default: // a repeat test that disagrees with the first; the most recent one decides
                var below = Math.Round(5 + (decimal)(random.NextDouble() * 2.9), 1);
                var above = Math.Round(8 + (decimal)random.LogNormal(5, 0.5), 1);
                var firstBelow = random.Chance(0.6);
                patient.Mdm2.Add(new(testDate.AddDays(-random.Between(20, 60)), firstBelow ? below : above));
                patient.Mdm2.Add(new(testDate, firstBelow ? above : below));
                break;
        }
        var tp53 = random.Pick([0.88, 0.08, 0.04]);
        patient.Tp53.Add(tp53 switch
        {
            0 => (testDate, "LA9634-2", "Absent"),
            1 => (testDate, "LA9633-4", "Present"),
            _ => (testDate, "LA18198-4", "No call"),
        });
    }

    private static void Treat(TrialRandom random, PatientCourse patient, DateOnly cutoff)
    {
        patient.FirstDose = patient.ScreeningDate.AddDays(random.Between(7, 21));
        var course = (Course)random.Pick(CourseWeights);
        // Day (from first dose) on which the disease progresses.
        var progressionDay = course switch
        {
            Course.Progressive => random.Between(30, 50),
            // A quarter of stable patients progress at the 16-week scan; the rest stay controlled for at least 16 weeks.
            Course.Stable => random.Chance(0.25) ? random.Between(60, 100) : 115 + (int)random.Exponential(110),
            Course.UnconfirmedPartial => random.Between(70, 105),
            Course.NotEvaluable => int.MaxValue,
            _ => 130 + (int)random.Exponential(260),
        };
        DateOnly? offStudy = course == Course.NotEvaluable ? patient.FirstDose.AddDays(random.Between(15, 50)) : null;
        if (course == Course.NotEvaluable && random.Chance(0.4))
        {
            patient.Death = offStudy; // early death before the first assessment
        }

        // Adverse events first: one that makes the drug withdrawn ends treatment before the disease does.
        foreach (var ae in DrawAdverseEvents(random, patient.FirstDose, cutoff))
        {
            patient.AdverseEvents.Add(ae);
            if (ae.Action == "drug-withdrawn" && (offStudy is null || ae.Onset < offStudy))
            {
                offStudy = ae.Onset.AddDays(random.Between(2, 7));
            }
        }

        var firstPartialAt = course == Course.ConfirmedPartial && random.Chance(0.3) ? 2 : 1;
        for (var k = 1; ; k++)
        {
            var date = patient.FirstDose.AddDays(56 * k + random.Between(-5, 5));
            if (date > cutoff || (offStudy is { } off && date > off))
            {
                break;
            }
            if (date.DayNumber - patient.FirstDose.DayNumber >= progressionDay)
            {
                patient.Assessments.Add((date, "PD"));
                patient.Progression = date;
                break;
            }
            patient.Assessments.Add((date, course switch
            {
                Course.ConfirmedComplete => k == 1 ? "PR" : "CR",
                Course.ConfirmedPartial or Course.UnconfirmedPartial => k >= firstPartialAt ? "PR" : "SD",
                _ => "SD",
            }));
        }

        if (patient.Progression is { } progression)
        {
            var end = progression.AddDays(random.Between(3, 14));
            offStudy = offStudy is { } earlier && earlier < end ? earlier : end;
            var death = progression.AddDays(20 + (int)random.Exponential(240));
            patient.Death ??= death <= cutoff ? death : null;
        }
        else if (offStudy is { } stopped && patient.Death is null)
        {
            var death = stopped.AddDays(30 + (int)random.Exponential(400));
            patient.Death = death <= cutoff ? death : null;
        }
        patient.OffStudy = offStudy is { } o && o <= cutoff ? o : null;
        // Nothing is recorded after treatment ends: drop adverse events that began later.
        var treatmentEnd = patient.OffStudy ?? patient.Progression ?? cutoff;
        patient.AdverseEvents.RemoveAll(ae => ae.Onset > treatmentEnd);
    }

    private static IEnumerable<AdverseEventCourse> DrawAdverseEvents(TrialRandom random, DateOnly firstDose, DateOnly cutoff)
    {
        var events = new List<AdverseEventCourse>();
        for (var term = 0; term < TrialCodes.AeTerms.Length; term++)
        {
            var spec = TrialCodes.AeTerms[term];
            if (!random.Chance(spec.Incidence))
            {
                continue;
            }
            var grade = random.Pick(spec.GradeWeights) + 1;
            var onset = firstDose.AddDays(random.Between(7, 150));
            if (onset > cutoff)
            {
                continue;
            }
            var serious = random.Chance(grade switch { 4 => 0.6, 3 => 0.25, _ => 0.03 });
            var action = grade switch
            {
                4 => new[] { "drug-withdrawn", "dose-reduced", "dose-interrupted" }[random.Pick([0.35, 0.35, 0.30])],
                3 => new[] { "drug-withdrawn", "dose-reduced", "dose-interrupted", "none" }[random.Pick([0.08, 0.32, 0.45, 0.15])],
                _ => new[] { "none", "dose-interrupted", "dose-reduced" }[random.Pick([0.80, 0.15, 0.05])],
            };
            var outcome = onset.AddDays(30) > cutoff
                ? "ongoing"
                : new[] { "resolved", "recovering", "resolvedWithSequelae" }[random.Pick([0.85, 0.10, 0.05])];
            events.Add(new(term, grade, onset, serious, outcome, action));
        }
        events.Sort((a, b) => a.Onset.CompareTo(b.Onset));
        return events;
    }
}
