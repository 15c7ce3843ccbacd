using System.Globalization;
using Fhir.Core.Json;
using Fhir.Core.Outcomes;
using Fhir.Server.Http;
using Fhir.Trials.Endpoints;
using Fhir.Trials.Loading;
using Fhir.Trials.Parameters;

namespace Fhir.Server.Interactions.Operations;

/// <summary>
/// <c>$endpoints</c>: <c>[base]/ResearchStudy/[id]/$endpoints?arm=&amp;cutoff=&amp;population=</c> — ORR, BOR, DCR, PFS, OS,
/// DOR, GMI, follow-up and the safety table, overall and per arm, over an analysis population, with the data-quality
/// findings (a FHIR operation, R4 §3.1.0.11; layout in design.md).
/// </summary>
internal static class EndpointsOperation
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, CancellationToken ct)
    {
        var (endpoints, error) = await ComputeAsync(request, context, new TrialLoadOptions(), ct);
        return error ?? new FhirResponse(200) { Body = FhirJsonWriter.Serialize(EndpointsParameters.Build(endpoints!)) };
    }

    /// <summary>
    /// The study's endpoints as <c>arm</c>, <c>cutoff</c> and <c>population</c> ask (shared with <c>$subject-outcomes</c>),
    /// or the error response for a missing study or a bad parameter.
    /// </summary>
    public static async Task<(StudyEndpoints? Endpoints, FhirResponse? Error)> ComputeAsync(
        FhirRequest request, ServerContext context, TrialLoadOptions load, CancellationToken ct)
    {
        DateOnly? cutoff = null;
        if (request.QueryValue("cutoff") is { } text)
        {
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return (null, FhirResponse.Error(400, IssueType.Invalid, $"cutoff must be a date (YYYY-MM-DD), not '{text}'.", "cutoff"));
            }
            cutoff = date;
        }
        var population = AnalysisPopulation.EfficacyEvaluable;
        if (request.QueryValue("population") is { } code)
        {
            if (AnalysisPopulations.FromCode(code) is not { } chosen)
            {
                return (null, FhirResponse.Error(400, IssueType.CodeInvalid, $"population must be 'efficacy-evaluable' or 'treated', not '{code}'.", "population"));
            }
            population = chosen;
        }
        var data = await new TrialLoader(request.Reader).LoadAsync(request.Id!, load, ct);
        if (data is null)
        {
            return (null, FhirResponse.NotFound("ResearchStudy", request.Id!));
        }
        var arm = request.QueryValue("arm");
        if (arm is not null && arm != EndpointCalculator.All && !data.Study.Arms.Contains(arm))
        {
            return (null, FhirResponse.Error(400, IssueType.Invalid, $"ResearchStudy/{request.Id} has no arm '{arm}'.", "arm"));
        }
        return (EndpointCalculator.Compute(data, new EndpointOptions { Arm = arm, Cutoff = cutoff, Population = population }), null);
    }
}
