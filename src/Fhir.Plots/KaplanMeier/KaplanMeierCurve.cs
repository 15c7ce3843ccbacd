namespace Fhir.Plots.KaplanMeier;

/// <summary>One Kaplan-Meier curve as drawn, in data coordinates (x in months, y = S(t)).</summary>
/// <param name="Name">The group's name.</param>
/// <param name="Index">The group's position (its colour and dash pattern).</param>
/// <param name="N">Participants in the group.</param>
/// <param name="Events">Participants with the event.</param>
/// <param name="Path">The step curve's vertices from (0, 1): each drop is a vertical pair at an event time; it ends at the last follow-up.</param>
/// <param name="Censors">A tick at each censored time, at the height of the curve there.</param>
/// <param name="Band">The 95% confidence band (log-log), one segment per stretch between event times.</param>
/// <param name="AtRisk">Participants at risk at each of the figure's risk-table months.</param>
/// <param name="MedianMonths">The median in months, or null when not reached.</param>
public sealed record KaplanMeierCurve(
    string Name, int Index, int N, int Events, IReadOnlyList<PlotPoint> Path, IReadOnlyList<PlotPoint> Censors,
    IReadOnlyList<BandSegment> Band, IReadOnlyList<int> AtRisk, double? MedianMonths);
