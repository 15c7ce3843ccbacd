using Fhir.Trials.Model;
using Fhir.Trials.Statistics;

namespace Fhir.Trials.Endpoints;

/// <summary>Computes the endpoints of a study, overall and per arm, at a data cut-off.</summary>
public static class EndpointCalculator
{
    /// <summary>The name of the whole-study group.</summary>
    public const string All = "all";

    /// <summary>
    /// The endpoints of <paramref name="data"/> with data up to <paramref name="cutoff"/> (the study's
    /// cut-off when null; all data when both are null): the whole study first, then each arm in the
    /// study's order; only <paramref name="arm"/> when given. Participants enrolled after the cut-off are not counted.
    /// </summary>
    public static IReadOnlyList<ArmEndpoints> Compute(TrialData data, string? arm = null, DateOnly? cutoff = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var at = cutoff ?? data.Study.Cutoff;
        var outcomes = new List<SubjectOutcome>(data.Subjects.Count);
        foreach (var subject in data.Subjects)
        {
            if (at is null || subject.Enrolled <= at)
            {
                outcomes.Add(ResponseRules.Evaluate(subject, at));
            }
        }
        var result = new List<ArmEndpoints>();
        if (arm is null || arm == All)
        {
            result.Add(Summarise(All, outcomes, at));
        }
        foreach (var name in data.Study.Arms)
        {
            if (arm is null || arm == name)
            {
                result.Add(Summarise(name, outcomes.FindAll(o => o.Subject.Arm == name), at));
            }
        }
        return result;
    }

    /// <summary>The endpoints of one group of participants.</summary>
    internal static ArmEndpoints Summarise(string name, IReadOnlyList<SubjectOutcome> outcomes, DateOnly? cutoff)
    {
        int evaluable = 0, confirmed = 0, any = 0, control = 0;
        var pfs = new List<SurvivalTime>(outcomes.Count);
        var dor = new List<SurvivalTime>();
        var gmi = new List<KeyValuePair<string, double>>();
        var gmiAbove = 0;
        foreach (var o in outcomes)
        {
            pfs.Add(o.Pfs);
            if (!o.Evaluable)
            {
                continue;
            }
            evaluable++;
            confirmed += o.ConfirmedResponse is not null ? 1 : 0;
            any += o.AnyResponse ? 1 : 0;
            control += o.DiseaseControl ? 1 : 0;
            if (o.Dor is { } d)
            {
                dor.Add(d);
            }
            if (o.Gmi is { } g)
            {
                gmi.Add(new(o.Subject.PatientId, g));
                // A censored time only bounds the GMI from below: that bound reaching 1.33 settles it.
                gmiAbove += g >= ResponseRules.GmiThreshold ? 1 : 0;
            }
        }
        gmi.Sort(static (x, y) => string.CompareOrdinal(x.Key, y.Key));
        return new ArmEndpoints(
            name,
            outcomes.Count,
            evaluable,
            Proportion.ClopperPearson(confirmed, evaluable),
            Proportion.ClopperPearson(any, evaluable),
            Proportion.ClopperPearson(control, evaluable),
            TimeToEventOf(pfs),
            TimeToEventOf(dor),
            new GmiSummary(gmi, gmiAbove),
            SafetyTable.Build(outcomes, cutoff));
    }

    private static TimeToEvent TimeToEventOf(List<SurvivalTime> times)
    {
        var km = KaplanMeier.Estimate(times);
        return new TimeToEvent(km.Median(), km.Events, km.Censored);
    }
}
