namespace Fhir.Plots.Waterfall;

/// <summary>A waterfall plot laid out: bars sorted from the largest growth to the deepest shrinkage.</summary>
/// <param name="Id">A prefix for the SVG's element ids.</param>
/// <param name="Title">The title.</param>
/// <param name="X">Bar position (0 to the number of bars) to pixels.</param>
/// <param name="Y">Percent change to pixels.</param>
/// <param name="Bars">The bars in drawing order, left to right.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
public sealed record WaterfallFigure(string Id, string Title, Axis X, Axis Y, IReadOnlyList<WaterfallBar> Bars, double Width, double Height)
{
    /// <summary>The drawn bar <paramref name="index"/>: left, top, width and height in pixels (from zero to the value).</summary>
    public (double X, double Y, double Width, double Height) Rect(int index)
    {
        var bar = Bars[index];
        var zero = Y.Map(0);
        var end = Y.Map(Math.Clamp(bar.Value, Y.DataMin, Y.DataMax));
        var slot = (X.PixelMax - X.PixelMin) / Math.Max(1, Bars.Count);
        var gap = slot > 4 ? slot * 0.15 : 0;
        return (X.Map(index) + gap / 2, Math.Min(zero, end), slot - gap, Math.Abs(end - zero));
    }
}
