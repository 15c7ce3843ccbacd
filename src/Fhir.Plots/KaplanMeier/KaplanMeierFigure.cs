namespace Fhir.Plots.KaplanMeier;

/// <summary>A Kaplan-Meier figure laid out: axes, curves and the numbers-at-risk table.</summary>
/// <param name="Id">A prefix for the SVG's element ids (unique on the page).</param>
/// <param name="Title">The title (for example "Progression-free survival").</param>
/// <param name="X">Months to pixels.</param>
/// <param name="Y">S(t) to pixels.</param>
/// <param name="XStep">Months between x ticks.</param>
/// <param name="RiskMonths">The months of the numbers-at-risk table (the x ticks).</param>
/// <param name="Curves">The curves, in legend order.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public sealed record KaplanMeierFigure(
    string Id, string Title, Axis X, Axis Y, double XStep, IReadOnlyList<double> RiskMonths, IReadOnlyList<KaplanMeierCurve> Curves,
    double Width, double Height);
