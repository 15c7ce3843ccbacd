using Fhir.Trials.Model;

namespace Fhir.Trials.Tests.Endpoints;

/// <summary>Hand-built trial models: every date is given as days after a fixed first dose.</summary>
internal static class TrialBuilder
{
    public static readonly DateOnly Day0 = new(2024, 1, 1);

    public static DateOnly Day(int days) => Day0.AddDays(days);

    /// <summary>
    /// A subject enrolled and first dosed (one completed dose of the study drug) on day <paramref name="firstDose"/>,
    /// whose assessments are "day:response" pairs, e.g. "56:PR".
    /// </summary>
    public static TrialSubject Subject(
        string id, string arm = "A", int? death = null, double? priorTtp = null, int firstDose = 0,
        IReadOnlyList<AdverseEventRecord>? aes = null, params string[] assessments) =>
        new(id, "p-" + id, arm, Day(firstDose), death is { } d ? Day(d) : null,
            [.. assessments.Select(a => a.Split(':')).Select(p => new ResponseAssessment(Day(int.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture)), Enum.Parse<Response>(p[1])))],
            priorTtp is { } ttp ? [new PriorLine("ttp-" + id, null, ttp)] : [], aes ?? [])
        {
            Doses = [Dose(firstDose, firstDose + 16)],
        };

    /// <summary>A dose of the study drug from day <paramref name="start"/> to day <paramref name="end"/> (null: no end known).</summary>
    public static DoseRecord Dose(int start, int? end, DoseStatus status = DoseStatus.Completed) =>
        new($"ma-{start}-{status}", Day(start), end is { } e ? Day(e) : null, status);

    public static AdverseEventRecord Ae(string code, int day, int grade, bool serious = false, bool discontinued = false) =>
        new(TrialCodes.MedDra, code, "term " + code, Day(day), grade, IsSerious: serious, LedToDiscontinuation: discontinued);

    public static TrialData Trial(params TrialSubject[] subjects) =>
        new(new TrialStudy("s1", ["A", "B"], EligibilityThresholds.Protocol, Cutoff: null), subjects);
}
