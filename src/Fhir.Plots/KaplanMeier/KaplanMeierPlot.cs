using System.Globalization;
using Fhir.Plots.Svg;
using Fhir.Trials.Statistics;

namespace Fhir.Plots.KaplanMeier;

/// <summary>
/// Lays out and draws Kaplan-Meier curves: the step curve from the same estimator as <c>$endpoints</c>
/// (<see cref="Fhir.Trials.Statistics.KaplanMeier"/>), censor ticks, the 95% log-log band and the numbers at risk under
/// the axis.
/// </summary>
public static class KaplanMeierPlot
{
    /// <summary>Days per month, as the endpoints count them.</summary>
    public const double DaysPerMonth = Fhir.Trials.Endpoints.EndpointCalculator.DaysPerMonth;

    private const double Left = 96, Right = 24, Top = 36, PlotHeight = 250, Width = 680, RiskRow = 18;

    /// <summary>The figure of <paramref name="groups"/>.</summary>
    public static KaplanMeierFigure Layout(string id, string title, IReadOnlyList<SurvivalGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var lastMonth = groups.SelectMany(g => g.Times).Select(t => t.Time / DaysPerMonth).DefaultIfEmpty(0).Max();
        var step = Axis.NiceStep(Math.Max(lastMonth, 1), 8, months: true);
        var xMax = Math.Max(step, Math.Ceiling(lastMonth / step) * step);
        var x = new Axis(0, xMax, Left, Width - Right);
        var y = new Axis(0, 1, Top + PlotHeight, Top);
        var riskMonths = x.Ticks(step);
        var curves = new List<KaplanMeierCurve>();
        for (var i = 0; i < groups.Count; i++)
        {
            curves.Add(Curve(groups[i], i, riskMonths));
        }
        var height = Top + PlotHeight + 48 + RiskRow * (groups.Count + 1) + 8;
        return new KaplanMeierFigure(id, title, x, y, step, riskMonths, curves, Width, height);
    }

    private static KaplanMeierCurve Curve(SurvivalGroup group, int index, IReadOnlyList<double> riskMonths)
    {
        var km = Fhir.Trials.Statistics.KaplanMeier.Estimate(group.Times);
        var end = group.Times.Count == 0 ? 0 : group.Times.Max(t => t.Time) / DaysPerMonth;
        var path = new List<PlotPoint> { new(0, 1) };
        var band = new List<BandSegment>();
        var previous = 1.0;
        for (var i = 0; i < km.Steps.Count; i++)
        {
            var s = km.Steps[i];
            var month = s.Time / DaysPerMonth;
            path.Add(new PlotPoint(month, previous));
            path.Add(new PlotPoint(month, s.Survival));
            previous = s.Survival;
            var to = i + 1 < km.Steps.Count ? km.Steps[i + 1].Time / DaysPerMonth : end;
            if (km.At(s.Time) is { Lower: { } lower, Upper: { } upper } && to > month)
            {
                band.Add(new BandSegment(month, to, lower, upper));
            }
        }
        if (end > path[^1].X)
        {
            path.Add(new PlotPoint(end, previous));
        }
        var censors = group.Times
            .Where(t => t.Status == SurvivalStatus.Censored)
            .Select(t => t.Time)
            .Distinct()
            .Order()
            .Select(t => new PlotPoint(t / DaysPerMonth, km.SurvivalAt(t)))
            .ToList();
        var atRisk = riskMonths.Select(m => km.AtRisk(m * DaysPerMonth)).ToList();
        var median = km.Median().Median is { } days ? days / DaysPerMonth : (double?)null;
        return new KaplanMeierCurve(group.Name, index, km.Count, km.Events, path, censors, band, atRisk, median);
    }

    /// <summary>The figure as a standalone SVG document (presentation attributes only).</summary>
    public static string Render(KaplanMeierFigure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var (x, y) = (figure.X, figure.Y);
        var w = new SvgWriter();
        var summary = string.Join("; ", figure.Curves.Select(c =>
            $"{c.Name}: {c.N} participants, {c.Events} events, median {(c.MedianMonths is { } m ? SvgWriter.Num(m) + " months" : "not reached")}"));
        SvgDocument.Open(w, figure.Id, figure.Width, figure.Height, figure.Title, summary);

        // Grid and axes.
        var bottom = y.Map(0);
        w.Open("g", ("stroke", "#d9d9d9"), ("stroke-width", 1));
        foreach (var v in y.Ticks(0.2))
        {
            w.Empty("line", ("x1", x.PixelMin), ("x2", x.PixelMax), ("y1", y.Map(v)), ("y2", y.Map(v)));
        }
        w.Close("g");
        w.Open("g", ("stroke", "#000"), ("stroke-width", 1));
        w.Empty("line", ("x1", x.PixelMin), ("x2", x.PixelMax), ("y1", bottom), ("y2", bottom));
        w.Empty("line", ("x1", x.PixelMin), ("x2", x.PixelMin), ("y1", y.PixelMin), ("y2", y.PixelMax));
        w.Close("g");
        w.Open("g", ("text-anchor", "end"), ("fill", "#000"));
        foreach (var v in y.Ticks(0.2))
        {
            w.Element("text", v.ToString("0.0", CultureInfo.InvariantCulture), ("x", x.PixelMin - 6), ("y", y.Map(v) + 4));
        }
        w.Close("g");
        w.Open("g", ("text-anchor", "middle"), ("fill", "#000"));
        foreach (var m in figure.RiskMonths)
        {
            w.Empty("line", ("x1", x.Map(m)), ("x2", x.Map(m)), ("y1", bottom), ("y2", bottom + 5), ("stroke", "#000"));
            w.Element("text", SvgWriter.Num(m), ("x", x.Map(m)), ("y", bottom + 18));
        }
        w.Element("text", "Months from first dose", ("x", (x.PixelMin + x.PixelMax) / 2), ("y", bottom + 34));
        w.Close("g");
        w.Element("text", "Survival probability", ("transform", $"rotate(-90) translate({SvgWriter.Num(-(y.PixelMin + y.PixelMax) / 2)} {SvgWriter.Num(x.PixelMin - 44)})"),
            ("text-anchor", "middle"), ("fill", "#000"));
        w.Element("text", figure.Title, ("x", x.PixelMin), ("y", 20), ("font-size", 15), ("font-weight", "bold"), ("fill", "#000"));

        foreach (var c in figure.Curves)
        {
            var colour = Palette.Group(c.Index);
            var band = string.Concat(c.Band.Select(b =>
                $"M{SvgWriter.Num(x.Map(b.From))} {SvgWriter.Num(y.Map(b.Upper))}H{SvgWriter.Num(x.Map(b.To))}V{SvgWriter.Num(y.Map(b.Lower))}H{SvgWriter.Num(x.Map(b.From))}Z"));
            w.Empty("path", ("class", "km-band"), ("d", band), ("fill", colour), ("fill-opacity", "0.15"), ("stroke", "none"));
        }
        foreach (var c in figure.Curves)
        {
            var colour = Palette.Group(c.Index);
            var d = "M" + string.Join("L", c.Path.Select(p => $"{SvgWriter.Num(x.Map(p.X))} {SvgWriter.Num(y.Map(p.Y))}"));
            w.Empty("path", ("class", "km-curve"), ("data-group", c.Name), ("d", d), ("fill", "none"), ("stroke", colour), ("stroke-width", 2),
                ("stroke-dasharray", Palette.Dash(c.Index)));
            var ticks = string.Concat(c.Censors.Select(p => $"M{SvgWriter.Num(x.Map(p.X))} {SvgWriter.Num(y.Map(p.Y) - 5)}v10"));
            w.Empty("path", ("class", "km-censor"), ("data-group", c.Name), ("d", ticks), ("stroke", colour), ("stroke-width", 1.5));
        }

        // Legend, top right.
        var lx = x.PixelMax - 300;
        for (var i = 0; i < figure.Curves.Count; i++)
        {
            var c = figure.Curves[i];
            var ly = y.PixelMax + 14 + i * 18;
            w.Empty("line", ("x1", lx), ("x2", lx + 28), ("y1", ly), ("y2", ly), ("stroke", Palette.Group(c.Index)), ("stroke-width", 2.5),
                ("stroke-dasharray", Palette.Dash(c.Index)));
            w.Element("text", $"{c.Name} (n={c.N}, events={c.Events})", ("x", lx + 34), ("y", ly + 4), ("fill", "#000"));
        }

        // Numbers at risk, under the axis, one row per curve.
        var top = bottom + 58;
        w.Element("text", "Number at risk", ("x", 4), ("y", top), ("font-weight", "bold"), ("fill", "#000"));
        for (var i = 0; i < figure.Curves.Count; i++)
        {
            var c = figure.Curves[i];
            var ry = top + RiskRow * (i + 1);
            w.Element("text", Shorten(c.Name, 12), ("x", 4), ("y", ry), ("fill", Palette.Group(c.Index)));
            w.Open("g", ("class", "km-risk"), ("data-group", c.Name), ("text-anchor", "middle"), ("fill", "#000"));
            for (var j = 0; j < figure.RiskMonths.Count; j++)
            {
                w.Element("text", c.AtRisk[j].ToString(CultureInfo.InvariantCulture),
                    ("x", x.Map(figure.RiskMonths[j])), ("y", ry), ("data-month", SvgWriter.Num(figure.RiskMonths[j])));
            }
            w.Close("g");
        }
        return SvgDocument.Close(w);
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}
