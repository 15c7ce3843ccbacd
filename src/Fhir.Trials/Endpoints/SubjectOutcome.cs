using Fhir.Trials.Model;
using Fhir.Trials.Statistics;

namespace Fhir.Trials.Endpoints;

/// <summary>What one participant contributes to the endpoints at a cut-off: one line of <c>$subject-outcomes</c>.</summary>
/// <param name="Subject">The participant.</param>
/// <param name="Exposure">First and last dose of the study drug; the first dose is the origin of every time.</param>
/// <param name="EfficacyEvaluable">In the efficacy-evaluable population: treated, a post-baseline assessment, and the study's declared criterion.</param>
/// <param name="BestResponse">The best time-point response (CR > PR > SD > PD > NE, unconfirmed CR/PR included); null when not assessed.</param>
/// <param name="ConfirmedResponse">CR or PR confirmed by a later CR/PR at least 28 days on, else null.</param>
/// <param name="DiseaseControl">Confirmed CR/PR, or SD or better on or after day 112 and before any progression.</param>
/// <param name="BestPercentChange">The best (lowest) % change of the sum of target-lesion diameters from baseline; null without measurements.</param>
/// <param name="Pfs">Days from the first dose to progression or death, else censored at the last adequate assessment.</param>
/// <param name="Os">Days from the first dose to death, else censored at the last date known alive.</param>
/// <param name="Dor">For confirmed responders: days from the first CR/PR to progression or death, else censored at the last adequate assessment.</param>
/// <param name="Ttp">Days from the first dose to progression, else (death included) censored at the last adequate assessment.</param>
/// <param name="Gmi">The growth modulation index (TTP over the prior line's), or null without a usable prior line.</param>
/// <param name="TreatmentEmergent">The treatment-emergent adverse events (treated participants only).</param>
public sealed record SubjectOutcome(
    TrialSubject Subject,
    Exposure Exposure,
    bool EfficacyEvaluable,
    Response? BestResponse,
    Response? ConfirmedResponse,
    bool DiseaseControl,
    double? BestPercentChange,
    SurvivalTime Pfs,
    SurvivalTime Os,
    SurvivalTime? Dor,
    SurvivalTime Ttp,
    GmiOutcome? Gmi,
    IReadOnlyList<AdverseEventRecord> TreatmentEmergent)
{
    /// <summary>In the treated (safety) population: at least one dose of the study drug by the cut-off.</summary>
    public bool Treated => Exposure.Treated;

    /// <summary>A CR or PR at any assessment, confirmed or not (what BOR counts).</summary>
    public bool AnyResponse => BestResponse is Response.CR or Response.PR;

    /// <summary>The worst CTCAE grade among the treatment-emergent adverse events, or null (none, or none graded).</summary>
    public int? WorstAeGrade
    {
        get
        {
            int? worst = null;
            foreach (var ae in TreatmentEmergent)
            {
                if (ae.Grade is { } g && !(worst >= g))
                {
                    worst = g;
                }
            }
            return worst;
        }
    }

    /// <summary>Whether the participant belongs to <paramref name="population"/>.</summary>
    public bool IsIn(AnalysisPopulation population) =>
        population == AnalysisPopulation.Treated ? Treated : EfficacyEvaluable;
}

/// <summary>A participant's growth modulation index.</summary>
/// <param name="PriorLine">The prior line compared with (the most recent that ended before the first dose).</param>
/// <param name="Ratio">TTP on trial over the prior line's TTP; a lower bound when the TTP on trial is censored.</param>
/// <param name="Status">Success (≥ 1.33), failure, or not determinable (censored below 1.33).</param>
public sealed record GmiOutcome(PriorLine PriorLine, double Ratio, GmiStatus Status);

/// <summary>How a participant's GMI counts.</summary>
public enum GmiStatus
{
    /// <summary>GMI ≥ 1.33, observed or already reached by a censored time: numerator and denominator.</summary>
    Success,
    /// <summary>GMI &lt; 1.33 with progression observed: denominator only.</summary>
    Failure,
    /// <summary>Censored below 1.33: it may still reach it, so it leaves the denominator.</summary>
    NotDeterminable,
}
