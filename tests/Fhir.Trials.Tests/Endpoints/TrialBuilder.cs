using Fhir.Trials.Endpoints;
using Fhir.Trials.Model;

namespace Fhir.Trials.Tests.Endpoints;

/// <summary>Hand-built trial models: every date is given as days after a fixed day 0.</summary>
internal static class TrialBuilder
{
    public static readonly DateOnly Day0 = new(2024, 1, 1);

    /// <summary>The study of the hand-built trials: arms A and B, the protocol's thresholds, a declared drug, no cut-off.</summary>
    public static readonly TrialStudy Study = new("s1", ["A", "B"], EligibilityThresholds.Protocol, Cutoff: null)
    {
        Drug = new StudyDrug([new DrugCoding("http://example.org/drugs", "milademetan")], "milademetan"),
    };

    public static DateOnly Day(int days) => Day0.AddDays(days);

    /// <summary>
    /// A subject enrolled and first dosed on day <paramref name="firstDose"/> (a dose in progress since then, so treatment
    /// is ongoing), whose assessments are "day:response" pairs, e.g. "56:PR".
    /// </summary>
    public static TrialSubject Subject(
        string id, string arm = "A", int? death = null, double? priorTtp = null, int firstDose = 0,
        IReadOnlyList<AdverseEventRecord>? aes = null, params string[] assessments) =>
        new(id, "p-" + id, arm, Day(firstDose))
        {
            Death = death is { } d ? Day(d) : null,
            Assessments = [.. assessments.Select(a => a.Split(':')).Select(p => new ResponseAssessment(Day(int.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture)), Enum.Parse<Response>(p[1])))],
            PriorLines = priorTtp is { } ttp ? [new PriorLine("ttp-" + id, null, ttp)] : [],
            AdverseEvents = aes ?? [],
            Doses = [Dose(firstDose, null, DoseStatus.InProgress)],
        };

    /// <summary>A dose of the study drug from day <paramref name="start"/> to day <paramref name="end"/> (null: no end known).</summary>
    public static DoseRecord Dose(int start, int? end, DoseStatus status = DoseStatus.Completed) =>
        new($"ma-{start}-{status}", Day(start), end is { } e ? Day(e) : null, status);

    public static AdverseEventRecord Ae(string code, int day, int? grade, bool serious = false, bool discontinued = false) =>
        new(TrialCodes.MedDra, code, "term " + code, Day(day), grade, IsSerious: serious, LedToDiscontinuation: discontinued, Id: $"ae-{code}-{day}");

    public static TrialData Trial(params TrialSubject[] subjects) => new(Study, subjects);

    /// <summary>The participant's outcome in <see cref="Study"/>.</summary>
    public static SubjectOutcome Evaluate(TrialSubject subject, DateOnly? cutoff = null) => ResponseRules.Evaluate(subject, Study, cutoff);
}
