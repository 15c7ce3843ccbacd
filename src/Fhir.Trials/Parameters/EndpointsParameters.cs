using Fhir.Core.Model;
using Fhir.Trials.Endpoints;
using Fhir.Trials.Statistics;
using static Fhir.Trials.Parameters.ParametersWriter;

namespace Fhir.Trials.Parameters;

/// <summary>The <c>$endpoints</c> output, laid out as <c>design.md</c> fixes it (other tools read it).</summary>
public static class EndpointsParameters
{
    /// <summary>Days per month for the time endpoints (365.25 / 12).</summary>
    public const double DaysPerMonth = EndpointCalculator.DaysPerMonth;

    /// <summary>One <c>arm</c> parameter per group, in the given order, then the <c>issues</c>.</summary>
    public static ElementNode Build(StudyEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var parameters = NewParameters();
        foreach (var arm in endpoints.Arms)
        {
            var p = Add(parameters, "arm");
            AddString(p, "name", arm.Name);
            AddCode(p, "population", arm.Population.Code());
            AddInteger(p, "enrolled", arm.Enrolled);
            AddInteger(p, "treated", arm.Treated);
            AddInteger(p, "evaluable", arm.Evaluable);
            AddInteger(p, "n", arm.N);
            AddProportion(p, "orr", arm.Orr);
            AddProportion(p, "orrTreated", arm.OrrTreated);
            AddProportion(p, "bor", arm.Bor);
            AddProportion(p, "dcr", arm.Dcr);
            var best = Add(p, "bestResponse");
            AddInteger(best, "CR", arm.BestResponse.CR);
            AddInteger(best, "PR", arm.BestResponse.PR);
            AddInteger(best, "SD", arm.BestResponse.SD);
            AddInteger(best, "PD", arm.BestResponse.PD);
            AddInteger(best, "NE", arm.BestResponse.NE);
            AddInteger(best, "notAssessed", arm.BestResponse.NotAssessed);
            AddTimeToEvent(p, "pfs", arm.Pfs);
            AddTimeToEvent(p, "os", arm.Os);
            AddTimeToEvent(p, "dor", arm.Dor);
            if (arm.FollowUpMedian is { } followUp)
            {
                AddMonths(Add(p, "followUp"), "median", followUp);
            }
            var gmi = Add(p, "gmi");
            AddInteger(gmi, "numerator", arm.Gmi.Numerator);
            AddInteger(gmi, "denominator", arm.Gmi.Denominator);
            AddInteger(gmi, "notDeterminable", arm.Gmi.NotDeterminable);
            AddEstimate(gmi, arm.Gmi.Proportion);
            var safety = Add(p, "safety");
            AddInteger(safety, "n", arm.Safety.N);
            AddSafetyRow(Add(safety, "any"), arm.Safety.Any);
            foreach (var row in arm.Safety.Terms)
            {
                var term = Add(safety, "term");
                AddCoding(term, "code", row.System!, row.Code!, row.Display);
                AddSafetyRow(term, row);
            }
        }
        IssuesOutcome.Add(parameters, endpoints.Issues);
        return parameters;
    }

    private static void AddSafetyRow(ElementNode p, SafetyRow row)
    {
        AddInteger(p, "anyGrade", row.AnyGrade);
        AddInteger(p, "grade3", row.Grade3);
        AddInteger(p, "grade4", row.Grade4);
        AddInteger(p, "grade5", row.Grade5);
        AddInteger(p, "grade3plus", row.Grade3Plus);
        AddInteger(p, "serious", row.Serious);
        AddInteger(p, "discontinuation", row.Discontinuation);
    }

    private static void AddProportion(ElementNode parent, string name, Proportion proportion)
    {
        var p = Add(parent, name);
        AddInteger(p, "numerator", proportion.Numerator);
        AddInteger(p, "denominator", proportion.Denominator);
        AddEstimate(p, proportion);
    }

    // 0/0 is undefined: numerator and denominator only.
    private static void AddEstimate(ElementNode p, Proportion proportion)
    {
        if (proportion is { Estimate: { } estimate, Lower: { } lower, Upper: { } upper })
        {
            AddDecimal(p, "proportion", Round(estimate, 4));
            AddDecimal(p, "ciLower", Round(lower, 4));
            AddDecimal(p, "ciUpper", Round(upper, 4));
        }
    }

    private static void AddTimeToEvent(ElementNode parent, string name, TimeToEvent endpoint)
    {
        var p = Add(parent, name);
        AddMonths(p, "median", endpoint.Median.Median);
        AddMonths(p, "ciLower", endpoint.Median.Lower);
        AddMonths(p, "ciUpper", endpoint.Median.Upper);
        AddInteger(p, "events", endpoint.Events);
        AddInteger(p, "censored", endpoint.Censored);
        foreach (var landmark in endpoint.Landmarks)
        {
            var l = Add(p, "landmark");
            AddInteger(l, "month", landmark.Month);
            if (landmark.Estimate is { } estimate)
            {
                AddDecimal(l, "rate", Round(estimate.Rate, 4));
                if (estimate is { Lower: { } lower, Upper: { } upper })
                {
                    AddDecimal(l, "ciLower", Round(lower, 4));
                    AddDecimal(l, "ciUpper", Round(upper, 4));
                }
            }
        }
        foreach (var atRisk in endpoint.AtRisk)
        {
            var r = Add(p, "atRisk");
            AddInteger(r, "month", atRisk.Month);
            AddInteger(r, "count", atRisk.Count);
        }
    }

    private static void AddMonths(ElementNode parent, string name, double? days)
    {
        if (days is { } d)
        {
            AddQuantity(parent, name, Round(d / DaysPerMonth, 2), "mo", "http://unitsofmeasure.org", "mo");
        }
    }

    // Rounded in decimal so that the text is the same on every run and store.
    internal static decimal Round(double value, int digits) => Math.Round((decimal)value, digits, MidpointRounding.AwayFromZero);
}
