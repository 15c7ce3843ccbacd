using Fhir.Core.Model;
using Fhir.Trials.Endpoints;
using Fhir.Trials.Statistics;
using static Fhir.Trials.Parameters.ParametersWriter;

namespace Fhir.Trials.Parameters;

/// <summary>
/// The <c>$subject-outcomes</c> output (<c>design.md</c>): one <c>subject</c> per member of the requested population, with
/// what it contributes to each figure of <c>$endpoints</c> over that population, then the <c>issues</c>. A part that does
/// not apply (no last dose yet, not assessed, no confirmed response, no prior line, no adverse event) is absent.
/// </summary>
public static class SubjectOutcomesParameters
{
    /// <summary>The listing of <paramref name="endpoints"/>' participants that belong to its population.</summary>
    public static ElementNode Build(StudyEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var parameters = NewParameters();
        foreach (var o in endpoints.Outcomes)
        {
            if (!o.IsIn(endpoints.Population))
            {
                continue;
            }
            var p = Add(parameters, "subject");
            AddReference(p, "subject", "ResearchSubject/" + o.Subject.Id);
            if (o.Subject.Arm is { } arm)
            {
                AddString(p, "arm", arm);
            }
            if (o.Exposure.FirstDose is { } first)
            {
                AddDate(p, "firstDose", first);
            }
            if (o.Exposure.LastDose is { } last)
            {
                AddDate(p, "lastDose", last);
            }
            AddBoolean(p, "evaluable", o.EfficacyEvaluable);
            if (o.BestResponse is { } best)
            {
                AddCode(p, "bestResponse", best.ToString());
            }
            AddBoolean(p, "confirmed", o.ConfirmedResponse is not null);
            AddBoolean(p, "diseaseControl", o.DiseaseControl);
            if (o.BestPercentChange is { } change)
            {
                AddDecimal(p, "bestPercentChange", EndpointsParameters.Round(change, 1));
            }
            AddTime(p, "pfs", o.Pfs);
            AddTime(p, "os", o.Os);
            if (o.Dor is { } dor)
            {
                AddTime(p, "dor", dor);
            }
            AddTime(p, "ttp", o.Ttp);
            if (o.Gmi is { } gmi)
            {
                AddDecimal(p, "gmi", EndpointsParameters.Round(gmi.Ratio, 4));
            }
            if (o.WorstAeGrade is { } grade)
            {
                AddInteger(p, "worstAeGrade", grade);
            }
        }
        IssuesOutcome.Add(parameters, endpoints.Issues);
        return parameters;
    }

    private static void AddTime(ElementNode p, string name, SurvivalTime time)
    {
        AddInteger(p, name + "Days", (int)time.Time);
        AddBoolean(p, name + "Event", time.Status == SurvivalStatus.Event);
    }
}
