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
    /// <summary>
    /// The figures of <paramref name="endpoints"/>: one KM curve per arm when the whole study of several arms is shown,
    /// else one curve.
    /// </summary>
    public static StudyPlots Of(StudyEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var arms = endpoints.Arms.Where(a => a.Name != EndpointCalculator.All).Select(a => a.Name).ToList();
        var population = endpoints.Outcomes.Where(o => o.IsIn(endpoints.Population)).ToList();
        var perArm = endpoints.Arms.Count > 2;
        IReadOnlyList<SurvivalGroup> Groups(Func<SubjectOutcome, Fhir.Trials.Statistics.SurvivalTime> time) => perArm
            ? arms.Select(a => new SurvivalGroup(a, population.Where(o => o.Subject.Arm == a).Select(time).ToList())).ToList()
            : [new SurvivalGroup(arms.Count == 1 ? arms[0] : "All participants", population.Select(time).ToList())];

        var pfs = KaplanMeierPlot.Layout("plot-pfs", "Progression-free survival", Groups(o => o.Pfs));
        var os = KaplanMeierPlot.Layout("plot-os", "Overall survival", Groups(o => o.Os));
        var waterfall = WaterfallPlot.Layout("plot-waterfall", "Best change in tumour size",
            population.Where(o => o.BestPercentChange is not null).Select(o => new WaterfallBar(o.Subject.Id, o.BestPercentChange!.Value, o.BestResponse)));
        var lanes = endpoints.Outcomes.Where(o => o.Treated).Select(o => Lane(o, arms, endpoints.Cutoff));
        var swimmer = SwimmerPlot.Layout("plot-swimmer", "Time on treatment", lanes, arms);
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
        var arm = o.Subject.Arm is { } name ? arms.ToList().IndexOf(name) : -1;
        return new SwimmerLane(
            o.Subject.Id, o.Subject.Arm, arm < 0 ? arms.Count : arm, Math.Max(0, end), o.Exposure.Ongoing,
            response is { } r ? Months(r) : null,
            o.Ttp.Status == Fhir.Trials.Statistics.SurvivalStatus.Event ? o.Ttp.Time / month : null,
            o.Os.Status == Fhir.Trials.Statistics.SurvivalStatus.Event ? o.Os.Time / month : null);
    }
}
