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

    /// <summary>Enrolled patients who withdraw before the first dose.</summary>
    private const double NeverDosedShare = 0.04;

    /// <summary>Scans that cannot be read (time-point response NE).</summary>
    private const double NotEvaluableScanShare = 0.04;

    /// <summary>Enrolled patients who took part in the registry-based study before.</summary>
    private const double RegistryShare = 0.15;

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
            History(random, patient);
            FollowUp(random, patient, cutoff);
            Measure(random, patient);
            ConfirmCentrally(random, patient, cutoff);
        }
        return patient;
    }

    // Before the study: a prior line (sometimes chemotherapy recorded as administrations), and for some patients an
    // earlier participation in the registry-based study with the same drug, which then is the most recent prior line.
    private static void History(TrialRandom random, PatientCourse patient)
    {
        if (random.Chance(RegistryShare))
        {
            var start = patient.ScreeningDate.AddDays(-random.Between(240, 420));
            var firstDose = start.AddDays(random.Between(5, 14));
            var progression = firstDose.AddDays(random.Between(60, 180));
            var registry = new RegistryCourse { Start = start, FirstDose = firstDose, Progression = progression, End = progression.AddDays(random.Between(3, 10)) };
            for (var cycle = firstDose; cycle <= registry.End; cycle = cycle.AddDays(28))
            {
                var end = cycle.AddDays(16);
                registry.Cycles.Add((cycle, end > registry.End ? registry.End : end));
            }
            for (var k = 1; ; k++)
            {
                var date = firstDose.AddDays(56 * k + random.Between(-5, 5));
                if (date >= progression)
                {
                    registry.Assessments.Add((progression, "PD"));
                    break;
                }
                registry.Assessments.Add((date, random.Chance(0.2) ? "PR" : "SD"));
            }
            if (random.Chance(0.5))
            {
                var onset = firstDose.AddDays(random.Between(7, progression.DayNumber - firstDose.DayNumber));
                registry.AdverseEvent = new AdverseEventCourse(0, random.Between(1, 3), onset, Serious: false, "resolved", "none");
            }
            patient.Registry = registry;
        }
        var historyStart = patient.Registry?.Start ?? patient.ScreeningDate;
        patient.PriorLineEnded = historyStart.AddDays(-random.Between(14, 90));
        if (random.Chance(0.2))
        {
            var drug = TrialCodes.PriorDrugs[random.Between(0, TrialCodes.PriorDrugs.Length - 1)];
            patient.PriorChemotherapy = (patient.PriorLineEnded.AddDays(-random.Between(60, 200)), drug.Code, drug.Display);
        }
    }

    // Survival follow-up every 12 weeks (± 7 days) after the end of treatment, for up to 24 months; some sites also
    // declare the last contact on the participation.
    private static void FollowUp(TrialRandom random, PatientCourse patient, DateOnly cutoff)
    {
        if (patient.OffStudy is { } off)
        {
            var until = off.AddDays(730);
            for (var visit = off.AddDays(84 + random.Between(-7, 7)); visit <= cutoff && visit <= until && !(visit >= patient.Death); visit = visit.AddDays(84 + random.Between(-7, 7)))
            {
                patient.FollowUps.Add(visit);
            }
        }
        if (patient.Death is null && random.Chance(0.5))
        {
            var contact = cutoff.AddDays(-random.Between(0, 30));
            patient.LastContact = contact > patient.FirstDose ? contact : null;
        }
    }

    // Target lesions: 1 to 3 at baseline, then one scan per evaluable assessment whose sum of diameters agrees with
    // the RECIST response: CR all gone, PR at least 30% below baseline, PD at least 20% (and 5 mm) above the smallest
    // sum so far, SD in between.
    private static void Measure(TrialRandom random, PatientCourse patient)
    {
        var lesions = random.Between(1, 3);
        for (var i = 0; i < lesions; i++)
        {
            patient.LesionBaseline.Add(random.Between(15, 90));
        }
        var baseline = patient.LesionBaseline.Sum();
        var nadir = baseline;
        foreach (var (_, response) in patient.Assessments)
        {
            int? target = response switch
            {
                "CR" => 0,
                "PR" => (int)Math.Floor(baseline * (0.35 + 0.34 * random.NextDouble())),
                "SD" => Math.Min((int)Math.Ceiling(baseline * (0.71 + 0.4 * random.NextDouble())), (int)Math.Floor(nadir * 1.19)),
                "PD" => Math.Max((int)Math.Ceiling(nadir * (1.25 + 0.35 * random.NextDouble())), nadir + 8),
                _ => null,
            };
            if (target is not { } sum)
            {
                patient.LesionScans.Add(null);
                continue;
            }
            nadir = Math.Min(nadir, sum);
            patient.LesionScans.Add(Split(random, patient.LesionBaseline, sum));
        }
    }

    // Diameters in the proportions of the baseline (with some noise) that add up to exactly the sum.
    private static int[] Split(TrialRandom random, List<int> baseline, int sum)
    {
        var weights = baseline.Select(b => b * (0.8 + 0.4 * random.NextDouble())).ToArray();
        var total = weights.Sum();
        var scan = new int[baseline.Count];
        var left = sum;
        for (var i = 0; i < scan.Length - 1; i++)
        {
            scan[i] = Math.Min(left, (int)Math.Round(sum * weights[i] / total));
            left -= scan[i];
        }
        scan[^1] = left;
        return scan;
    }

    // Most participants' samples go to the central laboratory after enrolment; a few of its results disagree with the
    // local screening result (the efficacy-evaluable population requires the central confirmation).
    private static void ConfirmCentrally(TrialRandom random, PatientCourse patient, DateOnly cutoff)
    {
        if (patient.NeverDosed || !random.Chance(0.8))
        {
            return;
        }
        var date = patient.FirstDose.AddDays(random.Between(14, 60));
        if (date > cutoff)
        {
            return;
        }
        var copies = random.Chance(0.9) ? Math.Round(8 + (decimal)random.LogNormal(6, 0.6), 1) : Math.Round(4 + (decimal)(random.NextDouble() * 3.9), 1);
        patient.Central = random.Chance(0.95) ? (date, copies, "LA9634-2", "Absent") : (date, copies, "LA9633-4", "Present");
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
        if (random.Chance(NeverDosedShare))
        {
            // Withdrew consent before the first dose: a participation without treatment.
            patient.NeverDosed = true;
            var withdrawn = patient.FirstDose.AddDays(random.Between(1, 10));
            patient.OffStudy = withdrawn <= cutoff ? withdrawn : null;
            return;
        }
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
            // Now and then a scan cannot be read (not evaluable).
            patient.Assessments.Add((date, random.Chance(NotEvaluableScanShare) ? "NE" : course switch
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

        // A cycle of 28 days, dosed on days 1-3 and 15-17, from the first dose to the end of treatment; the cycle
        // running at the cut-off is in progress.
        var lastDay = patient.OffStudy ?? cutoff;
        for (var cycle = patient.FirstDose; cycle <= lastDay && !(cycle > patient.Death); cycle = cycle.AddDays(28))
        {
            var end = cycle.AddDays(16);
            patient.Cycles.Add((cycle, patient.OffStudy is { } stop ? (end > stop ? stop : end) : end > cutoff ? null : end));
        }
        if (random.Chance(0.05))
        {
            patient.DoseInError = patient.FirstDose.AddDays(-random.Between(1, 5));
        }
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
