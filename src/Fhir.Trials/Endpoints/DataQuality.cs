using System.Globalization;
using Fhir.Trials.Eligibility;
using Fhir.Trials.Model;
using Fhir.Trials.Statistics;

namespace Fhir.Trials.Endpoints;

/// <summary>
/// Finds the facts that contradict each other or keep an endpoint from being computed, for the participants whose
/// outcomes are reported: they go out with the figures as warnings, and nothing is dropped because of them.
/// </summary>
internal static class DataQuality
{
    public static IReadOnlyList<DataIssue> Find(TrialData data, IReadOnlyList<SubjectOutcome> outcomes, DateOnly? cutoff)
    {
        var issues = new List<DataIssue>();
        if (data.Study.Drug is null)
        {
            issues.Add(new DataIssue(DataIssueKind.NoStudyDrug, null,
                $"ResearchStudy/{data.Study.Id} declares no study drug (extension study-drug): no administration counts as a dose, so nobody is treated.",
                [$"ResearchStudy/{data.Study.Id}"]));
        }
        var shown = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in outcomes)
        {
            shown.Add(o.Subject.Id);
            Check(data.Study, o, cutoff, issues);
        }
        foreach (var issue in data.Issues)
        {
            if ((issue.SubjectId is null || shown.Contains(issue.SubjectId)) && !(issue.Date > cutoff))
            {
                issues.Add(issue);
            }
        }
        issues.Sort(static (x, y) =>
            string.CompareOrdinal(x.SubjectId, y.SubjectId) is var s && s != 0 ? s
            : x.Kind != y.Kind ? x.Kind.CompareTo(y.Kind)
            : string.CompareOrdinal(x.Message, y.Message));
        return issues;
    }

    private static void Check(TrialStudy study, SubjectOutcome o, DateOnly? cutoff, List<DataIssue> issues)
    {
        var subject = o.Subject;
        var me = $"ResearchSubject/{subject.Id}";
        void Add(DataIssueKind kind, string message, params string[] references) =>
            issues.Add(new DataIssue(kind, subject.Id, $"{me}: {message}", [me, .. references]));

        if (subject.Arm is not { } arm || !study.Arms.Contains(arm))
        {
            Add(DataIssueKind.UnknownArm, $"the arm '{subject.Arm ?? "(none)"}' is not an arm of ResearchStudy/{study.Id}; the participant counts in 'all' only.");
        }
        if (!o.Treated)
        {
            Add(DataIssueKind.NoDose, "no dose of the study drug (completed or in progress, on or after enrolment) by the cut-off: not in the treated population.");
        }

        if (subject.Death is { } death && !(death > cutoff))
        {
            foreach (var a in subject.Assessments)
            {
                if (a.Date > death && !(a.Date > cutoff))
                {
                    Add(DataIssueKind.AfterDeath, $"a {a.Value} assessment on {Text(a.Date)} is after the death on {Text(death)}.", Observation(a.Id));
                }
            }
            foreach (var ae in subject.AdverseEvents)
            {
                if (ae.Date > death && !(ae.Date > cutoff))
                {
                    Add(DataIssueKind.AfterDeath, $"an adverse event ({ae.Display ?? ae.Code}) with onset {Text(ae.Date)} is after the death on {Text(death)}.", ae.Id is null ? [] : [$"AdverseEvent/{ae.Id}"]);
                }
            }
            foreach (var dose in subject.Doses)
            {
                if (dose.IsGiven && dose.Start > death && !(dose.Start > cutoff))
                {
                    Add(DataIssueKind.AfterDeath, $"a dose of the study drug on {Text(dose.Start)} is after the death on {Text(death)}.", $"MedicationAdministration/{dose.Id}");
                }
            }
        }

        if (o.Exposure.FirstDose is { } first)
        {
            foreach (var a in subject.Assessments)
            {
                if (a.Date <= first)
                {
                    Add(DataIssueKind.BeforeFirstDose, $"a {a.Value} time-point response on {Text(a.Date)} is not after the first dose on {Text(first)}: it is not a post-baseline assessment.", Observation(a.Id));
                }
            }
            if (PriorLine.MostRecent(subject.PriorLines, first) is { } prior)
            {
                if (prior.Days <= 0)
                {
                    Add(DataIssueKind.InvalidPriorLine, $"the prior line's time to progression is {prior.Days.ToString(CultureInfo.InvariantCulture)} days: no GMI.", $"Observation/{prior.Id}");
                }
            }
            else
            {
                Add(DataIssueKind.MissingPriorLine, $"no prior-line time to progression that ended before the first dose on {Text(first)}: no GMI.");
            }
        }

        if (o.AnyResponse && o.ConfirmedResponse is null && o.Ttp.Status != SurvivalStatus.Event)
        {
            Add(DataIssueKind.UnconfirmedResponse, $"a {o.BestResponse} without a confirming CR/PR scan at least {ResponseRules.ConfirmationDays} days later by the cut-off: it counts in BOR, not in ORR.");
        }

        var variants = subject.Variants.Where(v => v.EffectiveUtc is not { } at || !(DateOnly.FromDateTime(at) > cutoff)).ToList();
        foreach (var criterion in EligibilityEvaluator.Evaluate(study.Thresholds, variants).Criteria)
        {
            if (criterion.Conflicts.Count > 0)
            {
                Add(DataIssueKind.ConflictingGenomicResults, $"{criterion.Name}: {criterion.Reason}", [.. criterion.Evidence]);
            }
        }
    }

    private static string[] Observation(string? id) => id is null ? [] : [$"Observation/{id}"];

    private static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
