using Fhir.Core.Model;
using Fhir.Trials.Endpoints;
using Fhir.Trials.Statistics;
using static Fhir.Trials.Parameters.ParametersWriter;

namespace Fhir.Trials.Parameters;

/// <summary>The <c>$endpoints</c> output, laid out as <c>design.md</c> fixes it (other tools read it).</summary>
public static class EndpointsParameters
{
    /// <summary>Days per month for the time endpoints (365.25 / 12).</summary>
    public const double DaysPerMonth = 30.4375;

    /// <summary>One <c>arm</c> parameter per group, in the given order.</summary>
    public static ElementNode Build(IReadOnlyList<ArmEndpoints> arms)
    {
        ArgumentNullException.ThrowIfNull(arms);
        var parameters = NewParameters();
        foreach (var arm in arms)
        {
            var p = Add(parameters, "arm");
            AddString(p, "name", arm.Name);
            AddInteger(p, "enrolled", arm.Enrolled);
            AddInteger(p, "evaluable", arm.Evaluable);
            AddProportion(p, "orr", arm.Orr);
            AddProportion(p, "bor", arm.Bor);
            AddProportion(p, "dcr", arm.Dcr);
            AddTimeToEvent(p, "pfs", arm.Pfs);
            AddTimeToEvent(p, "dor", arm.Dor);
            var gmi = Add(p, "gmi");
            AddInteger(gmi, "evaluable", arm.Gmi.Evaluable);
            AddInteger(gmi, "atLeast1_33", arm.Gmi.AtLeast1_33);
            var safety = Add(p, "safety");
            foreach (var row in arm.Safety)
            {
                var term = Add(safety, "term");
                AddCoding(term, "code", row.System, row.Code, row.Display);
                AddInteger(term, "anyGrade", row.AnyGrade);
                AddInteger(term, "grade3plus", row.Grade3Plus);
                AddInteger(term, "serious", row.Serious);
                AddInteger(term, "discontinuation", row.Discontinuation);
            }
        }
        return parameters;
    }

    private static void AddProportion(ElementNode parent, string name, Proportion proportion)
    {
        var p = Add(parent, name);
        AddInteger(p, "numerator", proportion.Numerator);
        AddInteger(p, "denominator", proportion.Denominator);
        // 0/0 is undefined: numerator and denominator only.
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
    }

    private static void AddMonths(ElementNode parent, string name, double? days)
    {
        if (days is { } d)
        {
            AddQuantity(parent, name, Round(d / DaysPerMonth, 2), "mo", "http://unitsofmeasure.org", "mo");
        }
    }

    // Rounded in decimal so that the text is the same on every run and store.
    private static decimal Round(double value, int digits) => Math.Round((decimal)value, digits, MidpointRounding.AwayFromZero);
}
