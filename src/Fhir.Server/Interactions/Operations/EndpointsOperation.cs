using System.Globalization;
using Fhir.Core.Json;
using Fhir.Core.Outcomes;
using Fhir.Server.Http;
using Fhir.Trials.Endpoints;
using Fhir.Trials.Loading;
using Fhir.Trials.Parameters;

namespace Fhir.Server.Interactions.Operations;

/// <summary>
/// <c>$endpoints</c>: <c>[base]/ResearchStudy/[id]/$endpoints?arm=&amp;cutoff=</c> — ORR, BOR, DCR, PFS, DOR, GMI and the
/// safety table, overall and per arm, computed from the stored data (a FHIR operation, R4 §3.1.0.11; layout in design.md).
/// </summary>
internal static class EndpointsOperation
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, CancellationToken ct)
    {
        DateOnly? cutoff = null;
        if (request.QueryValue("cutoff") is { } text)
        {
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return FhirResponse.Error(400, IssueType.Invalid, $"cutoff must be a date (YYYY-MM-DD), not '{text}'.", "cutoff");
            }
            cutoff = date;
        }
        var data = await new TrialLoader(request.Reader).LoadAsync(request.Id!, ct);
        if (data is null)
        {
            return FhirResponse.NotFound("ResearchStudy", request.Id!);
        }
        var arm = request.QueryValue("arm");
        if (arm is not null && arm != EndpointCalculator.All && !data.Study.Arms.Contains(arm))
        {
            return FhirResponse.Error(400, IssueType.Invalid, $"ResearchStudy/{request.Id} has no arm '{arm}'.", "arm");
        }
        var arms = EndpointCalculator.Compute(data, arm, cutoff);
        return new FhirResponse(200) { Body = FhirJsonWriter.Serialize(EndpointsParameters.Build(arms)) };
    }
}
