using Fhir.Trials.Statistics;

namespace Fhir.Trials.Endpoints;

/// <summary>The endpoints of one arm, or of the whole study (<see cref="Name"/> <c>all</c>).</summary>
/// <param name="Name">The arm name, or <c>all</c>.</param>
/// <param name="Population">The population of the efficacy endpoints.</param>
/// <param name="Enrolled">Participants enrolled by the cut-off.</param>
/// <param name="Treated">Participants with at least one dose of the study drug (the safety population).</param>
/// <param name="Evaluable">Participants in the efficacy-evaluable population.</param>
/// <param name="N">The size of <see cref="Population"/>.</param>
/// <param name="Orr">Confirmed CR/PR over the population.</param>
/// <param name="OrrTreated">Confirmed CR/PR over the treated population.</param>
/// <param name="Bor">CR/PR including unconfirmed over the population.</param>
/// <param name="Dcr">Disease control over the population.</param>
/// <param name="BestResponse">The population by best time-point response.</param>
/// <param name="Pfs">Progression-free survival.</param>
/// <param name="Os">Overall survival.</param>
/// <param name="Dor">Duration of response of the confirmed responders.</param>
/// <param name="FollowUpMedian">Median follow-up in days (reverse Kaplan-Meier of OS), or null when not reached.</param>
/// <param name="Gmi">The share with a growth modulation index ≥ 1.33.</param>
/// <param name="Safety">Treatment-emergent adverse events over the treated population.</param>
public sealed record ArmEndpoints(
    string Name,
    AnalysisPopulation Population,
    int Enrolled,
    int Treated,
    int Evaluable,
    int N,
    Proportion Orr,
    Proportion OrrTreated,
    Proportion Bor,
    Proportion Dcr,
    BestResponseCounts BestResponse,
    TimeToEvent Pfs,
    TimeToEvent Os,
    TimeToEvent Dor,
    double? FollowUpMedian,
    GmiSummary Gmi,
    SafetySummary Safety);

/// <summary>A population by best time-point response.</summary>
/// <param name="CR">Complete response.</param>
/// <param name="PR">Partial response (unconfirmed included).</param>
/// <param name="SD">Stable disease.</param>
/// <param name="PD">Progressive disease.</param>
/// <param name="NE">Not evaluable at every assessment.</param>
/// <param name="NotAssessed">No post-baseline assessment.</param>
public sealed record BestResponseCounts(int CR, int PR, int SD, int PD, int NE, int NotAssessed);

/// <summary>A time-to-event endpoint: the Kaplan-Meier median with its 95% interval, the counts, landmarks and numbers at risk.</summary>
/// <param name="Median">Median and Brookmeyer-Crowley 95% limits (log-log), in days; null parts are not reached.</param>
/// <param name="Events">Participants with the event.</param>
/// <param name="Censored">Participants censored.</param>
/// <param name="Landmarks">S(t) with its 95% interval at each landmark month; the estimate is null after the last follow-up.</param>
/// <param name="AtRisk">Participants at risk at each month of the risk table.</param>
public sealed record TimeToEvent(MedianEstimate Median, int Events, int Censored, IReadOnlyList<Landmark> Landmarks, IReadOnlyList<AtRiskCount> AtRisk);

/// <summary>S(t) at a landmark month.</summary>
/// <param name="Month">The month (30.4375 days each).</param>
/// <param name="Estimate">The rate and its limits, or null when not estimable (after the last follow-up).</param>
public sealed record Landmark(int Month, SurvivalEstimate? Estimate);

/// <summary>The number at risk at a month.</summary>
/// <param name="Month">The month (30.4375 days each).</param>
/// <param name="Count">Participants whose follow-up lasts at least that long.</param>
public sealed record AtRiskCount(int Month, int Count);

/// <summary>The growth modulation index over the participants with a usable prior line.</summary>
/// <param name="Numerator">GMI ≥ 1.33 (observed, or already reached by a censored time).</param>
/// <param name="Denominator">Successes and observed failures.</param>
/// <param name="NotDeterminable">Censored below 1.33: outside the denominator.</param>
/// <param name="Proportion">Numerator over denominator with its exact interval.</param>
public sealed record GmiSummary(int Numerator, int Denominator, int NotDeterminable, Proportion Proportion);

/// <summary>The safety table: treated participants with treatment-emergent adverse events.</summary>
/// <param name="N">The treated population's size (the percentages' denominator).</param>
/// <param name="Any">Every term together (code null).</param>
/// <param name="Terms">One row per MedDRA term, most frequent first.</param>
public sealed record SafetySummary(int N, SafetyRow Any, IReadOnlyList<SafetyRow> Terms);

/// <summary>One line of the safety table: participants with an event of the term (each counted once).</summary>
/// <param name="System">The term's code system (MedDRA); null on the "any" row.</param>
/// <param name="Code">The MedDRA code; null on the "any" row.</param>
/// <param name="Display">The term's display, or null.</param>
/// <param name="AnyGrade">Participants with the term at any grade (ungraded included).</param>
/// <param name="Grade3">Participants whose worst grade of the term is exactly 3.</param>
/// <param name="Grade4">Worst grade exactly 4.</param>
/// <param name="Grade5">Worst grade exactly 5.</param>
/// <param name="Grade3Plus">Worst grade 3 or more.</param>
/// <param name="Serious">Participants with a serious event of the term.</param>
/// <param name="Discontinuation">Participants with an event of the term that led to withdrawing the drug.</param>
public sealed record SafetyRow(string? System, string? Code, string? Display, int AnyGrade, int Grade3, int Grade4, int Grade5, int Grade3Plus, int Serious, int Discontinuation);
