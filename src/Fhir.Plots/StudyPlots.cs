using Fhir.Plots.KaplanMeier;
using Fhir.Plots.Swimmer;
using Fhir.Plots.Waterfall;
using Fhir.Trials.Endpoints;
using Fhir.Trials.Model;

namespace Fhir.Plots;

/// <summary>
/// The study page's figures, laid out from the same computation as <c>$endpoints</c> and <c>$subject-outcomes</c>
/// (<see cref="StudyEndpoints"/>), so that what is drawn is what the operations report.
/// </summary>
/// <param name="Pfs">Progression-free survival of the analysis population.</param>
/// <param name="Os">Overall survival of the analysis population.</param>
/// <param name="Waterfall">Best % change of the analysis population's participants with measurements.</param>
/// <param name="Swimmer">Time on treatment of the treated participants.</param>
public sealed record StudyPlots(KaplanMeierFigure Pfs, KaplanMeierFigure Os, WaterfallFigure Waterfall, SwimmerFigure Swimmer)
{
    /// <summary>The most arms drawn as separate KM curves or swimmer colours; beyond it a figure would not read, so the
    /// whole study is drawn as one group (the arm filter shows each arm).</summary>
    public const int MaxGroups = 4;

    /// <summary>
    /// The figures of <paramref name="endpoints"/>: one KM curve per arm with participants when the whole study of two to
    /// <see cref="MaxGroups"/> such arms is shown, else one curve.
    /// </summary>
    public static StudyPlots Of(StudyEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var population = endpoints.Outcomes.Where(o => o.IsIn(endpoints.Population)).ToList();
        var named = endpoints.Arms.Where(a => a.Name != EndpointCalculator.All).Select(a => a.Name).ToList();
        // Arms with someone in the population, in the study's order.
        var present = named.Where(a => endpoints.Outcomes.Any(o => o.Subject.Arm == a)).ToList();
        var perArm = present.Count is > 1 and <= MaxGroups;
        var arms = perArm ? present : [];
        IReadOnlyList<SurvivalGroup> Groups(Func<SubjectOutcome, Fhir.Trials.Statistics.SurvivalTime> time) => perArm
            ? arms.Select(a => new SurvivalGroup(a, population.Where(o => o.Subject.Arm == a).Select(time).ToList())).ToList()
            : [new SurvivalGroup(named.Count == 1 ? named[0] : "All participants", population.Select(time).ToList())];

        var pfs = KaplanMeierPlot.Layout("plot-pfs", "Progression-free survival", Groups(o => o.Pfs));
        var os = KaplanMeierPlot.Layout("plot-os", "Overall survival", Groups(o => o.Os));
        var waterfall = WaterfallPlot.Layout("plot-waterfall", "Best change in tumour size",
            population.Where(o => o.BestPercentChange is not null).Select(o => new WaterfallBar(o.Subject.Id, o.BestPercentChange!.Value, o.BestResponse)));
        var lanes = endpoints.Outcomes.Where(o => o.Treated).Select(o => Lane(o, arms, endpoints.Cutoff));
        var swimmer = SwimmerPlot.Layout("plot-swimmer", "Time on treatment", lanes, perArm ? arms : [named.Count == 1 ? named[0] : "All participants"]);
        return new StudyPlots(pfs, os, waterfall, swimmer);
    }

    /// <summary>The figures as SVG documents by name: <c>pfs</c>, <c>os</c>, <c>waterfall</c>, <c>swimmer</c>.</summary>
    public IReadOnlyList<(string Name, string Svg)> Render() =>
    [
        ("pfs", KaplanMeierPlot.Render(Pfs)),
        ("os", KaplanMeierPlot.Render(Os)),
        ("waterfall", WaterfallPlot.Render(Waterfall)),
        ("swimmer", SwimmerPlot.Render(Swimmer)),
    ];

    /// <summary>A treated participant's lane: months from the first dose to the last dose (or, while ongoing, to the end of follow-up).</summary>
    internal static SwimmerLane Lane(SubjectOutcome o, IReadOnlyList<string> arms, DateOnly? cutoff)
    {
        const double month = EndpointCalculator.DaysPerMonth;
        var first = o.Exposure.FirstDose!.Value;
        double Months(DateOnly date) => (date.DayNumber - first.DayNumber) / month;
        var end = o.Exposure.Ongoing || o.Exposure.LastDose is null ? o.Os.Time / month : Months(o.Exposure.LastDose.Value);
        var response = o.Subject.Assessments
            .Where(a => a.Value is Response.CR or Response.PR && a.Date > first && !(a.Date > cutoff))
            .Select(a => (DateOnly?)a.Date)
            .Min();
        // Coloured by arm when the arms are drawn apart, else all in the first colour.
        var arm = arms.Count == 0 ? 0 : o.Subject.Arm is { } name ? IndexOf(arms, name) : -1;
        return new SwimmerLane(
            o.Subject.Id, o.Subject.Arm, arm < 0 ? arms.Count : arm, Math.Max(0, end), o.Exposure.Ongoing,
            response is { } r ? Months(r) : null,
            o.Ttp.Status == Fhir.Trials.Statistics.SurvivalStatus.Event ? o.Ttp.Time / month : null,
            o.Os.Status == Fhir.Trials.Statistics.SurvivalStatus.Event ? o.Os.Time / month : null);
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == value)
            {
                return i;
            }
        }
        return -1;
    }
}
