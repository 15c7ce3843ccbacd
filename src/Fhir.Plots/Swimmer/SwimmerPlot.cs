using System.Globalization;
using System.Text;
using Fhir.Plots.Svg;

namespace Fhir.Plots.Swimmer;

/// <summary>
/// Lays out and draws a swimmer plot: time on treatment per participant with markers for the first response
/// (triangle), progression (square), death (cross) and ongoing treatment (arrow). Bars and markers of a kind are
/// one path each, which keeps a 1,000-participant plot small.
/// </summary>
public static class SwimmerPlot
{
    private const double Left = 24, Right = 24, Top = 56, Width = 680;

    /// <summary>The figure of <paramref name="lanes"/> (any order).</summary>
    public static SwimmerFigure Layout(string id, string title, IEnumerable<SwimmerLane> lanes, IReadOnlyList<string> arms)
    {
        var sorted = lanes.OrderByDescending(l => l.End).ThenBy(l => l.SubjectId, StringComparer.Ordinal).ToList();
        var last = sorted.SelectMany(l => new[] { l.End, l.FirstResponse ?? 0, l.Progression ?? 0, l.Death ?? 0 }).DefaultIfEmpty(1).Max();
        var step = Axis.NiceStep(Math.Max(last, 1), 8, months: true);
        var x = new Axis(0, Math.Max(step, Math.Ceiling((last + 0.01) / step) * step), Left, Width - Right);
        // Lanes shrink with the number of participants, down to 3 px; then the plot grows instead.
        var lane = Math.Clamp(Math.Floor(520.0 / Math.Max(1, sorted.Count)), 3, 14);
        var height = Top + lane * sorted.Count + 44;
        return new SwimmerFigure(id, title, x, sorted, arms, lane, Top, Width, height);
    }

    /// <summary>The figure as a standalone SVG document (presentation attributes only).</summary>
    public static string Render(SwimmerFigure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var x = figure.X;
        var w = new SvgWriter();
        var lanes = figure.Lanes;
        SvgDocument.Open(w, figure.Id, figure.Width, figure.Height, figure.Title,
            $"{lanes.Count} treated participants; {lanes.Count(l => l.Ongoing)} on treatment at the cut-off, {lanes.Count(l => l.FirstResponse is not null)} with a response, "
            + $"{lanes.Count(l => l.Progression is not null)} with progression, {lanes.Count(l => l.Death is not null)} died.");
        w.Element("text", figure.Title, ("x", x.PixelMin), ("y", 20), ("font-size", 15), ("font-weight", "bold"), ("fill", "#000"));
        var bottom = figure.Top + figure.LaneHeight * lanes.Count;
        var step = Axis.NiceStep(x.DataMax, 8, months: true);
        w.Open("g", ("stroke", "#e5e5e5"));
        foreach (var m in x.Ticks(step))
        {
            w.Empty("line", ("x1", x.Map(m)), ("x2", x.Map(m)), ("y1", figure.Top), ("y2", bottom));
        }
        w.Close("g");

        var bar = Math.Max(2, figure.LaneHeight * 0.7);
        var marker = Math.Clamp(figure.LaneHeight * 0.45, 2.5, 5);
        var bars = new Dictionary<int, StringBuilder>();
        StringBuilder response = new(), progression = new(), death = new(), ongoing = new();
        for (var i = 0; i < lanes.Count; i++)
        {
            var l = lanes[i];
            var cy = figure.LaneCentre(i);
            var x0 = x.Map(0);
            var width = Math.Max(1, x.Map(l.End) - x0);
            if (!bars.TryGetValue(l.ArmIndex, out var path))
            {
                bars[l.ArmIndex] = path = new StringBuilder();
            }
            path.Append(CultureInfo.InvariantCulture, $"M{N(x0)} {N(cy - bar / 2)}h{N(width)}v{N(bar)}h{N(-width)}z");
            if (l.Ongoing)
            {
                var ex = x0 + width + 1;
                ongoing.Append(CultureInfo.InvariantCulture, $"M{N(ex)} {N(cy - marker)}l{N(marker * 1.6)} {N(marker)}l{N(-marker * 1.6)} {N(marker)}z");
            }
            if (l.FirstResponse is { } r)
            {
                response.Append(CultureInfo.InvariantCulture, $"M{N(x.Map(r))} {N(cy - marker)}l{N(marker)} {N(2 * marker)}h{N(-2 * marker)}z");
            }
            if (l.Progression is { } p)
            {
                progression.Append(CultureInfo.InvariantCulture, $"M{N(x.Map(p) - marker * 0.8)} {N(cy - marker * 0.8)}h{N(marker * 1.6)}v{N(marker * 1.6)}h{N(-marker * 1.6)}z");
            }
            if (l.Death is { } d)
            {
                death.Append(CultureInfo.InvariantCulture, $"M{N(x.Map(d) - marker)} {N(cy - marker)}l{N(2 * marker)} {N(2 * marker)}m0 {N(-2 * marker)}l{N(-2 * marker)} {N(2 * marker)}");
            }
        }
        foreach (var (arm, path) in bars.OrderBy(b => b.Key))
        {
            w.Empty("path", ("class", "sw-bars"), ("data-arm", arm < figure.Arms.Count ? figure.Arms[arm] : "other"), ("d", path.ToString()), ("fill", Palette.Group(arm)), ("fill-opacity", "0.55"));
        }
        w.Empty("path", ("class", "sw-ongoing"), ("d", ongoing.ToString()), ("fill", "#000"));
        w.Empty("path", ("class", "sw-response"), ("d", response.ToString()), ("fill", "#009E73"), ("stroke", "#000"), ("stroke-width", 0.5));
        w.Empty("path", ("class", "sw-progression"), ("d", progression.ToString()), ("fill", "#D55E00"), ("stroke", "#000"), ("stroke-width", 0.5));
        w.Empty("path", ("class", "sw-death"), ("d", death.ToString()), ("stroke", "#000"), ("stroke-width", 1.5), ("fill", "none"));

        w.Empty("line", ("x1", x.PixelMin), ("x2", x.PixelMax), ("y1", bottom), ("y2", bottom), ("stroke", "#000"));
        w.Open("g", ("text-anchor", "middle"), ("fill", "#000"));
        foreach (var m in x.Ticks(step))
        {
            w.Element("text", SvgWriter.Num(m), ("x", x.Map(m)), ("y", bottom + 16));
        }
        w.Element("text", "Months from first dose", ("x", (x.PixelMin + x.PixelMax) / 2), ("y", bottom + 34));
        w.Close("g");

        // Legend: arms, then the markers.
        var lx = x.PixelMin;
        for (var i = 0; i < figure.Arms.Count; i++)
        {
            w.Empty("rect", ("x", lx), ("y", 30), ("width", 14), ("height", 10), ("fill", Palette.Group(i)), ("fill-opacity", "0.55"));
            w.Element("text", figure.Arms[i], ("x", lx + 18), ("y", 40), ("fill", "#000"));
            lx += 30 + figure.Arms[i].Length * 7;
        }
        w.Empty("path", ("d", $"M{N(lx)} 31l5 10h-10z"), ("fill", "#009E73"), ("stroke", "#000"), ("stroke-width", 0.5));
        w.Element("text", "response", ("x", lx + 9), ("y", 40), ("fill", "#000"));
        lx += 80;
        w.Empty("path", ("d", $"M{N(lx - 4)} 32h8v8h-8z"), ("fill", "#D55E00"), ("stroke", "#000"), ("stroke-width", 0.5));
        w.Element("text", "progression", ("x", lx + 9), ("y", 40), ("fill", "#000"));
        lx += 94;
        w.Empty("path", ("d", $"M{N(lx - 4)} 31l8 9m0 -9l-8 9"), ("stroke", "#000"), ("stroke-width", 1.5));
        w.Element("text", "death", ("x", lx + 9), ("y", 40), ("fill", "#000"));
        lx += 56;
        w.Empty("path", ("d", $"M{N(lx - 4)} 31l8 5l-8 5z"), ("fill", "#000"));
        w.Element("text", "ongoing", ("x", lx + 9), ("y", 40), ("fill", "#000"));
        return SvgDocument.Close(w);
    }

    private static string N(double value) => SvgWriter.Num(value);
}
