using Fhir.Trials.Statistics;

namespace Fhir.Trials.Endpoints;

/// <summary>The endpoints of one arm, or of the whole study (<see cref="Name"/> <c>all</c>).</summary>
/// <param name="Name">The arm name, or <c>all</c>.</param>
/// <param name="Enrolled">Participants who started treatment by the cut-off.</param>
/// <param name="Evaluable">Participants with at least one post-baseline assessment.</param>
/// <param name="Orr">Confirmed CR/PR over evaluable participants.</param>
/// <param name="Bor">CR/PR including unconfirmed over evaluable participants.</param>
/// <param name="Dcr">Disease control over evaluable participants.</param>
/// <param name="Pfs">Progression-free survival from the first dose, in days.</param>
/// <param name="Dor">Duration of response of the confirmed responders, in days.</param>
/// <param name="Gmi">The growth modulation index per participant and the share ≥ 1.33.</param>
/// <param name="Safety">Adverse events per MedDRA term, over the enrolled participants.</param>
public sealed record ArmEndpoints(
    string Name,
    int Enrolled,
    int Evaluable,
    Proportion Orr,
    Proportion Bor,
    Proportion Dcr,
    TimeToEvent Pfs,
    TimeToEvent Dor,
    GmiSummary Gmi,
    IReadOnlyList<SafetyRow> Safety);

/// <summary>A time-to-event endpoint: its Kaplan-Meier median with the 95% interval, and the counts.</summary>
/// <param name="Median">Median and Brookmeyer-Crowley 95% limits (log-log), in days; null parts are not reached.</param>
/// <param name="Events">Participants with the event.</param>
/// <param name="Censored">Participants censored.</param>
public sealed record TimeToEvent(MedianEstimate Median, int Events, int Censored);

/// <summary>The growth modulation index over the participants with a known prior-line time to progression.</summary>
/// <param name="PerPatient">Each participant's GMI (patient id and ratio), ordered by patient id.</param>
/// <param name="AtLeast1_33">How many have a GMI ≥ 1.33.</param>
public sealed record GmiSummary(IReadOnlyList<KeyValuePair<string, double>> PerPatient, int AtLeast1_33)
{
    /// <summary>Participants with a GMI (the denominator).</summary>
    public int Evaluable => PerPatient.Count;
}

/// <summary>One line of the safety table: participants with an event of the term.</summary>
/// <param name="System">The term's code system (MedDRA).</param>
/// <param name="Code">The MedDRA code.</param>
/// <param name="Display">The term's display, or null.</param>
/// <param name="AnyGrade">Participants with the term at any grade.</param>
/// <param name="Grade3Plus">Participants whose worst grade of the term is 3 or more.</param>
/// <param name="Serious">Participants with a serious event of the term.</param>
/// <param name="Discontinuation">Participants with an event of the term that led to withdrawing the drug.</param>
public sealed record SafetyRow(string System, string Code, string? Display, int AnyGrade, int Grade3Plus, int Serious, int Discontinuation);
