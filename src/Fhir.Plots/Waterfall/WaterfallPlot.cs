using System.Globalization;
using Fhir.Plots.Svg;
using Fhir.Trials.Model;

namespace Fhir.Plots.Waterfall;

/// <summary>Lays out and draws a waterfall plot with the RECIST thresholds (−30% partial response, +20% progression).</summary>
public static class WaterfallPlot
{
    private const double Left = 64, Right = 20, Top = 56, PlotHeight = 260, Width = 680;

    /// <summary>The figure of <paramref name="bars"/> (any order; participants without a value are not given here).</summary>
    public static WaterfallFigure Layout(string id, string title, IEnumerable<WaterfallBar> bars)
    {
        // Largest growth first, deepest shrinkage last; ties by participant so that the order is stable.
        var sorted = bars.OrderByDescending(b => b.Value).ThenBy(b => b.SubjectId, StringComparer.Ordinal).ToList();
        var high = Math.Max(40, Math.Ceiling(sorted.Select(b => b.Value).DefaultIfEmpty(0).Max() / 20) * 20);
        var low = Math.Min(-100, Math.Floor(sorted.Select(b => b.Value).DefaultIfEmpty(0).Min() / 20) * 20);
        var x = new Axis(0, Math.Max(1, sorted.Count), Left, Width - Right);
        var y = new Axis(low, high, Top + PlotHeight, Top);
        return new WaterfallFigure(id, title, x, y, sorted, Width, Top + PlotHeight + 40);
    }

    /// <summary>The figure as a standalone SVG document (presentation attributes only).</summary>
    public static string Render(WaterfallFigure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var (x, y) = (figure.X, figure.Y);
        var w = new SvgWriter();
        var shrunk = figure.Bars.Count(b => b.Value <= -30);
        var grew = figure.Bars.Count(b => b.Value >= 20);
        SvgDocument.Open(w, figure.Id, figure.Width, figure.Height, figure.Title,
            $"{figure.Bars.Count} participants with target-lesion measurements; {shrunk} shrank by 30% or more, {grew} grew by 20% or more.");
        w.Element("text", figure.Title, ("x", x.PixelMin), ("y", 20), ("font-size", 15), ("font-weight", "bold"), ("fill", "#000"));

        var step = Axis.NiceStep(y.DataMax - y.DataMin, 7);
        w.Open("g", ("stroke", "#d9d9d9"));
        foreach (var v in y.Ticks(step))
        {
            w.Empty("line", ("x1", x.PixelMin), ("x2", x.PixelMax), ("y1", y.Map(v)), ("y2", y.Map(v)));
        }
        w.Close("g");
        w.Open("g", ("text-anchor", "end"), ("fill", "#000"));
        foreach (var v in y.Ticks(step))
        {
            w.Element("text", v.ToString("0", CultureInfo.InvariantCulture) + "%", ("x", x.PixelMin - 6), ("y", y.Map(v) + 4));
        }
        w.Close("g");
        w.Element("text", "Best change in sum of target lesions", ("transform", $"rotate(-90) translate({SvgWriter.Num(-(y.PixelMin + y.PixelMax) / 2)} 16)"),
            ("text-anchor", "middle"), ("fill", "#000"));

        w.Open("g", ("class", "wf-bars"), ("stroke", "none"));
        for (var i = 0; i < figure.Bars.Count; i++)
        {
            var (bx, by, bw, bh) = figure.Rect(i);
            var b = figure.Bars[i];
            w.Empty("rect", ("x", bx), ("y", by), ("width", bw), ("height", bh), ("fill", Fill(figure.Id, b.BestResponse)));
        }
        w.Close("g");

        w.Empty("line", ("x1", x.PixelMin), ("x2", x.PixelMax), ("y1", y.Map(0)), ("y2", y.Map(0)), ("stroke", "#000"));
        w.Empty("line", ("class", "wf-threshold"), ("data-value", "20"), ("x1", x.PixelMin), ("x2", x.PixelMax), ("y1", y.Map(20)), ("y2", y.Map(20)),
            ("stroke", "#000"), ("stroke-dasharray", "6 3"));
        w.Empty("line", ("class", "wf-threshold"), ("data-value", "-30"), ("x1", x.PixelMin), ("x2", x.PixelMax), ("y1", y.Map(-30)), ("y2", y.Map(-30)),
            ("stroke", "#000"), ("stroke-dasharray", "2 2"));
        w.Element("text", "+20%", ("x", x.PixelMax - 2), ("y", y.Map(20) - 3), ("text-anchor", "end"), ("fill", "#000"));
        w.Element("text", "−30%", ("x", x.PixelMax - 2), ("y", y.Map(-30) + 13), ("text-anchor", "end"), ("fill", "#000"));
        w.Empty("line", ("x1", x.PixelMin), ("x2", x.PixelMin), ("y1", y.PixelMin), ("y2", y.PixelMax), ("stroke", "#000"));
        w.Element("text", "Participants, ordered by best change", ("x", (x.PixelMin + x.PixelMax) / 2), ("y", y.PixelMin + 20), ("text-anchor", "middle"), ("fill", "#000"));

        // Legend: colour plus a hatch for progression and not evaluable, so that print in grey still tells them apart.
        var legend = new Response?[] { Response.CR, Response.PR, Response.SD, Response.PD, Response.NE, null };
        w.Open("defs");
        Hatch(w, figure.Id + "-pd", Palette.Of(Response.PD), "M0 6L6 0");
        Hatch(w, figure.Id + "-ne", Palette.Of(null), "M0 0L6 6");
        w.Close("defs");
        var lx = x.PixelMin;
        foreach (var r in legend)
        {
            w.Empty("rect", ("x", lx), ("y", 30), ("width", 12), ("height", 12), ("fill", Fill(figure.Id, r)), ("stroke", "#000"), ("stroke-width", 0.5));
            var label = Palette.Label(r);
            w.Element("text", label, ("x", lx + 16), ("y", 40), ("fill", "#000"));
            lx += 28 + label.Length * 7;
        }
        return SvgDocument.Close(w);
    }

    private static string Fill(string id, Response? response) => response switch
    {
        Response.PD => $"url(#{id}-pd)",
        Response.NE or null => $"url(#{id}-ne)",
        _ => Palette.Of(response),
    };

    private static void Hatch(SvgWriter w, string id, string colour, string line)
    {
        w.Open("pattern", ("id", id), ("width", 6), ("height", 6), ("patternUnits", "userSpaceOnUse"));
        w.Empty("rect", ("width", 6), ("height", 6), ("fill", colour));
        w.Empty("path", ("d", line), ("stroke", "#fff"), ("stroke-width", 1.2));
        w.Close("pattern");
    }
}
