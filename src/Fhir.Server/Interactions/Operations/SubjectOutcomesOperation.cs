using Fhir.Core.Json;
using Fhir.Server.Http;
using Fhir.Trials.Loading;
using Fhir.Trials.Parameters;

namespace Fhir.Server.Interactions.Operations;

/// <summary>
/// <c>$subject-outcomes</c>: <c>[base]/ResearchStudy/[id]/$subject-outcomes?arm=&amp;cutoff=&amp;population=</c> — one entry per
/// member of the population with what it contributes to each figure of <c>$endpoints</c> (first and last dose, best
/// response, best % change of the target lesions, PFS/OS/DOR/TTP times, GMI, worst AE grade), with the data-quality
/// findings (a FHIR operation, R4 §3.1.0.11; layout in design.md).
/// </summary>
internal static class SubjectOutcomesOperation
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, CancellationToken ct)
    {
        var (endpoints, error) = await EndpointsOperation.ComputeAsync(request, context, new TrialLoadOptions { LesionMeasurements = true }, ct);
        return error ?? new FhirResponse(200) { Body = FhirJsonWriter.Serialize(SubjectOutcomesParameters.Build(endpoints!)) };
    }
}
