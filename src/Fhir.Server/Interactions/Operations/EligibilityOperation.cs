using Fhir.Core.Json;
using Fhir.Core.Outcomes;
using Fhir.Server.Http;
using Fhir.Trials.Eligibility;
using Fhir.Trials.Loading;
using Fhir.Trials.Parameters;

namespace Fhir.Server.Interactions.Operations;

/// <summary>
/// <c>$eligibility</c>: <c>[base]/ResearchStudy/[id]/$eligibility?patient=Patient/[id]</c> — whether a patient meets
/// the study's biomarker criteria, with the evidence per criterion (a FHIR operation, R4 §3.1.0.11; layout in design.md).
/// </summary>
internal static class EligibilityOperation
{
    public static async Task<FhirResponse> HandleAsync(FhirRequest request, ServerContext context, CancellationToken ct)
    {
        var loader = new TrialLoader(request.Reader);
        var study = await loader.LoadStudyAsync(request.Id!, ct);
        if (study is null)
        {
            return FhirResponse.NotFound("ResearchStudy", request.Id!);
        }
        var patient = request.QueryValue("patient");
        if (string.IsNullOrEmpty(patient))
        {
            return FhirResponse.Error(400, IssueType.Required, "$eligibility needs the parameter 'patient' (Patient/[id]).", "patient");
        }
        var id = patient.StartsWith("Patient/", StringComparison.Ordinal) ? patient[8..] : patient;
        if (!FhirHttp.IsValidId(id))
        {
            return FhirResponse.Error(400, IssueType.Invalid, $"'{patient}' is not a Patient reference (Patient/[id]).", "patient");
        }
        if (await request.Reader.ReadAsync("Patient", id, ct) is not { IsDeleted: false })
        {
            return FhirResponse.Error(400, IssueType.NotFound, $"Patient/{id} is not known.", "patient");
        }
        var result = EligibilityEvaluator.Evaluate(study.Thresholds, await loader.LoadVariantsAsync(id, ct));
        return new FhirResponse(200) { Body = FhirJsonWriter.Serialize(EligibilityParameters.Build(result)) };
    }
}
