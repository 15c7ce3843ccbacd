using Fhir.Trials.Model;
using Fhir.Trials.Statistics;

namespace Fhir.Trials.Endpoints;

/// <summary>Computes the endpoints of a study, overall and per arm, at a data cut-off, over an analysis population.</summary>
public static class EndpointCalculator
{
    /// <summary>The name of the whole-study group.</summary>
    public const string All = "all";

    /// <summary>Days per month for the time endpoints (365.25 / 12).</summary>
    public const double DaysPerMonth = 30.4375;

    /// <summary>The months at which PFS, OS and DOR rates are given.</summary>
    public static IReadOnlyList<int> LandmarkMonths { get; } = [3, 6, 12];

    /// <summary>The months of the numbers-at-risk table.</summary>
    public static IReadOnlyList<int> RiskTableMonths { get; } = [0, 3, 6, 9, 12, 18, 24];

    /// <summary>
    /// The endpoints of <paramref name="data"/> with data up to the cut-off (the options', else the study's; all data when
    /// neither is given): the whole study first, then each arm in the study's order; only the arm asked for when given.
    /// Participants enrolled after the cut-off are not counted.
    /// </summary>
    public static StudyEndpoints Compute(TrialData data, EndpointOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new EndpointOptions();
        var at = options.Cutoff ?? data.Study.Cutoff;
        var outcomes = new List<SubjectOutcome>(data.Subjects.Count);
        foreach (var subject in data.Subjects)
        {
            if (!(subject.Enrolled > at))
            {
                outcomes.Add(ResponseRules.Evaluate(subject, data.Study, at));
            }
        }
        var arm = options.Arm;
        var result = new List<ArmEndpoints>();
        if (arm is null or All)
        {
            result.Add(Summarise(All, outcomes, options.Population));
        }
        foreach (var name in data.Study.Arms)
        {
            if (arm is null || arm == name)
            {
                result.Add(Summarise(name, outcomes.FindAll(o => o.Subject.Arm == name), options.Population));
            }
        }
        var shown = arm is null or All ? outcomes : outcomes.FindAll(o => o.Subject.Arm == arm);
        return new StudyEndpoints(result, shown, DataQuality.Find(data, shown, at), at, options.Population);
    }

    /// <summary>The endpoints of one group of participants.</summary>
    internal static ArmEndpoints Summarise(string name, IReadOnlyList<SubjectOutcome> outcomes, AnalysisPopulation population)
    {
        var members = new List<SubjectOutcome>(outcomes.Count);
        var treated = new List<SubjectOutcome>(outcomes.Count);
        int evaluable = 0, confirmedTreated = 0;
        foreach (var o in outcomes)
        {
            evaluable += o.EfficacyEvaluable ? 1 : 0;
            if (o.Treated)
            {
                treated.Add(o);
                confirmedTreated += o.ConfirmedResponse is not null ? 1 : 0;
            }
            if (o.IsIn(population))
            {
                members.Add(o);
            }
        }
        int confirmed = 0, any = 0, control = 0, cr = 0, pr = 0, sd = 0, pd = 0, ne = 0, notAssessed = 0;
        int gmiSuccess = 0, gmiFailure = 0, gmiOpen = 0;
        var pfs = new List<SurvivalTime>(members.Count);
        var os = new List<SurvivalTime>(members.Count);
        var dor = new List<SurvivalTime>();
        foreach (var o in members)
        {
            confirmed += o.ConfirmedResponse is not null ? 1 : 0;
            any += o.AnyResponse ? 1 : 0;
            control += o.DiseaseControl ? 1 : 0;
            switch (o.BestResponse)
            {
                case Response.CR: cr++; break;
                case Response.PR: pr++; break;
                case Response.SD: sd++; break;
                case Response.PD: pd++; break;
                case Response.NE: ne++; break;
                default: notAssessed++; break;
            }
            pfs.Add(o.Pfs);
            os.Add(o.Os);
            if (o.Dor is { } d)
            {
                dor.Add(d);
            }
            switch (o.Gmi?.Status)
            {
                case GmiStatus.Success: gmiSuccess++; break;
                case GmiStatus.Failure: gmiFailure++; break;
                case GmiStatus.NotDeterminable: gmiOpen++; break;
            }
        }
        // Median follow-up: the reverse Kaplan-Meier of OS, where being censored is the "event".
        var followUp = KaplanMeier.Estimate(os.Select(static t => t with { Status = t.Status == SurvivalStatus.Event ? SurvivalStatus.Censored : SurvivalStatus.Event }));
        return new ArmEndpoints(
            name,
            population,
            outcomes.Count,
            treated.Count,
            evaluable,
            members.Count,
            Proportion.ClopperPearson(confirmed, members.Count),
            Proportion.ClopperPearson(confirmedTreated, treated.Count),
            Proportion.ClopperPearson(any, members.Count),
            Proportion.ClopperPearson(control, members.Count),
            new BestResponseCounts(cr, pr, sd, pd, ne, notAssessed),
            TimeToEventOf(pfs),
            TimeToEventOf(os),
            TimeToEventOf(dor),
            followUp.Median().Median,
            new GmiSummary(gmiSuccess, gmiSuccess + gmiFailure, gmiOpen, Proportion.ClopperPearson(gmiSuccess, gmiSuccess + gmiFailure)),
            SafetyTable.Build(treated));
    }

    /// <summary>The Kaplan-Meier summary of follow-up times in days.</summary>
    internal static TimeToEvent TimeToEventOf(IEnumerable<SurvivalTime> times)
    {
        var km = KaplanMeier.Estimate(times);
        var landmarks = LandmarkMonths.Select(m => new Landmark(m, km.At(m * DaysPerMonth))).ToList();
        var atRisk = RiskTableMonths.Select(m => new AtRiskCount(m, km.AtRisk(m * DaysPerMonth))).ToList();
        return new TimeToEvent(km.Median(), km.Events, km.Censored, landmarks, atRisk);
    }
}
