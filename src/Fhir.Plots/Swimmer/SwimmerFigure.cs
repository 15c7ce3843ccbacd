namespace Fhir.Plots.Swimmer;

/// <summary>A swimmer plot laid out: one lane per treated participant, longest first.</summary>
/// <param name="Id">A prefix for the SVG's element ids.</param>
/// <param name="Title">The title.</param>
/// <param name="X">Months to pixels.</param>
/// <param name="Lanes">The lanes, top to bottom.</param>
/// <param name="Arms">The arms in legend order.</param>
/// <param name="LaneHeight">Pixels per lane.</param>
/// <param name="Top">The first lane's top.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public sealed record SwimmerFigure(string Id, string Title, Axis X, IReadOnlyList<SwimmerLane> Lanes, IReadOnlyList<string> Arms, double LaneHeight, double Top, double Width, double Height)
{
    /// <summary>The vertical centre of lane <paramref name="index"/>.</summary>
    public double LaneCentre(int index) => Top + (index + 0.5) * LaneHeight;
}
