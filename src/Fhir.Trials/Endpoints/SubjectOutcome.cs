using Fhir.Trials.Model;
using Fhir.Trials.Statistics;

namespace Fhir.Trials.Endpoints;

/// <summary>What one participant contributes to the endpoints, after the cut-off.</summary>
/// <param name="Subject">The participant.</param>
/// <param name="Evaluable">At least one post-baseline assessment.</param>
/// <param name="ConfirmedResponse">CR or PR confirmed ≥ 28 days later, else null.</param>
/// <param name="AnyResponse">A CR or PR at any assessment, confirmed or not.</param>
/// <param name="DiseaseControl">Confirmed CR/PR, or CR/PR/SD at an assessment ≥ 16 weeks after the first dose.</param>
/// <param name="Pfs">Days from first dose to progression or death, or censored at the last assessment.</param>
/// <param name="Dor">For confirmed responders: days from the first CR/PR to progression or death, or censored at the last assessment.</param>
/// <param name="Gmi">Time on trial (the PFS time) over the prior line's time to progression, when that is known.</param>
public sealed record SubjectOutcome(
    TrialSubject Subject,
    bool Evaluable,
    Response? ConfirmedResponse,
    bool AnyResponse,
    bool DiseaseControl,
    SurvivalTime Pfs,
    SurvivalTime? Dor,
    double? Gmi);
