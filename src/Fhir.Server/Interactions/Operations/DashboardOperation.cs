using Fhir.Core.Json;
using Fhir.Plots;
using Fhir.Server.Http;
using Fhir.Trials.Loading;

namespace Fhir.Server.Interactions.Operations;

/// <summary>
/// <c>$dashboard</c>: <c>[base]/ResearchStudy/[id]/$dashboard?arm=&amp;cutoff=&amp;population=</c> — the <c>$endpoints</c>
/// Parameters with the study page's figures added as <c>plot</c> parameters (<c>name</c>, <c>svg</c>): Kaplan-Meier
/// plots of PFS and OS, the waterfall and the swimmer plot, drawn from the same computation in one load of the study,
/// read through the request's access gate like every other read.
/// </summary>
internal static class DashboardOperation
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, CancellationToken ct)
    {
        var (endpoints, error) = await EndpointsOperation.ComputeAsync(request, context, new TrialLoadOptions { LesionMeasurements = true }, ct);
        return error ?? new FhirResponse(200) { Body = FhirJsonWriter.Serialize(DashboardParameters.Build(endpoints!)) };
    }
}
