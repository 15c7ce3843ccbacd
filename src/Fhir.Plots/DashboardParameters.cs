using Fhir.Core.Model;
using Fhir.Trials.Endpoints;
using Fhir.Trials.Parameters;

namespace Fhir.Plots;

/// <summary>The <c>$dashboard</c> output: the <c>$endpoints</c> Parameters with one <c>plot</c> parameter (<c>name</c>, <c>svg</c>) per figure.</summary>
public static class DashboardParameters
{
    /// <summary>The endpoints and the figures of <paramref name="endpoints"/>.</summary>
    public static ElementNode Build(StudyEndpoints endpoints)
    {
        var parameters = EndpointsParameters.Build(endpoints);
        foreach (var (name, svg) in StudyPlots.Of(endpoints).Render())
        {
            var plot = ParametersWriter.Add(parameters, "plot");
            ParametersWriter.AddString(plot, "name", name);
            ParametersWriter.AddString(plot, "svg", svg);
        }
        return parameters;
    }
}
