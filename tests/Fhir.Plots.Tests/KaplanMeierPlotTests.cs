using System.Xml.Linq;
using Fhir.Plots.KaplanMeier;
using Fhir.Trials.Statistics;

namespace Fhir.Plots.Tests;

public sealed class KaplanMeierPlotTests
{
    private const double Month = KaplanMeierPlot.DaysPerMonth;

    // Events at 30, 90 (two, tied), 200; censored at 60, 90 (tied with events), 150, 400.
    private static readonly SurvivalTime[] Times =
    [
        new(30, SurvivalStatus.Event), new(60, SurvivalStatus.Censored), new(90, SurvivalStatus.Event), new(90, SurvivalStatus.Event),
        new(90, SurvivalStatus.Censored), new(150, SurvivalStatus.Censored), new(200, SurvivalStatus.Event), new(400, SurvivalStatus.Censored),
    ];

    private static KaplanMeierCurve Curve() => KaplanMeierPlot.Layout("km", "PFS", [new SurvivalGroup("all", Times)]).Curves.Single();

    [Fact]
    public void A_step_falls_at_each_event_time_and_nowhere_else()
    {
        var path = Curve().Path;
        Assert.Equal(new PlotPoint(0, 1), path[0]);
        // A drop: two consecutive vertices at the same x with y falling.
        var drops = path.Zip(path.Skip(1)).Where(p => p.First.X == p.Second.X && p.Second.Y < p.First.Y).Select(p => p.First.X * Month).ToList();
        var eventTimes = Times.Where(t => t.Status == SurvivalStatus.Event).Select(t => t.Time).Distinct().Order().ToList();
        Assert.Equal(eventTimes.Count, drops.Count);
        Assert.All(eventTimes.Zip(drops), p => Assert.Equal(p.First, p.Second, 9));
        // y never rises, x never goes back.
        Assert.All(path.Zip(path.Skip(1)), p => { Assert.True(p.Second.Y <= p.First.Y); Assert.True(p.Second.X >= p.First.X); });
    }

    [Fact]
    public void Each_drop_lands_on_the_estimators_survival()
    {
        var km = Fhir.Trials.Statistics.KaplanMeier.Estimate(Times);
        var path = Curve().Path;
        foreach (var step in km.Steps)
        {
            Assert.Contains(path, p => Math.Abs(p.X * Month - step.Time) < 1e-9 && Math.Abs(p.Y - step.Survival) < 1e-12);
        }
        // 8 at risk; 7/8 after day 30; 6 at risk at 90 with 2 events: 7/8 · 4/6; 2 at risk at 200: · 1/2.
        Assert.Equal(7.0 / 8 * 4 / 6 / 2, path[^1].Y, 12);
        Assert.Equal(400 / Month, path[^1].X, 9);
    }

    [Fact]
    public void A_censor_tick_sits_at_each_censored_time_on_the_curve()
    {
        var curve = Curve();
        var censored = Times.Where(t => t.Status == SurvivalStatus.Censored).Select(t => t.Time).Distinct().Order().ToList();
        Assert.Equal(censored, curve.Censors.Select(c => Math.Round(c.X * Month, 9)).ToList());
        var km = Fhir.Trials.Statistics.KaplanMeier.Estimate(Times);
        Assert.All(curve.Censors, c => Assert.Equal(km.SurvivalAt(c.X * Month), c.Y, 12));
        // The tick at 90 sits after that time's events (a subject censored at t was at risk at t).
        Assert.Equal(7.0 / 8 * 4 / 6, curve.Censors.Single(c => Math.Abs(c.X * Month - 90) < 1e-9).Y, 12);
    }

    [Fact]
    public void The_band_holds_the_curve_and_the_risk_table_counts_follow_up()
    {
        var figure = KaplanMeierPlot.Layout("km", "PFS", [new SurvivalGroup("all", Times)]);
        var curve = figure.Curves.Single();
        Assert.NotEmpty(curve.Band);
        foreach (var b in curve.Band)
        {
            var s = Fhir.Trials.Statistics.KaplanMeier.Estimate(Times).SurvivalAt(b.From * Month);
            Assert.InRange(s, b.Lower, b.Upper);
        }
        Assert.Equal(figure.RiskMonths.Count, curve.AtRisk.Count);
        Assert.Equal(8, curve.AtRisk[0]);
        for (var i = 0; i < figure.RiskMonths.Count; i++)
        {
            Assert.Equal(Times.Count(t => t.Time >= figure.RiskMonths[i] * Month), curve.AtRisk[i]);
        }
    }

    [Fact]
    public void The_svg_draws_the_path_and_ticks_in_pixels_with_presentation_attributes_only()
    {
        var figure = KaplanMeierPlot.Layout("km", "PFS", [new SurvivalGroup("A", Times), new SurvivalGroup("B", Times.Take(4).ToList())]);
        var svg = XDocument.Parse(KaplanMeierPlot.Render(figure));
        Svgs.AssertStrict(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var curves = svg.Descendants(ns + "path").Where(p => (string?)p.Attribute("class") == "km-curve").ToList();
        Assert.Equal(["A", "B"], curves.Select(c => (string)c.Attribute("data-group")!));
        // The curve's first drop, in pixels: x of day 30, from y of 1 to y of 7/8.
        var d = (string)curves[0].Attribute("d")!;
        var x30 = Svg.SvgWriter.Num(figure.X.Map(30 / Month));
        Assert.Contains($"L{x30} {Svg.SvgWriter.Num(figure.Y.Map(1))}L{x30} {Svg.SvgWriter.Num(figure.Y.Map(7.0 / 8))}", d, StringComparison.Ordinal);
        var ticks = svg.Descendants(ns + "path").Where(p => (string?)p.Attribute("class") == "km-censor").First();
        Assert.Equal(4, ((string)ticks.Attribute("d")!).Count(c => c == 'M'));
        // Numbers at risk under the axis, per group.
        var risk = svg.Descendants(ns + "g").First(g => (string?)g.Attribute("class") == "km-risk" && (string?)g.Attribute("data-group") == "B");
        Assert.Equal(figure.Curves[1].AtRisk.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), risk.Elements(ns + "text").Select(t => t.Value));
        Assert.Contains("A: 8 participants, 4 events", svg.Descendants(ns + "desc").Single().Value, StringComparison.Ordinal);
    }
}
